// @ts-check
// The browser tests' harness: the real server, built from this checkout
// with the pages in it, on a fresh data directory, and Debian's Chromium
// (headless, through playwright-core) with every request that is not to
// the server blocked and recorded, so a page that would need the internet
// fails its test.
//
// A test file calls setup() once, at its top level, and visits pages:
//
//	const env = setup();
//	test("the playground", async () => {
//	  const visit = await env.visit("/");
//	  ... visit.page ...
//	  await visit.close(); // fails if anything left the server or broke
//	});

import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, before } from "node:test";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

/** The web/ folder. */
export const webDir = resolve(import.meta.dirname, "..");
/** The repository's root. */
export const repoDir = resolve(webDir, "..");

/** How long the server may take to seed a fresh store and listen. */
const startTimeout = 90_000;

/**
 * The Chromium to drive: $CHROMIUM_PATH, or Debian's package, which
 * .ci/run installs. playwright-core never downloads a browser.
 * @returns {string}
 */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(
      `no Chromium at ${path}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable`,
    );
  }
  return path;
}

/**
 * The go command: $GO, else go on the PATH, else /usr/local/go/bin/go.
 * @returns {string}
 */
function goCommand() {
  if (process.env.GO) return process.env.GO;
  const inPath = (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, "go")));
  return inPath ? "go" : "/usr/local/go/bin/go";
}

/**
 * @typedef {object} Server
 * @property {string} url     where it listens, such as http://127.0.0.1:41234/
 * @property {string} origin  the same without the path
 * @property {() => string} log  what it has logged so far
 * @property {() => Promise<void>} stop
 */

/**
 * startServer builds chancery from this checkout, with the pages as they
 * were last built into web/dist/app, and serves a fresh data directory on
 * a port the system picks, reading the address from its startup log line.
 * @returns {Promise<Server>}
 */
export async function startServer() {
  if (!existsSync(join(webDir, "dist/app/index.html"))) {
    throw new Error("the pages are not built: run npm run build in web/ (npm test does) before the browser tests");
  }
  const dir = await mkdtemp(join(tmpdir(), "chancery-browser-"));
  const bin = join(dir, "chancery");
  try {
    await promisify(execFile)(goCommand(), ["build", "-o", bin, "./cmd/chancery"], { cwd: repoDir });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const e = /** @type {{stderr?: string, message: string}} */ (err);
    throw new Error(`go build ./cmd/chancery failed: ${e.stderr || e.message}`, { cause: err });
  }
  const env = { ...process.env };
  for (const name of ["CHANCERY_TOKEN", "CHANCERY_TOKEN_FILE", "CHANCERY_CORS_ORIGINS", "CHANCERY_ADDR", "CHANCERY_DATA"]) {
    delete env[name];
  }
  const proc = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--data", join(dir, "data"), "--log-format", "text"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  /** @type {string[]} */
  const lines = [];
  const exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve(signal ?? code)));
  /** @type {string} */
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chancery serve did not log its address within ${startTimeout / 1000}s:\n${lines.join("\n")}`)), startTimeout);
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        const m = /msg="chancery serving".* url=(\S+)/.exec(line);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    }
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`chancery serve stopped (${String(how)}) before it was ready:\n${lines.join("\n")}`));
    });
  });
  if (!/pages=true/.test(lines.join("\n"))) {
    proc.kill();
    throw new Error(`the server was built without its pages:\n${lines.join("\n")}`);
  }
  return {
    url,
    origin: new URL(url).origin,
    log: () => lines.join("\n"),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * launchBrowser starts headless Chromium. As well as the harness's
 * request routing, Chromium itself resolves no host but the loopback one,
 * so nothing could reach the internet even past the routing.
 * @returns {Promise<import("playwright-core").Browser>}
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-domain-reliability",
      "--disable-sync",
      "--no-first-run",
      "--no-default-browser-check",
    ],
  });
}

/**
 * @typedef {object} Visit
 * @property {import("playwright-core").Page} page
 * @property {import("playwright-core").BrowserContext} context
 * @property {string[]} outside  requests to anywhere but the server, each blocked
 * @property {string[]} errors   uncaught exceptions and console errors of the page
 * @property {() => Promise<void>} close  closes the page, and fails if anything went outside or broke
 */

/**
 * @typedef {object} VisitOptions
 * @property {{width: number, height: number}} [viewport]
 * @property {(message: string) => boolean} [allowError]  console errors the test expects
 */

/**
 * openPage opens path of server in a new browser context (no storage
 * carried over from another visit), blocking every request that is not to
 * the server, and waits until the page has loaded.
 * @param {import("playwright-core").Browser} browser
 * @param {Server} server
 * @param {string} path
 * @param {VisitOptions} [options]
 * @returns {Promise<Visit>}
 */
export async function openPage(browser, server, path, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1400, height: 900 },
    serviceWorkers: "block",
  });
  /** @type {string[]} */
  const outside = [];
  const blocked = (/** @type {string} */ what) => {
    if (!outside.includes(what)) outside.push(what);
  };
  /** @type {string[]} */
  const errors = [];
  const local = (/** @type {string} */ url) => {
    if (url.startsWith("data:") || url.startsWith("blob:") || url === "about:blank") return true;
    try {
      return new URL(url).origin === server.origin;
    } catch {
      return false;
    }
  };
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (local(url)) {
      await route.continue();
    } else {
      blocked(`${route.request().method()} ${url}`);
      await route.abort("blockedbyclient");
    }
  });
  await context.routeWebSocket(/.*/, (ws) => {
    blocked(`WebSocket ${ws.url()}`);
    void ws.close();
  });
  const page = await context.newPage();
  // Requests the routing does not see (from a worker, say) are recorded
  // too: none may be to another origin.
  page.on("request", (req) => {
    if (!local(req.url())) blocked(`${req.method()} ${req.url()}`);
  });
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !(options.allowError?.(msg.text()) ?? false)) {
      errors.push(`console.error: ${msg.text()}`);
    }
  });
  const resp = await page.goto(new URL(path, server.url).toString(), { waitUntil: "load" });
  assert.ok(resp, `no response for ${path}`);
  assert.equal(resp.status(), 200, `GET ${path}: status ${resp.status()}`);
  return {
    page,
    context,
    outside,
    errors,
    async close() {
      await context.close();
      assert.deepEqual(outside, [], `${path} tried to reach outside the server`);
      assert.deepEqual(errors, [], `${path} had errors`);
    },
  };
}

/**
 * @typedef {object} Env
 * @property {() => Server} server  the running server, once the suite has started
 * @property {(path: string, options?: VisitOptions) => Promise<Visit>} visit
 */

/**
 * setup starts a server and a browser before the file's tests and stops
 * them after, and gives the tests a way to visit pages. Call it once, at
 * the top level of a test file.
 * @returns {Env}
 */
export function setup() {
  /** @type {Server | undefined} */
  let server;
  /** @type {import("playwright-core").Browser | undefined} */
  let browser;
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    server() {
      assert.ok(server, "the server is not running: call visit from a test, after setup()'s before hook");
      return server;
    },
    async visit(path, options) {
      assert.ok(server && browser, "the server and browser are not running: call visit from a test");
      return openPage(browser, server, path, options);
    },
  };
}
