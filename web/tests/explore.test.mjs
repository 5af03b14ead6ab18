// @ts-check
/* global window, document, DOMParser -- in the functions page.evaluate runs in the page */
// The graph explorer at /explore, in Chromium against the real server on
// the default data, with the network beyond the server blocked: search and
// draw an entity, open a group of a hub's neighbours, expand a node by
// clicking it, move the date so that a relation that ended disappears,
// read the sources and dated relations in the details, filter by relation
// type, find paths, export PNG and GraphML, and show the API's own message
// for an error. What the page draws is checked against what the API
// answers for the same question.

import assert from "node:assert/strict";
import { test } from "node:test";
import { setup } from "./harness.mjs";

const env = setup();

/**
 * @typedef {{ id: string }} Ref
 * @typedef {{ id: string, type: string, from: Ref, to: Ref }} Rel
 * @typedef {{ nodes: Ref[], relations: Rel[] }} Sub
 */

/**
 * api runs a query against the test's server, as the page does, and
 * returns its data; an answer with errors fails the test.
 * @template T
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @returns {Promise<T>}
 */
async function api(query, variables = {}) {
  const res = await fetch(new URL("/graphql", env.server().url), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  /** @type {unknown} */
  const raw = await res.json();
  const body = /** @type {{ data?: T, errors?: { message: string }[] }} */ (raw);
  assert.equal(body.errors, undefined, `the API answered errors: ${JSON.stringify(body.errors)}`);
  assert.ok(body.data, "the API answered no data");
  return body.data;
}

/**
 * neighbourhood is what the API says lies one hop from id.
 * @param {string} id
 * @param {string | null} [asOf]
 * @returns {Promise<Sub>}
 */
async function neighbourhood(id, asOf = null) {
  /** @type {{ neighbourhood: Sub }} */
  const data = await api(
    `query($id: ID!, $asOf: Date) { neighbourhood(id: $id, asOf: $asOf, limit: 300) { nodes { id } relations { id type from { id } to { id } } } }`,
    { id, asOf },
  );
  return data.neighbourhood;
}

/**
 * @typedef {{ nodes: string[], edges: { id: string, type: string, source: string, target: string }[], expanded: string[], onPath: string[] }} Drawn
 */

/**
 * drawn reads what Cytoscape holds: the entities and relations drawn,
 * folded into a group or not, which are marked expanded and which elements
 * are highlighted as on a path.
 * @param {import("playwright-core").Page} page
 * @returns {Promise<Drawn>}
 */
async function drawn(page) {
  return page.evaluate(() => {
    const explorer = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (
      /** @type {unknown} */ (window)
    ).chanceryExplorer;
    const cy = explorer.cy;
    return {
      nodes: cy
        .nodes()
        .not(".group")
        .map((n) => n.id())
        .sort(),
      edges: cy.edges(".relation").map((e) => ({
        id: e.id(),
        type: String(e.data("type")),
        source: e.source().id(),
        target: e.target().id(),
      })),
      expanded: cy
        .nodes(".expanded")
        .map((n) => n.id())
        .sort(),
      onPath: cy
        .elements(".on-path")
        .map((e) => e.id())
        .sort(),
    };
  });
}

/**
 * idsOf lists the distinct ids of the nodes and relations of subgraphs.
 * @param {Sub[]} subs
 */
function idsOf(...subs) {
  const nodes = [...new Set(subs.flatMap((s) => s.nodes.map((n) => n.id)))].sort();
  const relations = [...new Set(subs.flatMap((s) => s.relations.map((r) => r.id)))].sort();
  return { nodes, relations };
}

/**
 * waitDrawn waits until the drawing holds exactly these entities, folded
 * into a group or not.
 * @param {import("playwright-core").Page} page
 * @param {string[]} nodes
 */
async function waitDrawn(page, nodes) {
  await page.waitForFunction(
    (want) => {
      const explorer = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (
        /** @type {unknown} */ (window)
      ).chanceryExplorer;
      const have = explorer.cy
        .nodes()
        .not(".group")
        .map((n) => n.id())
        .sort();
      return document.getElementById("graph")?.getAttribute("aria-busy") !== "true" && JSON.stringify(have) === JSON.stringify(want);
    },
    nodes,
    { timeout: 15_000 },
  );
}

/**
 * renderedAt is where on the page an element of the drawing is: a node's
 * centre or an edge's midpoint.
 * @param {import("playwright-core").Page} page
 * @param {string} id
 */
async function renderedAt(page, id) {
  return page.evaluate((id) => {
    const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
    const el = cy.getElementById(id);
    const p = el.isNode() ? el.renderedPosition() : /** @type {import("cytoscape").EdgeSingular} */ (el).renderedMidpoint();
    const box = document.getElementById("graph")?.getBoundingClientRect();
    return { x: p.x + (box?.left ?? 0), y: p.y + (box?.top ?? 0) };
  }, id);
}

/**
 * clickNode clicks an element of the drawing where it is drawn.
 * @param {import("playwright-core").Page} page
 * @param {string} id
 */
async function clickNode(page, id) {
  await page.waitForFunction(() => {
    const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
    return !cy.animated();
  });
  const at = await renderedAt(page, id);
  await page.mouse.click(at.x, at.y);
}

/**
 * isFolded says whether an entity is folded into a group of a hub's neighbours.
 * @param {import("playwright-core").Page} page
 * @param {string} id
 */
async function isFolded(page, id) {
  return page.evaluate(
    (id) =>
      /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy
        .getElementById(id)
        .hasClass("in-group"),
    id,
  );
}

/**
 * pick types text into a search box and chooses the match with this id,
 * with the keyboard.
 * @param {import("playwright-core").Page} page
 * @param {string} input  the input's selector
 * @param {string} text
 * @param {string} id
 */
async function pick(page, input, text, id) {
  await page.locator(input).fill("");
  await page.locator(input).pressSequentially(text, { delay: 20 });
  await page.locator(`${input}[data-shown="${text}"]`).waitFor();
  const listbox = page.locator(`#${await page.locator(input).getAttribute("aria-controls")}`);
  const option = listbox.locator(`li[role="option"][data-id="${id}"]`);
  await option.waitFor({ state: "visible" });
  const options = await listbox.locator("li[data-id]").evaluateAll((els) => els.map((el) => el.getAttribute("data-id")));
  const steps = options.indexOf(id) + 1;
  assert.ok(steps > 0, `${id} is not among the matches for ${text}: ${options.join(", ")}`);
  for (let i = 0; i < steps; i++) await page.locator(input).press("ArrowDown");
  assert.equal(await option.getAttribute("aria-selected"), "true");
  await page.locator(input).press("Enter");
}

void test("explore: search, draw, expand by clicking, and the date slider hides what had ended", async () => {
  const visit = await env.visit("/explore");
  const { page } = visit;
  await page.locator('#graph[data-ready="true"]').waitFor({ state: "attached" });

  // Search as you type: "cub" already offers Cuba.
  await page.locator("#search").pressSequentially("cub", { delay: 30 });
  await page.locator('#search + [role="listbox"] li[data-id="country:cuba"]').waitFor();
  assert.equal(await page.locator("#search").getAttribute("aria-expanded"), "true");
  await page.locator("#search").pressSequentially("a", { delay: 30 });
  await pick(page, "#search", "Cuba", "country:cuba");

  // Cuba and everything one hop from it, exactly as the API gives it.
  const cuba = await neighbourhood("country:cuba");
  const want = idsOf(cuba);
  await waitDrawn(page, want.nodes);
  let d = await drawn(page);
  assert.deepEqual(d.edges.map((e) => e.id).sort(), want.relations);
  assert.deepEqual(d.expanded, ["country:cuba"]);
  for (const id of ["country:cuba", "city:havana", "mission:us-interests-section-havana", "country:switzerland"]) {
    assert.ok(d.nodes.includes(id), `${id} is not drawn`);
  }
  // Every edge is labelled by its type, and the list beside the drawing holds the same entities.
  for (const e of d.edges) {
    const r = cuba.relations.find((x) => x.id === e.id);
    assert.ok(r);
    assert.equal(e.type, r.type);
    assert.equal(e.source, r.from.id);
    assert.equal(e.target, r.to.id);
  }
  const listed = await page.locator("#entity-list button[data-id]").evaluateAll((els) => els.map((el) => el.getAttribute("data-id")));
  assert.deepEqual([...listed].sort(), want.nodes);
  assert.match((await page.locator("#status").textContent()) ?? "", new RegExp(`^${want.nodes.length} entities, ${want.relations.length} relations over all of history`));

  // Cuba is a hub: its many neighbours are folded by relation type. The United States Interests Section
  // in Havana is in the group of those accredited to Cuba; clicking the group shows them one by one.
  const section = "mission:us-interests-section-havana";
  const group = "group:country:cuba:ACCREDITS_TO";
  assert.ok(await isFolded(page, section), "the section is drawn on its own before its group is opened");
  await clickNode(page, group);
  await page.waitForFunction(
    (id) =>
      /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy
        .getElementById(id)
        .empty(),
    group,
  );
  assert.equal(await isFolded(page, section), false, "the section is still folded after its group was opened");

  // Click the section where it is drawn: it expands.
  const at = await page.evaluate((id) => {
    const explorer = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (
      /** @type {unknown} */ (window)
    ).chanceryExplorer;
    const p = explorer.cy.getElementById(id).renderedPosition();
    const box = document.getElementById("graph")?.getBoundingClientRect();
    return { x: p.x + (box?.left ?? 0), y: p.y + (box?.top ?? 0) };
  }, section);
  await page.mouse.click(at.x, at.y);
  const expanded = idsOf(cuba, await neighbourhood(section));
  await waitDrawn(page, expanded.nodes);
  d = await drawn(page);
  assert.deepEqual(d.edges.map((e) => e.id).sort(), expanded.relations);
  assert.deepEqual(d.expanded, ["country:cuba", section]);
  assert.ok(d.nodes.includes("country:united-states"), "the section's sender is drawn once it is expanded");
  assert.ok(d.nodes.includes("mission:embassy-of-switzerland-in-cuba"));
  await page.locator("#details h3", { hasText: "United States Interests Section in Havana" }).waitFor();

  // The section was accredited to Cuba from 1977 to 2015: on 1 January 1990 the relation is drawn ...
  const accredits = d.edges.find((e) => e.type === "ACCREDITS_TO" && e.source === section && e.target === "country:cuba");
  assert.ok(accredits, "the ACCREDITS_TO relation of the section to Cuba is drawn");
  await page.locator("#asof-on").check();
  await page.locator("#asof").fill("1990");
  const in1990 = idsOf(await neighbourhood("country:cuba", "1990"), await neighbourhood(section, "1990"));
  await waitDrawn(page, in1990.nodes);
  d = await drawn(page);
  assert.deepEqual(d.edges.map((e) => e.id).sort(), in1990.relations);
  assert.ok(d.edges.some((e) => e.id === accredits.id));
  assert.equal(await page.locator("#asof-text").textContent(), "1 January 1990");

  // ... and on 1 January 2020 it, and the section, are gone, while Cuba stays; the old Cuban embassy in
  // Washington, which nothing dates, is known on no day and is not drawn.
  await page.locator("#asof").fill("2020");
  const in2020 = idsOf(await neighbourhood("country:cuba", "2020"));
  await waitDrawn(page, in2020.nodes);
  d = await drawn(page);
  assert.ok(!d.edges.some((e) => e.id === accredits.id), "the relation that ended in 2015 is still drawn in 2020");
  assert.ok(!d.nodes.includes(section));
  assert.deepEqual(d.edges.map((e) => e.id).sort(), in2020.relations);
  assert.ok(d.nodes.includes("country:cuba"));
  assert.ok(!d.nodes.includes("mission:embassy-of-cuba-in-the-united-states"), "an undated embassy is drawn as of 2020");
  assert.match((await page.locator("#status").textContent()) ?? "", /not there on that date: United States Interests Section in Havana/);
  assert.match(page.url(), /asOf=2020/);

  // Turning the date off brings it all back, where it was.
  await page.locator("#asof-on").uncheck();
  await waitDrawn(page, expanded.nodes);

  await visit.close();
});

void test("explore: export the drawing as GraphML and PNG", async () => {
  const visit = await env.visit("/explore?id=country:cuba");
  const { page } = visit;
  const cuba = idsOf(await neighbourhood("country:cuba"));
  await waitDrawn(page, cuba.nodes);

  const [graphml] = await Promise.all([page.waitForEvent("download"), page.locator("#export-graphml").click()]);
  assert.match(graphml.suggestedFilename(), /^chancery-country-cuba\.graphml$/);
  const path = await graphml.path();
  const { readFile } = await import("node:fs/promises");
  const xml = await readFile(path, "utf8");
  // Well-formed, as the browser's own XML parser reads it, with the keys and every element drawn.
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const ns = "http://graphml.graphdrawing.org/xmlns";
    return {
      error: doc.getElementsByTagName("parsererror").length > 0,
      root: doc.documentElement.localName,
      keys: [...doc.getElementsByTagNameNS(ns, "key")].map((k) => `${k.getAttribute("for")}:${k.getAttribute("attr.name")}`),
      nodes: [...doc.getElementsByTagNameNS(ns, "node")].map((n) => n.getAttribute("id") ?? "").sort(),
      edges: [...doc.getElementsByTagNameNS(ns, "edge")].map((n) => n.getAttribute("id") ?? "").sort(),
      cubaKind: [...doc.getElementsByTagNameNS(ns, "node")]
        .find((n) => n.getAttribute("id") === "country:cuba")
        ?.querySelector('data[key="n_kind"]')?.textContent,
    };
  }, xml);
  assert.equal(parsed.error, false, "the GraphML is not well-formed XML");
  assert.equal(parsed.root, "graphml");
  for (const key of ["node:name", "node:kind", "node:validFrom", "node:validTo", "edge:type", "edge:validFrom", "edge:validTo"]) {
    assert.ok(parsed.keys.includes(key), `no GraphML key ${key}`);
  }
  assert.deepEqual(parsed.nodes, cuba.nodes);
  assert.deepEqual(parsed.edges, cuba.relations);
  assert.equal(parsed.cubaKind, "COUNTRY");
  assert.match(xml, /<data key="edgelabel">PROTECTS<\/data>/);

  const [png] = await Promise.all([page.waitForEvent("download"), page.locator("#export-png").click()]);
  assert.match(png.suggestedFilename(), /\.png$/);
  const bytes = await readFile(await png.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "not a PNG");
  assert.ok(bytes.length > 2000, `the PNG is only ${bytes.length} bytes`);

  await visit.close();
});

void test("explore: find the paths between two entities and highlight them", async () => {
  const visit = await env.visit("/explore");
  const { page } = visit;
  await page.locator('#graph[data-ready="true"]').waitFor({ state: "attached" });
  await pick(page, "#path-from", "Poland", "country:poland");
  await pick(page, "#path-to", "Iraq", "country:iraq");
  await page.locator("#path-find").click();

  /** @type {{ paths: Sub[] }} */
  const want = await api(
    `{ paths(from: "country:poland", to: "country:iraq", maxLength: 4, first: 5) { nodes { id } relations { id type from { id } to { id } } } }`,
  );
  assert.ok(want.paths.length > 0, "the API finds no path from Poland to Iraq");
  const all = idsOf(...want.paths);
  await waitDrawn(page, all.nodes);
  const choices = page.locator('#path-results input[type="radio"]');
  assert.equal(await choices.count(), want.paths.length + 1);
  let d = await drawn(page);
  assert.deepEqual(d.onPath, [...all.nodes, ...all.relations].sort());

  // Choosing the first path highlights it alone.
  await choices.nth(1).check();
  const first = idsOf(/** @type {Sub} */ (want.paths[0]));
  d = await drawn(page);
  assert.deepEqual(d.onPath, [...first.nodes, ...first.relations].sort());
  assert.match((await page.locator("#path-results").textContent()) ?? "", /Poland .* Iraq/);

  await visit.close();
});

void test("explore: an error shows the API's own message", async () => {
  const visit = await env.visit("/explore?id=country:atlantis");
  const { page } = visit;
  const error = page.locator('#error[role="alert"]');
  await error.waitFor({ state: "visible" });
  assert.match((await error.textContent()) ?? "", /no entity with id country:atlantis \(NOT_FOUND\)/);
  await visit.close();
});

/**
 * @typedef {{ kind: string, date: string | null }} Bound
 * @typedef {{ id: string, type: string, from: Ref, to: Ref, start: Bound, end: Bound, sources: { document: string, quote: string | null }[] }} DatedRel
 * @typedef {{ sources: { document: string, quote: string | null }[], start: Bound, end: Bound, attestedFrom: string | null, relations: { edges: { node: DatedRel }[] } }} Evidence
 */

/**
 * evidenceOf is what the API says of an entity's sources, dates and relations.
 * @param {string} id
 * @returns {Promise<Evidence>}
 */
async function evidenceOf(id) {
  /** @type {{ entity: Evidence }} */
  const data = await api(
    `query($id: ID!) { entity(id: $id) {
      sources { document quote } start { kind date } end { kind date } attestedFrom
      relations(first: 100) { edges { node { id type from { id } to { id } start { kind date } end { kind date } sources { document quote } } } }
    } }`,
    { id },
  );
  return data.entity;
}

/**
 * waitEvidence waits until the details show the evidence of id.
 * @param {import("playwright-core").Page} page
 * @param {string} id
 */
async function waitEvidence(page, id) {
  await page.locator(`#evidence[data-for="${id}"][data-loaded="true"]`).waitFor();
}

void test("explore: the details show the sources, the dated relations and their bounds, and select the other end", async () => {
  const section = "mission:us-interests-section-havana";
  const visit = await env.visit(`/explore?id=${section}`);
  const { page } = visit;
  await waitEvidence(page, section);
  const want = await evidenceOf(section);

  // Its sources, each with its quote.
  const sources = page.locator("#evidence .sources li");
  assert.equal(await sources.count(), want.sources.length);
  const quotes = await page.locator("#evidence .sources blockquote").allTextContents();
  assert.deepEqual(quotes, want.sources.flatMap((s) => (s.quote ? [s.quote] : [])));

  // Its relations as a list, in the API's order, each bound with its kind.
  const rows = page.locator("#evidence .relations tbody tr");
  const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-relation")));
  assert.deepEqual(
    ids,
    want.relations.edges.map((e) => e.node.id),
  );
  const accredits = want.relations.edges.find((e) => e.node.type === "ACCREDITS_TO")?.node;
  assert.ok(accredits, "the API gives the section no ACCREDITS_TO relation");
  assert.deepEqual([accredits.start, accredits.end], [
    { kind: "STATED", date: "1977" },
    { kind: "STATED", date: "2015" },
  ]);
  const row = page.locator(`#evidence .relations tr[data-relation="${accredits.id}"]`);
  assert.deepEqual(
    (await row.locator("td").allTextContents()).map((t) => t.trim()),
    ["accredits to →", "Cuba", "1977 (stated)", "2015 (stated)"],
  );

  // Its other end is a link: Cuba is selected, with its own evidence. Nothing states when Cuba began, and it
  // still exists: the bounds say so, with the earliest date a source attests.
  await row.locator('button[data-select="country:cuba"]').click();
  await page.locator("#details h3", { hasText: "Cuba" }).waitFor();
  await waitEvidence(page, "country:cuba");
  const cuba = await evidenceOf("country:cuba");
  assert.equal(cuba.start.kind, "UNKNOWN");
  assert.equal(cuba.end.kind, "OPEN");
  const dates = (await page.locator("#evidence .period dd").allTextContents()).map((t) => t.trim());
  assert.deepEqual(dates, [`unknown; attested from ${cuba.attestedFrom}`, "open: still holds"]);
  assert.equal(await page.locator("#evidence .sources li").count(), cuba.sources.length);

  // A relation selected on the drawing shows its own sources and bounds.
  await clickNode(page, accredits.id);
  await waitEvidence(page, accredits.id);
  assert.deepEqual(
    (await page.locator("#evidence .period dd").allTextContents()).map((t) => t.trim()),
    ["1977 (stated)", "2015 (stated)"],
  );
  assert.deepEqual(
    await page.locator("#evidence .sources blockquote").allTextContents(),
    accredits.sources.flatMap((s) => (s.quote ? [s.quote] : [])),
  );
  await visit.close();
});

void test("explore: the relation type filter hides and shows kinds of edge", async () => {
  const section = "mission:us-interests-section-havana";
  const visit = await env.visit(`/explore?id=${section}`);
  const { page } = visit;
  const sub = await neighbourhood(section);
  await waitDrawn(page, idsOf(sub).nodes);
  const types = [...new Set(sub.relations.map((r) => r.type))].sort();
  const offered = await page.locator("#type-filter input[type=checkbox]").evaluateAll((els) => els.map((el) => /** @type {HTMLInputElement} */ (el).value));
  assert.deepEqual([...offered].sort(), types);

  /** @returns {Promise<{ edges: string[], nodes: string[] }>} what is visible */
  const visible = () =>
    page.evaluate(() => {
      const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
      return {
        edges: cy.edges(":visible").map((e) => e.id()).sort(),
        nodes: cy.nodes(":visible").map((n) => n.id()).sort(),
      };
    });

  // Untick SECTION_OF: its edge goes, and the Swiss embassy with it, which nothing else drawn joins.
  await page.locator('#type-filter input[value="SECTION_OF"]').uncheck();
  await page.waitForFunction(() => document.getElementById("graph")?.dataset.hiddenTypes === "SECTION_OF");
  let v = await visible();
  assert.deepEqual(v.edges, sub.relations.filter((r) => r.type !== "SECTION_OF").map((r) => r.id).sort());
  assert.ok(!v.nodes.includes("mission:embassy-of-switzerland-in-cuba"), "the Swiss embassy is still drawn");
  assert.ok(v.nodes.includes(section) && v.nodes.includes("country:cuba"));
  assert.match(page.url(), /hide=SECTION_OF/);

  // The filter is kept in the link.
  await page.reload({ waitUntil: "load" });
  await page.locator('#graph[data-ready="true"]').waitFor({ state: "attached" });
  assert.equal(await page.locator('#type-filter input[value="SECTION_OF"]').isChecked(), false);
  v = await visible();
  assert.ok(!v.edges.some((id) => sub.relations.find((r) => r.id === id)?.type === "SECTION_OF"));

  // Ticking it again brings them back.
  await page.locator('#type-filter input[value="SECTION_OF"]').check();
  await page.waitForFunction(() => document.getElementById("graph")?.dataset.hiddenTypes === "");
  v = await visible();
  assert.deepEqual(v.edges, sub.relations.map((r) => r.id).sort());
  await visit.close();
});

void test("explore: a hub draws its neighbours grouped by relation type, and names show in full on hover", async () => {
  const hub = "country:united-states";
  const visit = await env.visit(`/explore?id=${hub}`);
  const { page } = visit;
  const sub = await neighbourhood(hub);
  const all = idsOf(sub);
  await waitDrawn(page, all.nodes);

  /** @type {{ id: string, type: string, members: string[], label: string, source: string, target: string }[]} */
  const groups = await page.evaluate(() => {
    const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
    return cy.nodes(".group").map((g) => {
      const edge = g.connectedEdges(".group-edge").first();
      /** @type {unknown} */
      const members = g.data("members");
      return {
        id: g.id(),
        type: String(g.data("type")),
        members: Array.isArray(members) ? members.map(String) : [],
        label: String(g.data("name")),
        source: edge.source().id(),
        target: edge.target().id(),
      };
    });
  });
  assert.ok(groups.length >= 2, `the United States, with ${all.nodes.length - 1} neighbours, is drawn with ${groups.length} groups`);
  // Each member is joined to the hub by a relation of its group's type, and each neighbour is in one group at most.
  const seen = new Set();
  for (const g of groups) {
    assert.equal(g.id, `group:${hub}:${g.type}`);
    assert.match(g.label, new RegExp(`${g.members.length}`));
    assert.ok(g.source === hub || g.target === hub, `${g.id} is not joined to the hub`);
    for (const m of g.members) {
      assert.ok(!seen.has(m), `${m} is in two groups`);
      seen.add(m);
      assert.ok(
        sub.relations.some((r) => r.type === g.type && ((r.from.id === hub && r.to.id === m) || (r.to.id === hub && r.from.id === m))),
        `${m} is in ${g.id} with no ${g.type} relation to the hub`,
      );
    }
  }
  // What is left on show is readable: far fewer nodes than neighbours.
  const shown = await page.evaluate(() => {
    const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
    return cy.nodes(":visible").length;
  });
  assert.ok(shown + seen.size === all.nodes.length + groups.length, `${shown} shown and ${seen.size} folded of ${all.nodes.length}`);
  assert.ok(shown < 40, `${shown} nodes are on show`);

  // The hub's details offer each group too; hovering over a group says what it holds.
  const biggest = [...groups].sort((a, b) => b.members.length - a.members.length)[0];
  assert.ok(biggest);
  await page.locator(`#details button[data-group="${biggest.id}"]`).waitFor();
  let at = await renderedAt(page, biggest.id);
  await page.mouse.move(at.x, at.y);
  await page.locator(`#graph-tip[data-id="${biggest.id}"]`).waitFor();
  assert.match((await page.locator("#graph-tip").textContent()) ?? "", new RegExp(`^${biggest.label}`));

  // Clicking the group shows its members one by one.
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(
    (members) => {
      const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
      return members.every((m) => cy.getElementById(m).visible());
    },
    biggest.members,
  );
  assert.equal(await page.locator(`#details button[data-group="${biggest.id}"]`).textContent(), `Fold: ${biggest.label}`);

  // A long name is cut short on the drawing, and shown in full on hover.
  const named = await page.evaluate((members) => {
    const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
    return members.map((id) => ({ id, name: String(cy.getElementById(id).data("name")) }));
  }, biggest.members);
  const long = named.sort((a, b) => b.name.length - a.name.length)[0];
  assert.ok(long && long.name.length > 25, `no member of ${biggest.id} has a long name`);
  at = await renderedAt(page, long.id);
  await page.mouse.move(at.x, at.y);
  await page.locator(`#graph-tip[data-id="${long.id}"]`).waitFor();
  assert.match((await page.locator("#graph-tip").textContent()) ?? "", new RegExp(`^${long.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(`));
  await visit.close();
});
