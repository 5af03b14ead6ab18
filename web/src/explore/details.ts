// The evidence in the explorer's details pane: the sources with their
// quotes, the bounds of a period with what is known of each, and an
// entity's dated relations with links to select the other end.

import { kindIcon } from "../shared/icons";
import { humanise } from "../shared/model";
import {
  boundText,
  type Dating,
  type DatedRelation,
  type EntityEvidence,
  type EntityRef,
  isRelationEvidence,
  type RelationEvidence,
  relationsListed,
  type Source,
} from "./evidence";

export interface EvidenceHandlers {
  /** Select an entity or a relation by id, drawing it if it is not drawn. */
  select: (id: string) => void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** entityLink is a button that selects an entity, with its kind's icon. */
function entityLink(ref: EntityRef, handlers: EvidenceHandlers): HTMLButtonElement {
  const b = el("button", undefined, "link");
  b.type = "button";
  b.dataset.select = ref.id;
  b.title = `Select ${ref.name}`;
  b.append(kindIcon(ref.kind), ` ${ref.name}`);
  b.addEventListener("click", () => handlers.select(ref.id));
  return b;
}

/** datesList writes the two bounds of a period with their kinds. */
function datesList(d: Dating): HTMLDListElement {
  const list = el("dl", undefined, "dates");
  list.append(el("dt", "From"), el("dd", boundText(d.start, d.attestedFrom, "start")));
  list.append(el("dt", "To"), el("dd", boundText(d.end, d.attestedTo, "end")));
  return list;
}

/** sourcesList lists where a fact comes from: each document, linked when online, with its quote. */
function sourcesList(sources: readonly Source[]): HTMLElement {
  const section = el("section", undefined, "sources");
  section.append(el("h4", `Sources (${sources.length})`));
  if (sources.length === 0) {
    section.append(el("p", "No source is recorded.", "hint"));
    return section;
  }
  const list = el("ol");
  for (const s of sources) {
    const li = el("li");
    if (s.url) {
      const a = el("a", s.document);
      a.href = s.url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      li.append(a);
    } else {
      li.append(el("span", s.document, "document"));
    }
    if (s.quote) li.append(el("blockquote", s.quote));
    list.append(li);
  }
  section.append(list);
  return section;
}

/** relationsTable lists an entity's relations: type, other end, from and to, each bound with its kind. */
function relationsTable(e: EntityEvidence, handlers: EvidenceHandlers): HTMLElement {
  const section = el("section", undefined, "relations");
  const count = e.moreRelations ? `first ${relationsListed}` : String(e.relations.length);
  section.append(el("h4", `Relations (${count})`));
  if (e.relations.length === 0) {
    section.append(el("p", "None recorded.", "hint"));
    return section;
  }
  const table = el("table");
  const head = el("tr");
  for (const h of ["Type", "Other end", "From", "To"]) {
    const th = el("th", h);
    th.scope = "col";
    head.append(th);
  }
  table.append(el("thead"));
  table.tHead?.append(head);
  const body = el("tbody");
  for (const r of e.relations) body.append(relationRow(e.id, r, handlers));
  table.append(body);
  section.append(table);
  return section;
}

function relationRow(self: string, r: DatedRelation, handlers: EvidenceHandlers): HTMLTableRowElement {
  const row = el("tr");
  row.dataset.relation = r.id;
  row.dataset.type = r.type;
  const outgoing = r.from.id === self;
  const other = outgoing ? r.to : r.from;
  const type = el("button", `${outgoing ? "" : "← "}${humanise(r.type)}${outgoing ? " →" : ""}`, "link");
  type.type = "button";
  type.title = "Select this relation to see its sources";
  type.addEventListener("click", () => handlers.select(r.id));
  const typeCell = el("td");
  typeCell.append(type);
  if (r.context) typeCell.append(el("span", ` in ${r.context.name}`, "meta"));
  const otherCell = el("td");
  otherCell.append(entityLink(other, handlers));
  row.append(
    typeCell,
    otherCell,
    el("td", boundText(r.start, r.attestedFrom, "start")),
    el("td", boundText(r.end, r.attestedTo, "end")),
  );
  return row;
}

function relationEvidence(r: RelationEvidence, handlers: EvidenceHandlers): HTMLElement[] {
  const list = el("dl");
  const row = (term: string, value: string | Node | null) => {
    if (value === null || value === "") return;
    const dd = el("dd");
    dd.append(value);
    list.append(el("dt", term), dd);
  };
  row("Type", r.type);
  row("From", entityLink(r.from, handlers));
  row("To", entityLink(r.to, handlers));
  row("In", r.context ? entityLink(r.context, handlers) : null);
  row("Role", r.role);
  row("Note", r.note);
  const dates = el("section", undefined, "period");
  dates.append(el("h4", "Dates"), datesList(r));
  return [list, dates, sourcesList(r.sources)];
}

/**
 * renderEvidence fills box with an entity's or a relation's evidence:
 * its dates with the kind of each bound, its sources with their quotes,
 * and for an entity its relations.
 */
export function renderEvidence(box: HTMLElement, ev: EntityEvidence | RelationEvidence, handlers: EvidenceHandlers): void {
  if (isRelationEvidence(ev)) {
    box.replaceChildren(...relationEvidence(ev, handlers));
  } else {
    const dates = el("section", undefined, "period");
    dates.append(el("h4", "Dates"), datesList(ev));
    box.replaceChildren(dates, sourcesList(ev.sources), relationsTable(ev, handlers));
  }
  box.dataset.loaded = "true";
}
