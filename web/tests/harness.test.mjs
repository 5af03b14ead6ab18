// @ts-check
// The harness itself: a page that reaches outside the server, or breaks,
// must fail its test, or the other tests prove nothing.

import assert from "node:assert/strict";
import { test } from "node:test";
import { setup } from "./harness.mjs";

const env = setup();

test("a request outside the server is blocked and fails the visit", async () => {
  const visit = await env.visit("/");
  await assert.rejects(visit.page.goto("https://example.com/"), "the browser reached example.com");
  assert.deepEqual(visit.outside, ["GET https://example.com/"]);
  await assert.rejects(visit.close(), /tried to reach outside the server/);
});

test("the pages may not load from elsewhere, and trying fails the visit", async () => {
  // The pages' Content-Security-Policy refuses the request before it is
  // sent; the refusal is an error on the console.
  const visit = await env.visit("/");
  const got = await visit.page.evaluate(() =>
    fetch("https://cdn.jsdelivr.net/npm/graphiql/package.json").then(
      () => "fetched",
      () => "refused",
    ),
  );
  assert.equal(got, "refused");
  await assert.rejects(visit.close(), /had errors/);
});

test("the server serves the pages it was built with", async () => {
  const server = env.server();
  for (const path of ["/", "/explore", "/dashboard"]) {
    const resp = await fetch(new URL(path, server.url));
    assert.equal(resp.status, 200, `GET ${path}`);
    assert.equal(resp.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(resp.headers.get("cache-control"), "no-cache");
    const html = await resp.text();
    const scripts = [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1] ?? "");
    assert.ok(scripts.length > 0, `${path} loads no script`);
    for (const src of scripts) {
      assert.match(src, /^\/assets\//, `${path} loads ${src}`);
      const asset = await fetch(new URL(src, server.url));
      assert.equal(asset.status, 200, src);
      assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable", src);
      await asset.arrayBuffer();
    }
  }
});
