// The evidence behind what the explorer draws: the sources of an entity or
// a relation, with their quotes, and an entity's dated relations, each
// bound with what is known of it (stated, open or unknown).

import { gql, type RequestOptions } from "../shared/graphql";
import type { EntityKind, RelationType } from "../shared/model";

/** What is known of one end of a period, as the API's Bound says. */
export interface Bound {
  kind: "STATED" | "OPEN" | "UNKNOWN";
  date: string | null;
  endedBy: string | null;
}

/** Where a fact comes from. */
export interface Source {
  document: string;
  url: string | null;
  quote: string | null;
}

/** The dates of a fact: its bounds and the span sources attest. */
export interface Dating {
  start: Bound;
  end: Bound;
  attestedFrom: string | null;
  attestedTo: string | null;
}

export interface EntityRef {
  id: string;
  name: string;
  kind: EntityKind;
}

/** A relation as the details pane lists it. */
export interface DatedRelation extends Dating {
  id: string;
  type: RelationType;
  from: EntityRef;
  to: EntityRef;
  context: EntityRef | null;
  role: string | null;
  note: string | null;
}

/** An entity's evidence: its sources, its dating and the first page of its relations. */
export interface EntityEvidence extends Dating {
  id: string;
  sources: Source[];
  relations: DatedRelation[];
  moreRelations: boolean;
}

/** A relation's evidence: its dating and its sources. */
export interface RelationEvidence extends DatedRelation {
  sources: Source[];
}

/** How many of an entity's relations the details pane lists. */
export const relationsListed = 100;

const datingFields = `start { kind date endedBy } end { kind date endedBy } attestedFrom attestedTo`;
const sourceFields = `sources { document url quote }`;
const datedRelationFields = `id type role note ${datingFields}
  from { id name kind }
  to { id name kind }
  context { id name kind }`;

const evidenceQuery = `query ExploreEvidence($id: ID!) {
  node(id: $id) {
    ... on Entity {
      id ${datingFields}
      ${sourceFields}
      relations(first: ${relationsListed}) {
        edges { node { ${datedRelationFields} } }
        pageInfo { hasNextPage }
      }
    }
    ... on Relation { ${datedRelationFields} ${sourceFields} }
  }
}`;

interface EvidenceAnswer {
  node:
    | (Dating & {
        id: string;
        sources: Source[];
        relations?: { edges: { node: DatedRelation }[]; pageInfo: { hasNextPage: boolean } };
        type?: RelationType;
      })
    | null;
}

/**
 * evidence fetches the sources and dating of an entity or a relation by id,
 * and for an entity its first relations; null when the id names nothing.
 */
export async function evidence(id: string, options: RequestOptions = {}): Promise<EntityEvidence | RelationEvidence | null> {
  const data = await gql<EvidenceAnswer>(evidenceQuery, { id }, options);
  const node = data.node;
  if (!node) return null;
  if (node.relations) {
    return {
      id: node.id,
      start: node.start,
      end: node.end,
      attestedFrom: node.attestedFrom,
      attestedTo: node.attestedTo,
      sources: node.sources,
      relations: node.relations.edges.map((e) => e.node),
      moreRelations: node.relations.pageInfo.hasNextPage,
    };
  }
  return node as unknown as RelationEvidence;
}

/** isRelationEvidence tells a relation's evidence from an entity's. */
export function isRelationEvidence(e: EntityEvidence | RelationEvidence): e is RelationEvidence {
  return "type" in e;
}

/**
 * boundText writes one bound with its kind: "1977 (stated)", "open: still
 * holds", "unknown; attested from 2020-10-22", "unknown; ended by 2022-11-16".
 */
export function boundText(bound: Bound, attested: string | null, which: "start" | "end"): string {
  switch (bound.kind) {
    case "STATED":
      return `${bound.date ?? "?"} (stated)`;
    case "OPEN":
      return "open: still holds";
    case "UNKNOWN": {
      const parts = ["unknown"];
      if (attested) parts.push(`attested ${which === "start" ? "from" : "to"} ${attested}`);
      if (bound.endedBy) parts.push(`ended by ${bound.endedBy}`);
      return parts.join("; ");
    }
  }
}
