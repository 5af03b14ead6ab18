// GraphML of the subgraph on screen, written in the browser. The keys are
// those of `chancery export --format graphml` (label and edgelabel for
// Gephi, attr.name for NetworkX and yEd), so a file from either opens the
// same way; sources are left out, since the explorer does not fetch them.

import type { Entity, Relation } from "../shared/model";

interface Key {
  id: string;
  domain: "node" | "edge";
  name: string;
  type: "string" | "boolean";
}

const keys: readonly Key[] = [
  { id: "label", domain: "node", name: "name", type: "string" },
  { id: "n_kind", domain: "node", name: "kind", type: "string" },
  { id: "n_aliases", domain: "node", name: "aliases", type: "string" },
  { id: "n_validFrom", domain: "node", name: "validFrom", type: "string" },
  { id: "n_validTo", domain: "node", name: "validTo", type: "string" },
  { id: "n_missionType", domain: "node", name: "missionType", type: "string" },
  { id: "n_official", domain: "node", name: "official", type: "boolean" },
  { id: "edgelabel", domain: "edge", name: "type", type: "string" },
  { id: "e_context", domain: "edge", name: "context", type: "string" },
  { id: "e_validFrom", domain: "edge", name: "validFrom", type: "string" },
  { id: "e_validTo", domain: "edge", name: "validTo", type: "string" },
  { id: "e_role", domain: "edge", name: "role", type: "string" },
  { id: "e_note", domain: "edge", name: "note", type: "string" },
];

/**
 * escapeXML makes text safe in XML 1.0 content and attribute values: the
 * five special characters become entities, and characters XML 1.0 cannot
 * carry at all (control characters other than tab and line breaks, lone
 * surrogates) become U+FFFD.
 */
export function escapeXML(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- these are the characters to replace
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD")
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

function data(key: string, value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? "" : `      <data key="${key}">${escapeXML(value)}</data>\n`;
}

/**
 * graphML writes the entities and relations as one GraphML document,
 * directed from each relation's from to its to. Relations whose ends are
 * not both among the entities are left out, so the file is always a
 * well-formed graph.
 */
export function graphML(entities: readonly Entity[], relations: readonly Relation[], description: string): string {
  const ids = new Set(entities.map((e) => e.id));
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>\n`);
  out.push(`<!-- ${escapeXML(description).replace(/--/g, "- -")} -->\n`);
  out.push(
    `<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n`,
  );
  for (const k of keys) {
    out.push(`  <key id="${k.id}" for="${k.domain}" attr.name="${k.name}" attr.type="${k.type}"/>\n`);
  }
  out.push(`  <graph id="chancery" edgedefault="directed">\n`);
  for (const e of entities) {
    out.push(`    <node id="${escapeXML(e.id)}">\n`);
    out.push(data("label", e.name));
    out.push(data("n_kind", e.kind));
    out.push(data("n_aliases", e.aliases.length > 0 ? JSON.stringify(e.aliases) : ""));
    out.push(data("n_validFrom", e.validFrom));
    out.push(data("n_validTo", e.validTo));
    out.push(data("n_missionType", e.missionType));
    out.push(data("n_official", e.official === null || e.official === undefined ? "" : String(e.official)));
    out.push(`    </node>\n`);
  }
  for (const r of relations) {
    if (!ids.has(r.from.id) || !ids.has(r.to.id)) continue;
    out.push(`    <edge id="${escapeXML(r.id)}" source="${escapeXML(r.from.id)}" target="${escapeXML(r.to.id)}">\n`);
    out.push(data("edgelabel", r.type));
    out.push(data("e_context", r.context?.id));
    out.push(data("e_validFrom", r.validFrom));
    out.push(data("e_validTo", r.validTo));
    out.push(data("e_role", r.role));
    out.push(data("e_note", r.note));
    out.push(`    </edge>\n`);
  }
  out.push(`  </graph>\n</graphml>\n`);
  return out.join("");
}
