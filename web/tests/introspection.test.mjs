// The schema as graphql-js reads it: every option of its
// getIntrospectionQuery, as code generators and schema fetchers send
// them, answered and built into a client schema, which with all of them
// is the schema the SDL at /graphql/schema.graphql describes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from "graphql";
import { startServer } from "./harness.mjs";

const options = ["descriptions", "specifiedByUrl", "directiveIsRepeatable", "schemaDescription", "inputValueDeprecation", "oneOf"];

test("introspection with every option set of graphql-js, and the SDL by URL", async (t) => {
  const server = await startServer();
  t.after(() => server.stop());

  const sdlResponse = await fetch(new URL("graphql/schema.graphql", server.url));
  assert.equal(sdlResponse.status, 200);
  assert.ok(sdlResponse.headers.get("etag"), "the SDL has an ETag");
  const fromSDL = buildSchema(await sdlResponse.text());
  const printed = printSchema(lexicographicSortSchema(fromSDL));

  for (let set = 0; set < 1 << options.length; set++) {
    const given = Object.fromEntries(options.map((name, i) => [name, (set & (1 << i)) !== 0]));
    const response = await fetch(new URL("graphql", server.url), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: getIntrospectionQuery(given) }),
    });
    /** @type {unknown} */
    const raw = await response.json();
    const body = /** @type {{ data: import("graphql").IntrospectionQuery, errors?: unknown[] }} */ (raw);
    const what = JSON.stringify(given);
    assert.equal(response.status, 200, `${what}: ${JSON.stringify(body.errors)}`);
    assert.equal(body.errors, undefined, what);
    const client = buildClientSchema(body.data);
    if (given.directiveIsRepeatable) {
      assert.equal(client.getDirective("cost")?.isRepeatable, true, `${what}: @cost is repeatable`);
    }
    if (given.schemaDescription && given.descriptions) {
      // graphql-js asks for it only with the other descriptions.
      assert.equal(client.description, fromSDL.description, what);
    }
    if (Object.values(given).every(Boolean)) {
      assert.equal(printSchema(lexicographicSortSchema(client)), printed, "introspection describes the SDL served");
    }
  }
});
