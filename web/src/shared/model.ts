// The vocabulary of the API as the pages use it: entity kinds with the
// colour and shape each is drawn in, relation types, and date helpers.

export const entityKinds = [
  "COUNTRY",
  "TERRITORY",
  "ORGANISATION",
  "MISSION",
  "CITY",
  "PERSON",
  "AGREEMENT",
] as const;

export type EntityKind = (typeof entityKinds)[number];

/** How each kind is drawn: colours from the Okabe–Ito palette, which stays
 * distinct for colour-blind readers, and a shape of its own so that colour
 * is never the only cue. */
export const kindStyle: Record<EntityKind, { label: string; colour: string; shape: string }> = {
  COUNTRY: { label: "Country", colour: "#0072B2", shape: "ellipse" },
  TERRITORY: { label: "Territory", colour: "#56B4E9", shape: "hexagon" },
  ORGANISATION: { label: "Organisation", colour: "#009E73", shape: "round-rectangle" },
  MISSION: { label: "Mission", colour: "#E69F00", shape: "triangle" },
  CITY: { label: "City", colour: "#CC79A7", shape: "diamond" },
  PERSON: { label: "Person", colour: "#D55E00", shape: "pentagon" },
  AGREEMENT: { label: "Agreement", colour: "#6E6E6E", shape: "round-tag" },
};

export function isEntityKind(s: string): s is EntityKind {
  return (entityKinds as readonly string[]).includes(s);
}

export const relationTypes = [
  "SENT_BY",
  "ACCREDITS_TO",
  "LOCATED_IN",
  "PROTECTS",
  "REPRESENTED_BY",
  "RENAMED_FROM",
  "UPGRADED_FROM",
  "DOWNGRADED_FROM",
  "REPLACES",
  "SECTION_OF",
  "OPERATED_BY",
  "HEADED_BY",
  "MEMBER_OF",
  "PART_OF",
  "DIPLOMATIC_RELATIONS",
  "ESTABLISHED_UNDER",
  "PARTY_TO",
  "REPORTS_TO",
] as const;

export type RelationType = (typeof relationTypes)[number];

/** An entity with the fields the pages show. */
export interface Entity {
  id: string;
  kind: EntityKind;
  name: string;
  aliases: string[];
  validFrom: string | null;
  validTo: string | null;
  missionType?: string | null;
  official?: boolean | null;
}

/** A relation with the ids of its ends. */
export interface Relation {
  id: string;
  type: RelationType;
  from: { id: string };
  to: { id: string };
  context: { id: string; name: string } | null;
  validFrom: string | null;
  validTo: string | null;
  role: string | null;
  note: string | null;
}

/** The GraphQL fragments that fetch Entity and Relation as typed above. */
export const entityFields = `fragment EntityFields on Entity {
  id kind name aliases validFrom validTo
  ... on Mission { missionType official }
}`;

export const relationFields = `fragment RelationFields on Relation {
  id type validFrom validTo role note
  from { id }
  to { id }
  context { id name }
}`;

/** period writes an entity's or relation's dates: "1977–2015", "since 1994-09", "until 2015". */
export function period(from: string | null, to: string | null): string {
  if (from && to) return `${from}–${to}`;
  if (from) return `since ${from}`;
  if (to) return `until ${to}`;
  return "";
}

/** humanise turns an enum name into words: CONSULATE_GENERAL → "consulate general". */
export function humanise(name: string): string {
  return name.toLowerCase().replaceAll("_", " ");
}
