// The questions the playground opens with. Each is a query from the
// README's examples, which a Go test runs against the default data, so
// every one has a real answer; the browser test runs the first and checks
// it.

/** An example: a question about the default data and the query that answers it. */
export interface Example {
  /** The operation's name, which GraphiQL shows as the tab's title. */
  name: string;
  /** The question, in a sentence. */
  question: string;
  /** The query, a named operation that starts with the question as a comment. */
  query: string;
}

function example(name: string, question: string, body: string): Example {
  const comment = question
    .split("\n")
    .map((line) => `# ${line}`.trimEnd())
    .join("\n");
  return { name, question: question.split("\n")[0] ?? question, query: `${comment}\nquery ${name} ${body.trim()}\n` };
}

export const examples: readonly Example[] = [
  example(
    "ProtectingPower",
    `Who protected the United States in Cuba in 1990?
A protecting power acts for a country in a host with which it has broken
relations: the relation runs from the protecting power to the protected
country, with the host as context.`,
    `{
  relations(types: [PROTECTS], to: "country:united-states", context: "country:cuba", asOf: 1990) {
    edges {
      node {
        from { name }
        to { name }
        context { name }
        validFrom
        validTo
        sources { document quote }
      }
    }
  }
}`,
  ),
  example(
    "RenamingChain",
    `What has Taipei's office in Washington been called, oldest name first?
A renamed body is a new entity with a RENAMED_FROM relation to its old self;
lineage gives the whole chain from whichever member you ask.`,
    `{
  lineage(id: "mission:tecro-united-states") {
    entity { id name aliases validFrom validTo }
    change
    date
  }
}`,
  ),
  example(
    "PathPolandIraq",
    `How is Poland connected to Iraq?
Shortest chains of relations first; each relation keeps its own direction.`,
    `{
  paths(from: "country:poland", to: "country:iraq", maxLength: 3, first: 3) {
    length
    nodes { id name }
    relations { type validFrom validTo }
  }
}`,
  ),
  example(
    "RepresentationAsOf",
    `Every way the United States was represented in Cuba on 1 January 1990.
Its own missions (DIRECT), missions elsewhere accredited there
(NON_RESIDENT), protecting powers and their sections (PROTECTING_POWER),
and de facto offices (DE_FACTO), each with the relations behind it.`,
    `{
  representation(of: "country:united-states", in: "country:cuba", asOf: 1990) {
    kind
    mission { name }
    via { name }
    relations { type validFrom validTo }
  }
}`,
  ),
  example(
    "Counts",
    `How big is the graph, and who sends the most missions?
count groups entities, missions or relations into buckets for dashboards.`,
    `{
  byKind: count(groupBy: KIND) { key count }
  bySender: count(groupBy: SENDER, kind: MISSION, limit: 10) { key label count }
  byHostIn1990: count(groupBy: HOST, asOf: 1990, limit: 5) { key label count }
}`,
  ),
];
