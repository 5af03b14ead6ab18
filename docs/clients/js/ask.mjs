// Asks a Chancery server every way one country is represented in another
// on a date, with fetch (Node 18 or later, or a browser), and prints one
// tab-separated line for each: the kind, the mission's id and name, and the
// third party's id and name (empty when there is none).
//
//   node ask.mjs [URL [OF IN AS_OF]]
//
// URL defaults to http://localhost:8080/graphql; the question to the United
// States in Cuba in 1990.

const query = `query Representation($of: ID!, $in: ID!, $asOf: Date) {
  representation(of: $of, in: $in, asOf: $asOf) {
    kind
    mission { id name }
    via { id name }
  }
}`;

const args = process.argv.slice(2);
let [url, of, inHost, asOf] = ["http://localhost:8080/graphql", "country:united-states", "country:cuba", "1990"];
if (args.length === 1) {
  [url] = args;
} else if (args.length === 4) {
  [url, of, inHost, asOf] = args;
} else if (args.length > 0) {
  console.error("usage: node ask.mjs [URL [OF IN AS_OF]]");
  process.exit(2);
}

// A refused request (400) still answers with its errors in JSON.
const response = await fetch(url, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ query, operationName: "Representation", variables: { of, in: inHost, asOf } }),
});
const answer = await response.json();
if (answer.errors?.length) {
  console.error(`error: ${answer.errors.map((e) => e.message).join("; ")}`);
  process.exit(1);
}

/** The entity's id and name, or two empty strings when there is none. */
const idAndName = (entity) => (entity ? [entity.id, entity.name] : ["", ""]);

for (const r of answer.data.representation) {
  console.log([r.kind, ...idAndName(r.mission), ...idAndName(r.via)].join("\t"));
}
