// What the explorer asks the API: the neighbourhoods of the entities the
// user expanded, the paths between two entities, and the span of years the
// data covers.

import { gql, type RequestOptions } from "../shared/graphql";
import { type Entity, entityFields, type Relation, relationFields } from "../shared/model";

/** The most relations one expansion draws; `truncated` says when it cut. */
export const neighbourhoodLimit = 300;

/**
 * One request asks for this many neighbourhoods at most: the server's default budget (100,000) takes
 * about six neighbourhoods of the limit above with the fields drawn (about 14,400 each), and asking for
 * five keeps room to spare.
 */
const perRequest = 5;

export interface Subgraph {
  nodes: Entity[];
  relations: Relation[];
  truncated: boolean;
}

export interface Path {
  length: number;
  nodes: Entity[];
  relations: Relation[];
}

/**
 * neighbourhoods fetches the entities and relations one hop from each id,
 * as of a date when asOf is given, and returns them by id in the order
 * asked. Up to 15 are asked in one request, each under an alias.
 */
export async function neighbourhoods(
  ids: readonly string[],
  asOf: string | null,
  options: RequestOptions = {},
): Promise<Map<string, Subgraph>> {
  const out = new Map<string, Subgraph>();
  for (let start = 0; start < ids.length; start += perRequest) {
    const chunk = ids.slice(start, start + perRequest);
    const params = chunk.map((_, i) => `$id${i}: ID!`).join(", ");
    const fields = chunk
      .map(
        (_, i) => `  n${i}: neighbourhood(id: $id${i}, depth: 1, asOf: $asOf, limit: ${neighbourhoodLimit}) {
    nodes { ...EntityFields }
    relations { ...RelationFields }
    truncated
  }`,
      )
      .join("\n");
    const query = `query ExploreNeighbourhood(${params}, $asOf: Date) {\n${fields}\n}\n${entityFields}\n${relationFields}`;
    const variables: Record<string, unknown> = { asOf };
    chunk.forEach((id, i) => (variables[`id${i}`] = id));
    const data = await gql<Record<string, Subgraph>>(query, variables, options);
    chunk.forEach((id, i) => {
      const sub = data[`n${i}`];
      if (sub) out.set(id, sub);
    });
  }
  return out;
}

const pathsQuery = `query ExplorePaths($from: ID!, $to: ID!, $maxLength: Int!, $asOf: Date) {
  paths(from: $from, to: $to, maxLength: $maxLength, asOf: $asOf, first: 5) {
    length
    nodes { ...EntityFields }
    relations { ...RelationFields }
  }
}
${entityFields}
${relationFields}`;

/** paths finds up to five shortest paths between two entities. */
export async function paths(
  from: string,
  to: string,
  maxLength: number,
  asOf: string | null,
  options: RequestOptions = {},
): Promise<Path[]> {
  const data = await gql<{ paths: Path[] }>(pathsQuery, { from, to, maxLength, asOf }, options);
  return data.paths;
}

/**
 * earliestYear is the year of the oldest dated relation: the YEAR count is
 * a time series ordered oldest first, so its first bucket is the one.
 */
export async function earliestYear(): Promise<number | null> {
  const data = await gql<{ count: { key: string }[] }>(
    `query ExploreEarliestYear { count(groupBy: YEAR, limit: 1) { key } }`,
  );
  const key = data.count[0]?.key;
  const year = key === undefined ? NaN : Number.parseInt(key, 10);
  return Number.isFinite(year) ? year : null;
}

/** entities fetches entities by id; an id with no entity is left out of the answer. */
export async function entities(ids: readonly string[], options: RequestOptions = {}): Promise<Map<string, Entity>> {
  const params = ids.map((_, i) => `$id${i}: ID!`).join(", ");
  const fields = ids.map((_, i) => `  e${i}: entity(id: $id${i}) { ...EntityFields }`).join("\n");
  const variables: Record<string, unknown> = {};
  ids.forEach((id, i) => (variables[`id${i}`] = id));
  const data = await gql<Record<string, Entity | null>>(
    `query ExploreEntities(${params}) {\n${fields}\n}\n${entityFields}`,
    variables,
    options,
  );
  const out = new Map<string, Entity>();
  ids.forEach((id, i) => {
    const e = data[`e${i}`];
    if (e) out.set(id, e);
  });
  return out;
}

/** The most ids a link to the explorer may ask it to show. */
export const shownLimit = 200;

/** How many ids one request fetches by node. */
const nodesPerRequest = 50;

/**
 * shown fetches entities and relations by id, as a link from the playground
 * names them: each relation comes with the entities at its ends. Ids that
 * name nothing are returned in missing.
 */
export async function shown(
  ids: readonly string[],
  options: RequestOptions = {},
): Promise<{ entities: Entity[]; relations: Relation[]; missing: string[] }> {
  const out = { entities: [] as Entity[], relations: [] as Relation[], missing: [] as string[] };
  for (let start = 0; start < ids.length; start += nodesPerRequest) {
    const chunk = ids.slice(start, start + nodesPerRequest);
    const params = chunk.map((_, i) => `$id${i}: ID!`).join(", ");
    const fields = chunk
      .map(
        (_, i) => `  n${i}: node(id: $id${i}) {
    ... on Entity { ...EntityFields }
    ... on Relation { ...RelationFields from { ...EntityFields } to { ...EntityFields } }
  }`,
      )
      .join("\n");
    const variables: Record<string, unknown> = {};
    chunk.forEach((id, i) => (variables[`id${i}`] = id));
    type Answer = (Entity & { __relation?: never }) | (Relation & { from: Entity; to: Entity });
    const data = await gql<Record<string, Answer | null>>(
      `query ExploreShown(${params}) {\n${fields}\n}\n${entityFields}\n${relationFields}`,
      variables,
      options,
    );
    chunk.forEach((id, i) => {
      const n = data[`n${i}`];
      if (!n) out.missing.push(id);
      else if ("from" in n) {
        out.relations.push(n);
        out.entities.push(n.from, n.to);
      } else out.entities.push(n);
    });
  }
  return out;
}
