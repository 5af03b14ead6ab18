// @ts-check
// The playground at /: GraphiQL, served by the real server with nothing
// from outside it, opening with example questions that the default data
// answers.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { repoDir, setup } from "./harness.mjs";

const env = setup();

/**
 * The example tabs the playground opens with, in order, and something
 * each one's answer on the default data shows.
 */
const examples = [
  { tab: "ProtectingPower", shows: ['"name": "Switzerland"', '"validFrom": "1977"'] },
  { tab: "RenamingChain", shows: ['"name": "Coordination Council for North American Affairs"', '"change": "RENAMED_FROM"'] },
  { tab: "PathPolandIraq", shows: ['"name": "Embassy of Poland in Iraq"', '"type": "ACCREDITS_TO"'] },
  { tab: "RepresentationAsOf", shows: ['"kind": "PROTECTING_POWER"', '"name": "Switzerland"'] },
  { tab: "Counts", shows: ['"key": "MISSION"', '"bySender": [ { "key": "country:netherlands"'] },
];

/* global document, window -- in the functions page.waitForFunction and page.evaluate run in the page */

/** @typedef {import("playwright-core").Page} Page */
/** @typedef {{data?: Record<string, unknown> | null, errors?: {message: string}[]}} Answer */

/**
 * The text the result pane shows, without white space: Monaco draws only
 * the lines in view (for these answers they include what the tests look
 * for), and wraps long ones wherever it likes.
 * @param {Page} page
 */
async function resultText(page) {
  return squeeze((await page.locator(".result-window .view-lines").textContent()) ?? "");
}

/**
 * s without white space, for comparing JSON as the result pane shows it.
 * @param {string} s
 */
function squeeze(s) {
  return s.replace(/\s+/g, "");
}

/**
 * Waits until the result pane shows text (compared without white space).
 * @param {Page} page
 * @param {string} text
 */
async function shows(page, text) {
  await page.waitForFunction(
    (want) => (document.querySelector(".result-window .view-lines")?.textContent ?? "").replace(/\s+/g, "").includes(want),
    squeeze(text),
  );
}

/**
 * The tab whose title is name.
 * @param {Page} page
 * @param {string} name
 * @param {boolean} [active]  only if it is the active tab
 */
function tab(page, name, active = false) {
  return page
    .locator(active ? ".graphiql-tab.graphiql-tab-active" : ".graphiql-tab")
    .filter({ has: page.locator(".graphiql-tab-button", { hasText: new RegExp(`^${name}$`) }) });
}

/**
 * Runs the active tab's query with the run button, and returns the
 * server's answer to it.
 * @param {Page} page
 * @param {string} operation  the name of the operation the tab holds
 * @returns {Promise<Answer>}
 */
async function run(page, operation) {
  const answered = page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/graphql" && (r.request().postData() ?? "").includes(`query ${operation}`),
  );
  await page.getByRole("button", { name: /^Execute query/ }).click();
  /** @type {unknown} */
  const answer = await (await answered).json();
  return /** @type {Answer} */ (answer);
}

/**
 * Waits until GraphiQL has the schema: its introspection is answered and
 * the docs button is ready.
 * @param {Page} page
 */
async function ready(page) {
  await page.getByRole("tab", { name: examples[0]?.tab }).waitFor();
  await page.locator(".graphiql-query-editor .view-lines").waitFor();
}

test("opens with the example questions, each in a tab", async () => {
  const visit = await env.visit("/");
  const { page } = visit;
  await ready(page);
  const tabs = await page.locator(".graphiql-tab .graphiql-tab-button").allInnerTexts();
  assert.deepEqual(
    tabs.map((t) => t.trim()),
    examples.map((e) => e.tab),
  );
  // Each question is in its tab, as a comment above the query.
  const editor = squeeze((await page.locator(".graphiql-query-editor .view-lines").textContent()) ?? "");
  assert.ok(editor.includes(squeeze("# Who protected the United States in Cuba in 1990?")), editor);
  assert.ok(editor.includes(squeeze("query ProtectingPower {")), editor);
  await visit.close();
});

test("runs the protecting power example and shows Switzerland", async () => {
  const visit = await env.visit("/");
  const { page } = visit;
  await ready(page);
  const answer = await run(page, "ProtectingPower");
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  await shows(page, '"from": { "name": "Switzerland" }');
  const shown = await resultText(page);
  for (const want of ['"to": { "name": "United States" }', '"context": { "name": "Cuba" }', '"validTo": "2015"']) {
    assert.ok(shown.includes(squeeze(want)), `the result pane does not show ${want}:\n${shown}`);
  }
  await visit.close();
});

test("every example answers on the default data", async () => {
  const visit = await env.visit("/");
  const { page } = visit;
  await ready(page);
  for (const ex of examples) {
    await tab(page, ex.tab).locator(".graphiql-tab-button").click();
    const answer = await run(page, ex.tab);
    assert.equal(answer.errors, undefined, `${ex.tab}: ${JSON.stringify(answer.errors)}`);
    assert.ok(answer.data, `${ex.tab}: no data`);
    await shows(page, ex.shows[0] ?? "");
    const shown = await resultText(page);
    for (const want of ex.shows) {
      assert.ok(shown.includes(squeeze(want)), `${ex.tab}: the result pane does not show ${want}:\n${shown}`);
    }
  }
  await visit.close();
});

test("a query the server refuses shows why", async () => {
  const visit = await env.visit("/", {
    // The server answers a query that does not validate with 400, which
    // Chromium reports on the console.
    allowError: (m) => m.includes("status of 400"),
  });
  const { page } = visit;
  await ready(page);
  await page.getByRole("button", { name: "New tab" }).click();
  await page.locator(".graphiql-query-editor .monaco-editor").click();
  await page.keyboard.type("query Refused { entity(id: \"country:cuba\") { nosuchfield } }");
  const answer = await run(page, "Refused");
  assert.ok(answer.errors?.length, "the server did not refuse the query");
  await shows(page, "nosuchfield");
  const shown = await resultText(page);
  assert.ok(shown.includes('"errors":['), shown);
  const message = JSON.stringify(answer.errors?.[0]?.message ?? "");
  assert.ok(shown.includes(squeeze(message)), `the pane does not show the server's message ${message}:\n${shown}`);
  await visit.close();
});

test("the docs show the schema's own descriptions", async () => {
  const sdl = await readFile(join(repoDir, "schema/schema.graphql"), "utf8");
  const described = /"([^"\n]+)"\n\s+entity\(/.exec(sdl)?.[1];
  const argument = /\n\s+entity\("([^"\n]+)" id: ID!\)/.exec(sdl)?.[1];
  assert.ok(described && argument, "schema.graphql has no descriptions for Query.entity and its id");

  const visit = await env.visit("/");
  const { page } = visit;
  await ready(page);
  await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
  const docs = page.locator(".graphiql-doc-explorer");
  await docs.getByRole("link", { name: "Query" }).first().click();
  // Descriptions are Markdown, so `code` loses its backquotes.
  await docs.getByText(described.replaceAll("`", "")).first().waitFor();
  await docs.getByRole("link", { name: "entity", exact: true }).first().click();
  await docs.getByText(argument.replaceAll("`", "")).first().waitFor();
  await visit.close();
});

test("the explorer builds queries from the schema", async () => {
  const visit = await env.visit("/", {
    // graphiql-explorer logs this when it reads a list argument, such as
    // the first example's types: [PROTECTS], and carries on.
    allowError: (m) => m.startsWith("arg mismatch between arg and selection"),
  });
  const { page } = visit;
  await ready(page);
  await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
  const explorer = page.locator(".graphiql-explorer-root");
  for (const field of ["entity", "relations", "paths", "lineage", "representation", "count"]) {
    await explorer.getByText(field, { exact: true }).first().waitFor();
  }
  await visit.close();
});

test("the examples list brings back a closed example", async () => {
  const visit = await env.visit("/");
  const { page } = visit;
  await ready(page);
  const counts = tab(page, "Counts");
  await counts.locator(".graphiql-tab-button").click();
  await counts.getByRole("button", { name: "Close Tab" }).click();
  await counts.waitFor({ state: "detached" });

  await page.getByRole("button", { name: "Show Examples" }).click();
  await page.locator('button[data-example="Counts"]').click();
  await tab(page, "Counts", true).waitFor();
  const answer = await run(page, "Counts");
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));

  // An example whose tab is open is switched to, not opened again.
  await page.locator('button[data-example="ProtectingPower"]').click();
  await tab(page, "ProtectingPower", true).waitFor();
  assert.equal(await tab(page, "ProtectingPower").count(), 1);
  await visit.close();
});

test("a query run is kept in the history, after a reload too", async () => {
  const visit = await env.visit("/");
  const { page } = visit;
  await ready(page);
  await tab(page, "RenamingChain").locator(".graphiql-tab-button").click();
  await tab(page, "RenamingChain", true).waitFor();
  const answer = await run(page, "RenamingChain");
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));

  // GraphiQL keeps its history in localStorage: after a reload it is still there.
  await page.reload({ waitUntil: "load" });
  await ready(page);
  await page.getByRole("button", { name: "Show History" }).click();
  const history = page.locator(".graphiql-history");
  // GraphiQL may record one run more than once; one entry is what matters.
  const item = history.locator(".graphiql-history-item", { hasText: "RenamingChain" }).first();
  await item.waitFor();
  assert.equal(await history.locator(".graphiql-history-item", { hasText: "ProtectingPower" }).count(), 0, "a query never run is in the history");

  // Choosing it puts its query back in the editor.
  await tab(page, "Counts").locator(".graphiql-tab-button").click();
  await item.getByRole("button", { name: "Set active" }).click();
  await page.waitForFunction(
    () => (document.querySelector(".graphiql-query-editor .view-lines")?.textContent ?? "").replace(/\s+/g, "").includes("queryRenamingChain"),
  );
  await visit.close();
});

test("the editor is wide enough for the examples", async () => {
  const visit = await env.visit("/", { viewport: { width: 1280, height: 800 } });
  const { page } = visit;
  await ready(page);
  const editor = await page.locator(".graphiql-editors").boundingBox();
  const response = await page.locator(".graphiql-response").boundingBox();
  assert.ok(editor && response);
  assert.ok(editor.width > response.width * 1.5, `the editor is ${editor.width}px wide beside a ${response.width}px result`);
  await visit.close();
});

test("many tabs in a narrow window stay in view, clear of the header and above the editor", async () => {
  const visit = await env.visit("/", { viewport: { width: 1024, height: 800 } });
  const { page } = visit;
  await ready(page);
  await page.getByRole("button", { name: "Show Examples" }).click();
  await page.locator(".chancery-examples").waitFor();
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "New tab" }).click();
  const tabs = page.locator(".graphiql-tab");
  assert.equal(await tabs.count(), examples.length + 3);
  const add = await page.locator(".graphiql-tab-add").boundingBox();
  const editors = await page.locator(".graphiql-editors").boundingBox();
  assert.ok(add && editors);
  const boxes = await tabs.evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { right: r.right, bottom: r.bottom };
    }),
  );
  for (const b of boxes) {
    assert.ok(b.right <= add.x + 1, `a tab (to ${b.right}px) runs under the new tab button and the logo (from ${add.x}px)`);
    assert.ok(b.bottom <= editors.y + 1, `a tab (down to ${b.bottom}px) runs over the editor (from ${editors.y}px)`);
  }
  await visit.close();
});

test("a result with entities and relations opens as a graph in the explorer", async () => {
  const visit = await env.visit("/");
  const { page, context } = visit;
  await ready(page);
  /** @type {Answer} */
  const answer = await run(page, "ProtectingPower");
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  // The example asks for names only: with no ids, there is nothing to draw.
  const open = page.locator("button[data-open-explorer]");
  await shows(page, '"from": { "name": "Switzerland" }');
  assert.equal(await open.isDisabled(), true, "the explorer button is enabled for a result without ids");

  await page.getByRole("button", { name: "New tab" }).click();
  await page.locator(".graphiql-query-editor .monaco-editor").click();
  await page.keyboard.type(
    'query Protectors { relations(types: [PROTECTS], to: "country:united-states") { edges { node { id from { id } to { id } } } } }',
  );
  const protectors = await run(page, "Protectors");
  assert.equal(protectors.errors, undefined, JSON.stringify(protectors.errors));
  const data = /** @type {{ relations: { edges: { node: { id: string, from: { id: string }, to: { id: string } } }[] } }} */ (
    /** @type {unknown} */ (protectors.data)
  );
  const relations = data.relations.edges.map((e) => e.node);
  assert.ok(relations.length > 0, "nothing protects the United States in the default data");
  const entities = [...new Set(relations.flatMap((r) => [r.from.id, r.to.id]))].sort();
  await page.waitForFunction(() => !document.querySelector("button[data-open-explorer]")?.hasAttribute("disabled"));

  const [explorer] = await Promise.all([context.waitForEvent("page"), open.click()]);
  await explorer.waitForLoadState("load");
  assert.match(explorer.url(), /\/explore\?show=/);
  await explorer.locator('#graph[data-ready="true"]').waitFor({ state: "attached" });
  const drawn = await explorer.evaluate(() => {
    const cy = /** @type {{ chanceryExplorer: { cy: import("cytoscape").Core } }} */ (/** @type {unknown} */ (window)).chanceryExplorer.cy;
    return {
      nodes: cy.nodes().map((n) => n.id()).sort(),
      edges: cy.edges().map((e) => e.id()).sort(),
    };
  });
  assert.deepEqual(drawn.nodes, entities);
  assert.deepEqual(drawn.edges, relations.map((r) => r.id).sort());
  await explorer.close();
  await visit.close();
});
