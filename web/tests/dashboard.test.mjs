// @ts-check
/* global document, window, HTMLElement -- in the functions page.evaluate runs in the page */
// The overview at /dashboard, in Chromium against the real server on the
// default data, with the network beyond the server blocked: every panel
// has data, its figures are what the API answers, the query each panel
// shows gives those figures when it is run, and a date changes the counts.

import assert from "node:assert/strict";
import { test } from "node:test";
import { setup } from "./harness.mjs";

const env = setup();

/**
 * @typedef {{ key: string, label?: string | null, count: number }} Bucket
 */

/**
 * api runs a query against the test's server and returns its data; an
 * answer with errors fails the test.
 * @template T
 * @param {string} query
 * @returns {Promise<T>}
 */
async function api(query) {
  const res = await fetch(new URL("/graphql", env.server().url), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query }),
  });
  /** @type {unknown} */
  const raw = await res.json();
  const body = /** @type {{ data?: T, errors?: { message: string }[] }} */ (raw);
  assert.equal(body.errors, undefined, `the API answered errors: ${JSON.stringify(body.errors)}`);
  assert.ok(body.data, "the API answered no data");
  return body.data;
}

/**
 * count asks the API for one count.
 * @param {string} args
 * @returns {Promise<Bucket[]>}
 */
async function count(args) {
  /** @type {{ count: Bucket[] }} */
  const data = await api(`{ count(${args}) { key count } }`);
  return data.count;
}

/**
 * waitPanels waits until no panel is loading any more.
 * @param {import("playwright-core").Page} page
 */
async function waitPanels(page) {
  await page.waitForFunction(
    () => {
      const panels = [...document.querySelectorAll(".panel")];
      return panels.length > 0 && panels.every((p) => p instanceof HTMLElement && p.dataset.state !== "loading");
    },
    null,
    { timeout: 60_000 },
  );
}

/**
 * rows reads a panel's table of bars: each row's key and count.
 * @param {import("playwright-core").Page} page
 * @param {string} panel
 * @returns {Promise<Bucket[]>}
 */
async function rows(page, panel) {
  return page.locator(`#panel-${panel} table.bars tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => ({
      key: tr instanceof HTMLElement ? (tr.dataset.key ?? "") : "",
      count: Number((tr.querySelector("td.num")?.textContent ?? "").replace(/,/g, "")),
    })),
  );
}

/**
 * shownQueries reads the queries a panel shows.
 * @param {import("playwright-core").Page} page
 * @param {string} panel
 * @returns {Promise<string[]>}
 */
async function shownQueries(page, panel) {
  return page.locator(`#panel-${panel} details.query pre`).evaluateAll((pres) => pres.map((p) => p.textContent ?? ""));
}

const panels = ["kinds", "mission-types", "senders", "hosts", "timeline", "map"];

void test("dashboard: every panel has data from the API and shows its query", async () => {
  const visit = await env.visit("/dashboard");
  const { page } = visit;
  await waitPanels(page);

  for (const id of panels) {
    const panel = page.locator(`#panel-${id}`);
    assert.equal(await panel.getAttribute("data-state"), "ready", `panel ${id}: ${await panel.locator(".panel-status").textContent()}`);
    const queries = await shownQueries(page, id);
    assert.ok(queries.length > 0, `panel ${id} shows no query`);
    for (const q of queries) assert.match(q, /^query \w+/, `panel ${id} shows something that is not a query: ${q}`);
    // The query is behind a disclosure that opens with the keyboard.
    await panel.locator("details.query summary").focus();
    await page.keyboard.press("Enter");
    assert.equal(await panel.locator("details.query").getAttribute("open"), "");
    assert.ok(await panel.locator("details.query pre").first().isVisible());
  }

  // The four tables: their rows are what the API counts, and running the
  // query the panel shows gives the same rows.
  /** @type {[string, string][]} */
  const tables = [
    ["kinds", "groupBy: KIND"],
    ["mission-types", "groupBy: MISSION_TYPE"],
    ["senders", "groupBy: SENDER, limit: 10"],
    ["hosts", "groupBy: HOST, limit: 10"],
  ];
  for (const [id, args] of tables) {
    const shown = await rows(page, id);
    const want = (await count(args)).map((b) => ({ key: b.key, count: b.count }));
    assert.ok(shown.length > 0, `panel ${id} has no rows`);
    assert.deepEqual(shown, want, `panel ${id}`);
    const [query] = await shownQueries(page, id);
    /** @type {{ count: Bucket[] }} */
    const ran = await api(/** @type {string} */ (query));
    assert.deepEqual(
      ran.count.map((b) => ({ key: b.key, count: b.count })),
      want,
      `panel ${id}: its query gives other figures`,
    );
  }
  const kinds = await rows(page, "kinds");
  assert.ok(kinds.some((b) => b.key === "MISSION" && b.count > 100), "the default data has over a hundred missions");
  assert.equal((await rows(page, "senders")).length, 10);
  // A sender links to the explorer.
  const link = page.locator("#panel-senders tbody tr").first().locator("a");
  assert.match((await link.getAttribute("href")) ?? "", /^\/explore\?id=/);

  // The timeline: openings, renamings and closings by decade as count gives them.
  const decades = await page.locator("#panel-timeline table.numbers tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")),
  );
  assert.ok(decades.length > 0, "the timeline has no decades");
  const openings = await count("groupBy: DECADE, types: [SENT_BY], limit: 100");
  const renamings = await count("groupBy: DECADE, types: [RENAMED_FROM], limit: 100");
  for (const b of openings) {
    assert.equal(decades.find((r) => r[0] === b.key)?.[1], String(b.count), `openings in the ${b.key}`);
  }
  for (const b of renamings) {
    assert.equal(decades.find((r) => r[0] === b.key)?.[2], String(b.count), `renamings in the ${b.key}`);
  }
  const closings = await count("groupBy: DECADE_ENDED, types: [SENT_BY], limit: 100");
  assert.ok(closings.length > 0, "the default data has no closings by decade");
  for (const b of closings) {
    assert.equal(decades.find((r) => r[0] === b.key)?.[3], String(b.count), `closings in the ${b.key}`);
  }
  for (const series of ["openings", "renamings", "closings"]) {
    assert.ok((await page.locator(`#panel-timeline rect[data-series="${series}"]`).count()) > 0, `no bar of ${series}`);
  }

  // The map: countries shaded by the missions they host, as count gives them.
  const shaded = page.locator("#panel-map path.country.has-data");
  assert.ok((await shaded.count()) > 10, "the map shades hardly any country");
  const hosts = await count("groupBy: HOST, limit: 500");
  const us = hosts.find((b) => b.key === "country:united-states");
  assert.ok(us);
  assert.equal(await page.locator('#panel-map path[data-id="country:united-states"]').getAttribute("data-count"), String(us.count));
  // The default data's missions from Wikidata have coordinates: each is a dot, and the panel
  // says how many of the missions it read have them.
  const dots = await page.locator("#panel-map circle.point").count();
  assert.ok(dots > 1000, `the map draws ${dots} missions as dots`);
  const summary = (await page.locator("#panel-map .map-summary").textContent()) ?? "";
  const m = /([\d,]+) of ([\d,]+) missions have coordinates and are drawn as dots/.exec(summary);
  assert.ok(m, `the map's summary: ${summary}`);
  assert.equal(Number((m[1] ?? "").replaceAll(",", "")), dots);

  await visit.close();
});

void test("dashboard: a date changes the counts to those of that day", async () => {
  const visit = await env.visit("/dashboard");
  const { page } = visit;
  await waitPanels(page);
  await page.locator("#asof").fill("1990");
  await page.locator("#asof").press("Enter");
  await page.waitForFunction(() => /asOf=1990/.test(window.location.search));
  await waitPanels(page);
  assert.match(page.url(), /asOf=1990/);
  for (const id of panels) {
    assert.equal(await page.locator(`#panel-${id}`).getAttribute("data-state"), "ready", `panel ${id}`);
  }
  const want = (await count("groupBy: KIND, asOf: 1990")).map((b) => ({ key: b.key, count: b.count }));
  assert.deepEqual(await rows(page, "kinds"), want);
  const [query] = await shownQueries(page, "kinds");
  assert.match(query ?? "", /asOf: 1990/);
  assert.notDeepEqual(want, (await count("groupBy: KIND")).map((b) => ({ key: b.key, count: b.count })));

  // A year that is not one is refused with a message, not sent.
  await page.locator("#asof").fill("19");
  await page.locator("#asof").press("Enter");
  await page.locator('#error[role="alert"]').waitFor({ state: "visible" });
  assert.match((await page.locator("#error").textContent()) ?? "", /four digits/);

  await visit.close();
});
