// The dashboard's queries. Each is written out with its arguments in
// place, as the panel shows it, so that what is copied is exactly what ran.

import { gql } from "../shared/graphql";

export interface Bucket {
  key: string;
  label: string | null;
  count: number;
}

/** asOfArg is the asOf argument for a year, or nothing for all of history. */
function asOfArg(asOf: string | null): string {
  return asOf ? `, asOf: ${asOf}` : "";
}

/** countQuery writes a named query of one count. */
export function countQuery(name: string, groupBy: string, asOf: string | null, extra = ""): string {
  const label = ["SENDER", "HOST", "CITY"].includes(groupBy) ? " label" : "";
  return `query ${name} {
  count(groupBy: ${groupBy}${extra}${asOfArg(asOf)}) { key${label} count }
}`;
}

/** count runs a query written by countQuery. */
export async function count(query: string, signal: AbortSignal): Promise<Bucket[]> {
  const data = await gql<{ count: Bucket[] }>(query, {}, { signal });
  return data.count.map((b) => ({ key: b.key, label: b.label ?? null, count: b.count }));
}

export const timelineQuery = `query Timeline {
  openings: count(groupBy: DECADE, types: [SENT_BY], limit: 100) { key count }
  renamings: count(groupBy: DECADE, types: [RENAMED_FROM], limit: 100) { key count }
  closings: count(groupBy: DECADE_ENDED, types: [SENT_BY], limit: 100) { key count }
}`;

export interface TimelineCounts {
  openings: Bucket[];
  renamings: Bucket[];
  closings: Bucket[];
}

export async function timelineCounts(signal: AbortSignal): Promise<TimelineCounts> {
  return gql<TimelineCounts>(timelineQuery, {}, { signal });
}

interface Connection<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The most pages a panel reads from one connection: 50 pages of 500. */
export const maxPages = 50;

/**
 * pages reads a connection a page at a time, passing each page's nodes to
 * each; it returns whether it read the whole connection (false when
 * maxPages cut it short).
 */
export async function pages<T>(
  query: string,
  field: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
  each: (nodes: T[], page: number) => void,
): Promise<boolean> {
  let after: string | null = null;
  for (let page = 1; page <= maxPages; page++) {
    const data: Record<string, Connection<T>> = await gql<Record<string, Connection<T>>>(
      query,
      { ...variables, after },
      { signal },
    );
    const conn = data[field];
    if (!conn) throw new Error(`The answer has no field ${field}`);
    each(
      conn.edges.map((e) => e.node),
      page,
    );
    if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) return true;
    after = conn.pageInfo.endCursor;
  }
  return false;
}

export const placesQuery = `query PlaceCodes {
  countries: entities(kind: COUNTRY, first: 500) {
    edges { node { id name ... on Country { iso3 } } }
  }
  territories: entities(kind: TERRITORY, first: 500) {
    edges { node { id name ... on Territory { iso3 } } }
  }
}`;

export interface Place {
  id: string;
  name: string;
  iso3: string | null;
}

export async function places(signal: AbortSignal): Promise<Place[]> {
  const data = await gql<{ countries: Connection<Place>; territories: Connection<Place> }>(placesQuery, {}, { signal });
  return [...data.countries.edges, ...data.territories.edges].map((e) => e.node);
}

export function coordinatesQuery(asOf: string | null): string {
  return `query MissionCoordinates($after: String) {
  entities(kind: MISSION, first: 500, after: $after${asOfArg(asOf)}) {
    edges { node { id name attributes { key value } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
}

export interface MissionAttributes {
  id: string;
  name: string;
  attributes: { key: string; value: string }[];
}
