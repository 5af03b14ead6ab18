// @ts-check
/* global document -- in the functions page.waitForFunction runs in the page */
// Saves a screenshot of each page, served by the real server on the
// default data, to screenshots/<page>.png, for the README. Build first
// (npm run build); name pages to take only those:
//
//	npm run screenshots                # playground, explore, dashboard
//	npm run screenshots -- dashboard

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { launchBrowser, openPage, startServer, webDir } from "../tests/harness.mjs";

/** @typedef {import("playwright-core").Page} Page */

/**
 * The pages, and how to bring each into a state worth showing.
 * @type {Record<string, {path: string, prepare: (page: Page) => Promise<void>}>}
 */
const shots = {
  playground: {
    path: "/",
    async prepare(page) {
      // The first example, run: who protected the United States in Cuba.
      await page.locator(".graphiql-query-editor .view-lines").waitFor();
      await page.getByRole("button", { name: "Show Examples" }).click();
      await page.getByRole("button", { name: /^Execute query/ }).click();
      await page.waitForFunction(() => document.querySelector(".result-window .view-lines")?.textContent?.includes("Switzerland"));
    },
  },
  // Cuba and the US Interests Section in Havana as of 1990, when the
  // section worked under the Swiss embassy.
  explore: { path: "/explore?id=country:cuba&id=mission:us-interests-section-havana&asOf=1990", prepare: settle },
  dashboard: { path: "/dashboard", prepare: settle },
};

/**
 * Waits until the page has loaded what it asks the server for, and drawn it.
 * @param {Page} page
 */
async function settle(page) {
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1500);
}

const names = process.argv.slice(2);
for (const name of names) {
  if (!(name in shots)) {
    console.error(`no page called ${name}; the pages are ${Object.keys(shots).join(", ")}`);
    process.exit(2);
  }
}
const dir = join(webDir, "screenshots");
await mkdir(dir, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const name of names.length ? names : Object.keys(shots)) {
    const shot = shots[name];
    if (!shot) continue;
    const visit = await openPage(browser, server, shot.path, { viewport: { width: 1440, height: 900 } });
    await shot.prepare(visit.page);
    const file = join(dir, `${name}.png`);
    await visit.page.screenshot({ path: file });
    await visit.close();
    console.log(`${file}: ${shot.path}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
