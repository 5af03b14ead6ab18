// The graph explorer at /explore: search for an entity, draw it with its
// neighbours, expand more, look at one date, find paths, filter by relation
// type, read the sources behind what is drawn, export. Everything drawn is
// what the public GraphQL API answers.

import "../shared/page.css";
import "./explore.css";

import { describe, isAbort } from "../shared/graphql";
import { type Entity, entityKinds, humanise, kindStyle, type Relation, relationTypes } from "../shared/model";
import { kindIcon } from "../shared/icons";
import {
  earliestYear,
  entities,
  neighbourhoodLimit,
  neighbourhoods,
  type Path,
  paths,
  shown,
  shownLimit,
  type Subgraph,
} from "./data";
import { renderEvidence } from "./details";
import { evidence } from "./evidence";
import { GraphView } from "./graph";
import { type Group, groupHubs, groupLabel } from "./groups";
import { graphML } from "./graphml";
import { SearchBox } from "./search-box";

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explore.html has no element with id "${id}"`);
  return el as T;
}

const ui = {
  search: byId<HTMLInputElement>("search"),
  asOfOn: byId<HTMLInputElement>("asof-on"),
  asOf: byId<HTMLInputElement>("asof"),
  asOfText: byId<HTMLOutputElement>("asof-text"),
  asOfMin: byId<HTMLSpanElement>("asof-min"),
  asOfMax: byId<HTMLSpanElement>("asof-max"),
  pathFrom: byId<HTMLInputElement>("path-from"),
  pathTo: byId<HTMLInputElement>("path-to"),
  pathMax: byId<HTMLSelectElement>("path-max"),
  pathFind: byId<HTMLButtonElement>("path-find"),
  pathClear: byId<HTMLButtonElement>("path-clear"),
  pathResults: byId<HTMLDivElement>("path-results"),
  exportPNG: byId<HTMLButtonElement>("export-png"),
  exportGraphML: byId<HTMLButtonElement>("export-graphml"),
  legend: byId<HTMLUListElement>("legend"),
  status: byId<HTMLDivElement>("status"),
  fit: byId<HTMLButtonElement>("fit"),
  error: byId<HTMLDivElement>("error"),
  graph: byId<HTMLDivElement>("graph"),
  empty: byId<HTMLParagraphElement>("empty"),
  details: byId<HTMLDivElement>("details"),
  entityList: byId<HTMLUListElement>("entity-list"),
  entityCount: byId<HTMLSpanElement>("entity-count"),
  typeFilter: byId<HTMLUListElement>("type-filter"),
  typeFilterHint: byId<HTMLParagraphElement>("type-filter-hint"),
  tip: byId<HTMLDivElement>("graph-tip"),
};

interface PathSearch {
  from: Entity;
  to: Entity;
  maxLength: number;
}

const state = {
  /** The entities whose neighbourhoods are drawn, in the order expanded. */
  expanded: [] as string[],
  /** The date everything drawn must hold on, or null for all of history. */
  asOf: null as string | null,
  /** The paths asked for, redone when the date moves. */
  pathSearch: null as PathSearch | null,
  pathResults: [] as Path[],
  /** Which path is highlighted: its index, or -1 for all of them. */
  pathShown: -1,
  /** The selected entity or relation id. */
  selected: null as string | null,
  /** What the last answer held, by id. */
  entities: new Map<string, Entity>(),
  relations: new Map<string, Relation>(),
  /** The name of every entity seen, for messages about those not drawn. */
  names: new Map<string, string>(),
  /** The entities and relations a link asked for by id (`show`), drawn as they are. */
  pinned: [] as string[],
  /** The relation types the filter hides. */
  hiddenTypes: new Set<string>(),
  /** The groups of hubs' neighbours the user opened. */
  openGroups: new Set<string>(),
  /** The groups of the hubs drawn, open or closed. */
  groups: [] as Group[],
  /** What the last answer held, as asked: neighbourhoods by expanded id, paths, and what pinned names. */
  subgraphs: new Map<string, Subgraph>(),
  anchors: new Map<string, string>(),
};

const graph = new GraphView(ui.graph, ui.tip, {
  onGroup: (id) => {
    state.openGroups.add(id);
    draw();
  },
  onNode: (id) => {
    select(id);
    if (!state.expanded.includes(id)) {
      state.expanded.push(id);
      void refresh();
    }
  },
  onEdge: (id) => select(id),
  onBackground: () => select(null),
});

// A handle for the browser tests and for anyone curious in the console.
(window as unknown as { chanceryExplorer: unknown }).chanceryExplorer = { cy: graph.cy, state };

ui.fit.addEventListener("click", () => graph.fit());

// ---- search ----------------------------------------------------------------

new SearchBox({
  input: ui.search,
  onSelect: (entity) => {
    state.names.set(entity.id, entity.name);
    state.expanded = [entity.id];
    state.selected = entity.id;
    void refresh();
  },
  onError: showError,
});

// ---- date --------------------------------------------------------------------

let asOfTimer: number | undefined;

function asOfFromControls(): string | null {
  return ui.asOfOn.checked ? ui.asOf.value : null;
}

function showAsOf(): void {
  ui.asOf.disabled = !ui.asOfOn.checked;
  ui.asOfText.value = ui.asOfOn.checked ? `1 January ${ui.asOf.value}` : "All of history";
  ui.asOf.setAttribute("aria-valuetext", ui.asOfText.value);
}

function dateChanged(delay: number): void {
  showAsOf();
  window.clearTimeout(asOfTimer);
  asOfTimer = window.setTimeout(() => {
    const asOf = asOfFromControls();
    if (asOf === state.asOf) return;
    state.asOf = asOf;
    void refresh();
  }, delay);
}

ui.asOfOn.addEventListener("change", () => dateChanged(0));
ui.asOf.addEventListener("input", () => dateChanged(150));
ui.asOf.addEventListener("change", () => dateChanged(0));

// ---- paths -------------------------------------------------------------------

const fromBox = new SearchBox({ input: ui.pathFrom, onSelect: () => undefined, onError: showError, first: 8 });
const toBox = new SearchBox({ input: ui.pathTo, onSelect: () => undefined, onError: showError, first: 8 });

ui.pathFind.addEventListener("click", () => {
  const from = fromBox.value;
  const to = toBox.value;
  if (!from || !to) {
    showError("Pick both ends of the path from the matches offered under “From” and “To”.");
    (from ? ui.pathTo : ui.pathFrom).focus();
    return;
  }
  state.pathSearch = { from, to, maxLength: Number(ui.pathMax.value) };
  state.pathShown = -1;
  void refresh();
});

ui.pathClear.addEventListener("click", () => {
  state.pathSearch = null;
  state.pathResults = [];
  fromBox.set(null);
  toBox.set(null);
  void refresh();
});

function renderPaths(): void {
  ui.pathResults.replaceChildren();
  ui.pathClear.disabled = state.pathSearch === null;
  const search = state.pathSearch;
  if (!search) return;
  if (state.pathResults.length === 0) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = `No path of at most ${search.maxLength} steps joins ${search.from.name} and ${search.to.name}${
      state.asOf ? ` on 1 January ${state.asOf}` : ""
    }.`;
    ui.pathResults.append(p);
    return;
  }
  const group = document.createElement("div");
  group.setAttribute("role", "radiogroup");
  group.setAttribute("aria-label", "Path to highlight");
  const choice = (index: number, text: string): HTMLLabelElement => {
    const label = document.createElement("label");
    label.className = "path-choice";
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "path-shown";
    radio.value = String(index);
    radio.checked = state.pathShown === index;
    radio.addEventListener("change", () => {
      state.pathShown = index;
      highlightPaths();
    });
    label.append(radio, ` ${text}`);
    return label;
  };
  group.append(choice(-1, `All ${state.pathResults.length} paths`));
  state.pathResults.forEach((path, i) => {
    const names = path.nodes.map((n) => n.name);
    const steps = path.relations.map((r) => humanise(r.type));
    let text = names[0] ?? "";
    steps.forEach((step, j) => (text += ` –${step}– ${names[j + 1] ?? ""}`));
    group.append(choice(i, `${path.length} step${path.length === 1 ? "" : "s"}: ${text}`));
  });
  ui.pathResults.append(group);
}

function highlightPaths(): void {
  const shown = state.pathShown >= 0 ? state.pathResults.slice(state.pathShown, state.pathShown + 1) : state.pathResults;
  if (!state.pathSearch || shown.length === 0) {
    graph.highlightPath(null, null);
    return;
  }
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const p of shown) {
    p.nodes.forEach((n) => nodes.add(n.id));
    p.relations.forEach((r) => edges.add(r.id));
  }
  graph.highlightPath(nodes, edges);
}

// ---- export ------------------------------------------------------------------

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function exportName(ext: string): string {
  const first = state.expanded[0] ?? state.pathSearch?.from.id ?? "graph";
  const slug = first.replace(/[^a-z0-9-]+/gi, "-");
  return `chancery-${slug}${state.asOf ? `-${state.asOf}` : ""}.${ext}`;
}

ui.exportPNG.addEventListener("click", () => download(graph.png(), exportName("png")));
ui.exportGraphML.addEventListener("click", () => {
  const { entities, relations } = graph.visible();
  const what = [
    `Chancery explorer export: ${entities.length} entities and ${relations.length} relations`,
    state.asOf ? `as of ${state.asOf}` : "over all of history",
    `from ${window.location.origin}/graphql`,
  ].join(", ");
  download(new Blob([graphML(entities, relations, what)], { type: "application/graphml+xml" }), exportName("graphml"));
});

// ---- details and the list --------------------------------------------------

function select(id: string | null, centre = false): void {
  const group = id ? graph.groupOf(id) : null;
  if (group) {
    state.openGroups.add(group);
    draw();
  }
  state.selected = id;
  graph.select(id, centre);
  renderDetails();
  ui.entityList.querySelectorAll<HTMLElement>("button[data-id]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.id === id));
  });
}

function dl(rows: [string, string | Node | null | undefined][]): HTMLDListElement {
  const list = document.createElement("dl");
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.append(value);
    list.append(dt, dd);
  }
  return list;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

let evidenceController: AbortController | undefined;

/**
 * selectFromEvidence selects an entity or a relation from the evidence: one
 * drawn is selected where it is; an entity not drawn is drawn with its
 * neighbours; a relation not drawn is shown in the details alone.
 */
function selectFromEvidence(id: string): void {
  if (state.entities.has(id) || state.relations.has(id)) {
    select(id, true);
    return;
  }
  state.selected = id;
  if (id.startsWith("rel:")) {
    renderDetails();
    return;
  }
  state.expanded.push(id);
  void refresh();
}

/**
 * loadEvidence fetches the sources and dates of the selected entity or
 * relation into slot, unless the selection has moved on by then.
 */
async function loadEvidence(id: string, slot: HTMLElement): Promise<void> {
  evidenceController?.abort();
  evidenceController = new AbortController();
  try {
    const ev = await evidence(id, { signal: evidenceController.signal });
    if (state.selected !== id) return;
    if (!ev) {
      slot.textContent = `There is no entity or relation with the id ${id}.`;
      return;
    }
    renderEvidence(slot, ev, { select: selectFromEvidence });
  } catch (err) {
    if (isAbort(err) || state.selected !== id) return;
    slot.textContent = `The sources could not be loaded: ${describe(err)}`;
    slot.classList.add("error");
  }
}

/** groupButtons offers to fold or open each group of a hub's neighbours. */
function groupButtons(hub: string): HTMLElement | null {
  const groups = state.groups.filter((g) => g.hub === hub);
  if (groups.length === 0) return null;
  const box = document.createElement("div");
  box.className = "groups";
  const h = document.createElement("h4");
  h.textContent = "Neighbours by relation type";
  const list = document.createElement("ul");
  for (const g of groups) {
    const toggle = button(`${g.open ? "Fold" : "Show"}: ${groupLabel(g, state.names.get(hub) ?? hub)}`, () => {
      if (g.open) state.openGroups.delete(g.id);
      else state.openGroups.add(g.id);
      draw();
    });
    toggle.dataset.group = g.id;
    const li = document.createElement("li");
    li.append(toggle);
    list.append(li);
  }
  box.append(h, list);
  return box;
}

function renderDetails(): void {
  const box = ui.details;
  box.replaceChildren();
  const h = document.createElement("h2");
  h.textContent = "Details";
  box.append(h);
  const id = state.selected;
  const entity = id ? state.entities.get(id) : undefined;
  const relation = id ? state.relations.get(id) : undefined;
  if (entity) {
    const title = document.createElement("h3");
    title.append(kindIcon(entity.kind), ` ${entity.name}`);
    box.append(title);
    box.append(
      dl([
        ["Kind", kindStyle[entity.kind].label],
        ["Id", entity.id],
        ["Type", entity.missionType ? humanise(entity.missionType) : null],
        ["Official", entity.official === null || entity.official === undefined ? null : entity.official ? "yes" : "no"],
        ["Also called", entity.aliases.join(", ")],
      ]),
    );
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    if (state.expanded.includes(entity.id)) {
      if (state.expanded.length > 1 || state.pinned.length > 0) {
        buttons.append(
          button("Hide its neighbours", () => {
            state.expanded = state.expanded.filter((x) => x !== entity.id);
            void refresh();
          }),
        );
      }
    } else {
      buttons.append(
        button("Show its neighbours", () => {
          state.expanded.push(entity.id);
          void refresh();
        }),
      );
    }
    buttons.append(
      button("Start a path here", () => {
        fromBox.set(entity);
        ui.pathTo.focus();
      }),
      button("End a path here", () => {
        toBox.set(entity);
        ui.pathFind.focus();
      }),
    );
    box.append(buttons);
    const groups = groupButtons(entity.id);
    if (groups) box.append(groups);
  } else if (relation) {
    const from = state.entities.get(relation.from.id)?.name ?? relation.from.id;
    const to = state.entities.get(relation.to.id)?.name ?? relation.to.id;
    const title = document.createElement("h3");
    title.textContent = `${from} –${humanise(relation.type)}→ ${to}`;
    box.append(title, dl([["Id", relation.id]]));
  } else if (id?.startsWith("rel:")) {
    const title = document.createElement("h3");
    title.textContent = "A relation not drawn";
    box.append(title, dl([["Id", id]]));
  } else {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = "Click an entity or a relation to see it here, with its dates and sources.";
    box.append(p);
    return;
  }
  if (!id) return;
  const slot = document.createElement("div");
  slot.className = "evidence";
  slot.id = "evidence";
  slot.dataset.for = id;
  slot.textContent = "Loading its dates and sources…";
  box.append(slot);
  void loadEvidence(id, slot);
}

// ---- relation type filter ------------------------------------------------------

/** The entities the filter never hides: those expanded, asked for by a link, or on a path. */
function keptByFilter(): Set<string> {
  const keep = new Set<string>([...state.expanded, ...state.pinned]);
  state.pathResults.forEach((p) => p.nodes.forEach((n) => keep.add(n.id)));
  return keep;
}

function applyTypeFilter(): void {
  graph.filterTypes(state.hiddenTypes, keptByFilter());
  ui.graph.dataset.hiddenTypes = [...state.hiddenTypes].sort().join(",");
}

/** renderTypeFilter offers a checkbox for each relation type drawn, with how many relations have it. */
function renderTypeFilter(): void {
  const counts = new Map<string, number>();
  state.relations.forEach((r) => counts.set(r.type, (counts.get(r.type) ?? 0) + 1));
  const types = relationTypes.filter((t) => counts.has(t) || state.hiddenTypes.has(t));
  ui.typeFilterHint.hidden = types.length > 0;
  ui.typeFilter.replaceChildren(
    ...types.map((type) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      label.className = "check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = type;
      box.checked = !state.hiddenTypes.has(type);
      box.addEventListener("change", () => {
        if (box.checked) state.hiddenTypes.delete(type);
        else state.hiddenTypes.add(type);
        applyTypeFilter();
        saveURL();
      });
      label.append(box, ` ${humanise(type)} (${counts.get(type) ?? 0})`);
      li.append(label);
      return li;
    }),
  );
}

function renderList(): void {
  const entities = [...state.entities.values()].sort((a, b) => a.name.localeCompare(b.name));
  ui.entityCount.textContent = `(${entities.length})`;
  ui.entityList.replaceChildren(
    ...entities.map((e) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.id = e.id;
      b.setAttribute("aria-pressed", String(state.selected === e.id));
      const expanded = state.expanded.includes(e.id);
      b.append(kindIcon(e.kind), ` ${e.name}`);
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = `${kindStyle[e.kind].label}${expanded ? ", neighbours shown" : ""}`;
      b.append(meta);
      b.addEventListener("click", () => select(e.id, true));
      li.append(b);
      return li;
    }),
  );
}

// ---- loading -----------------------------------------------------------------

let generation = 0;
/** How many ids past the limit the link named. */
let pinnedDropped = 0;
let controller: AbortController | undefined;

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = "";
}

function saveURL(): void {
  const params = new URLSearchParams();
  state.expanded.forEach((id) => params.append("id", id));
  state.pinned.forEach((id) => params.append("show", id));
  if (state.asOf) params.set("asOf", state.asOf);
  if (state.pathSearch) {
    params.set("from", state.pathSearch.from.id);
    params.set("to", state.pathSearch.to.id);
    params.set("maxLength", String(state.pathSearch.maxLength));
  }
  [...state.hiddenTypes].sort().forEach((t) => params.append("hide", t));
  const query = params.toString();
  window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}

/**
 * refresh asks the API for everything the state calls for, in one go, and
 * draws the answer. An answer that arrives after a newer question was
 * asked is dropped.
 */
async function refresh(): Promise<void> {
  const mine = ++generation;
  controller?.abort();
  controller = new AbortController();
  const signal = controller.signal;
  ui.graph.setAttribute("aria-busy", "true");
  ui.status.textContent = "Loading…";
  const search = state.pathSearch;
  let subgraphs: Map<string, Subgraph>;
  let found: Path[];
  let pinned: Awaited<ReturnType<typeof shown>>;
  try {
    [subgraphs, found, pinned] = await Promise.all([
      state.expanded.length > 0 ? neighbourhoods(state.expanded, state.asOf, { signal }) : new Map<string, Subgraph>(),
      search ? paths(search.from.id, search.to.id, search.maxLength, state.asOf, { signal }) : Promise.resolve([]),
      state.pinned.length > 0 ? shown(state.pinned, { signal }) : Promise.resolve({ entities: [], relations: [], missing: [] }),
    ]);
  } catch (err) {
    if (isAbort(err) || mine !== generation) return;
    ui.graph.removeAttribute("aria-busy");
    ui.status.textContent = "";
    showError(describe(err));
    return;
  }
  if (mine !== generation) return;
  clearError();
  ui.graph.removeAttribute("aria-busy");

  const entities = new Map<string, Entity>();
  const relations = new Map<string, Relation>();
  const anchors = new Map<string, string>();
  const absent: string[] = [];
  const truncated: string[] = [];
  for (const e of pinned.entities) entities.set(e.id, e);
  pinned.relations.forEach((r) => relations.set(r.id, r));
  for (const id of state.expanded) {
    const sub = subgraphs.get(id);
    if (!sub || sub.nodes.length === 0) {
      absent.push(state.names.get(id) ?? id);
      continue;
    }
    if (sub.truncated) truncated.push(sub.nodes[0]?.name ?? id);
    for (const n of sub.nodes) {
      if (!entities.has(n.id)) {
        entities.set(n.id, n);
        anchors.set(n.id, id);
      }
    }
    sub.relations.forEach((r) => relations.set(r.id, r));
  }
  state.pathResults = found;
  for (const p of found) {
    p.nodes.forEach((n, i) => {
      if (!entities.has(n.id)) {
        entities.set(n.id, n);
        const prev = p.nodes[i - 1];
        if (prev) anchors.set(n.id, prev.id);
      }
    });
    p.relations.forEach((r) => relations.set(r.id, r));
  }
  state.entities = entities;
  state.relations = relations;
  state.subgraphs = subgraphs;
  state.anchors = anchors;
  entities.forEach((e) => state.names.set(e.id, e.name));

  draw();
  ui.empty.hidden = entities.size > 0;
  if (entities.size === 0 && (state.expanded.length > 0 || search || state.pinned.length > 0)) {
    ui.empty.hidden = false;
    ui.empty.textContent = state.asOf
      ? `Nothing drawn held on 1 January ${state.asOf}. Move the date or turn it off.`
      : "Nothing to draw.";
  }
  ui.exportPNG.disabled = entities.size === 0;
  ui.exportGraphML.disabled = entities.size === 0;

  if (state.selected && !entities.has(state.selected) && !relations.has(state.selected) && !state.selected.startsWith("rel:")) {
    state.selected = null;
  }
  graph.select(state.selected);
  renderDetails();
  renderList();
  renderPaths();
  renderTypeFilter();
  highlightPaths();
  saveURL();

  const parts = [
    `${entities.size} entit${entities.size === 1 ? "y" : "ies"}, ${relations.size} relation${relations.size === 1 ? "" : "s"}`,
  ];
  parts[0] += state.asOf ? ` as of 1 January ${state.asOf}` : " over all of history";
  if (absent.length > 0) parts.push(`not there on that date: ${absent.join(", ")}`);
  if (truncated.length > 0) parts.push(`only the first ${neighbourhoodLimit} relations of ${truncated.join(", ")}`);
  if (pinnedDropped > 0) parts.push(`the link named ${pinnedDropped} more than the ${shownLimit} drawn`);
  if (pinned.missing.length > 0) parts.push(`nothing has the id ${pinned.missing.join(", ")}`);
  const folded = state.groups.filter((g) => !g.open);
  if (folded.length > 0) {
    const n = folded.reduce((sum, g) => sum + g.members.length, 0);
    parts.push(`${n} neighbours folded into ${folded.length} group${folded.length === 1 ? "" : "s"}: click one to open it`);
  }
  ui.status.textContent = `${parts.join("; ")}.`;
}

/**
 * draw shows what the last answer held, with the neighbours of hubs folded
 * into groups by relation type except those the user opened, and the
 * relation type filter applied.
 */
function draw(): void {
  const keep = keptByFilter();
  if (state.selected) keep.add(state.selected);
  state.groups = groupHubs(state.expanded, state.subgraphs, keep, state.openGroups);
  graph.show(state.entities, state.relations, state.anchors, state.groups);
  graph.markExpanded(new Set(state.expanded));
  applyTypeFilter();
  highlightPaths();
  ui.graph.dataset.nodes = String(graph.cy.nodes().not(".group").length);
  ui.graph.dataset.edges = String(graph.cy.edges(".relation").length);
  ui.graph.dataset.groups = String(state.groups.filter((g) => !g.open).length);
  if (state.selected && state.entities.has(state.selected)) renderGroupsInDetails();
}

/** renderGroupsInDetails brings the selected hub's fold and open buttons up to date. */
function renderGroupsInDetails(): void {
  const old = ui.details.querySelector(".groups");
  const fresh = state.selected ? groupButtons(state.selected) : null;
  if (old && fresh) old.replaceWith(fresh);
  else if (old) old.remove();
  else if (fresh) ui.details.querySelector(".buttons")?.after(fresh);
}

// ---- start -------------------------------------------------------------------

function renderLegend(): void {
  ui.legend.replaceChildren(
    ...entityKinds.map((kind) => {
      const li = document.createElement("li");
      li.append(kindIcon(kind), ` ${kindStyle[kind].label}`);
      return li;
    }),
  );
}

async function start(): Promise<void> {
  renderLegend();
  const thisYear = new Date().getFullYear();
  ui.asOf.max = String(thisYear);
  ui.asOf.value = String(thisYear);
  ui.asOfMax.textContent = String(thisYear);
  const params = new URLSearchParams(window.location.search);
  const asOf = params.get("asOf");
  if (asOf && /^\d{4}$/.test(asOf)) {
    ui.asOfOn.checked = true;
    ui.asOf.value = asOf;
    state.asOf = asOf;
  }
  showAsOf();
  state.expanded = params.getAll("id").filter((id) => id !== "");
  state.pinned = params.getAll("show").filter((id) => id !== "");
  if (state.pinned.length > shownLimit) {
    pinnedDropped = state.pinned.length - shownLimit;
    state.pinned = state.pinned.slice(0, shownLimit);
  }
  for (const t of params.getAll("hide")) {
    if ((relationTypes as readonly string[]).includes(t)) state.hiddenTypes.add(t);
  }
  if (state.expanded.length > 0) state.selected = state.expanded[0] ?? null;
  const from = params.get("from");
  const to = params.get("to");
  if (from && to) {
    try {
      const ends = await entities([from, to]);
      const a = ends.get(from);
      const b = ends.get(to);
      if (a && b) {
        const maxLength = Number(params.get("maxLength") ?? 4);
        state.pathSearch = { from: a, to: b, maxLength: maxLength >= 1 && maxLength <= 6 ? maxLength : 4 };
        ui.pathMax.value = String(state.pathSearch.maxLength);
        fromBox.set(a);
        toBox.set(b);
      } else {
        showError(`The link asks for paths between ${from} and ${to}, but there is no entity with the id ${a ? to : from}.`);
      }
    } catch (err) {
      showError(describe(err));
    }
  }
  const first = earliestYear().then(
    (year) => {
      if (year !== null) {
        const min = Math.floor(year / 10) * 10;
        ui.asOf.min = String(Math.min(min, Number(ui.asOf.value)));
        ui.asOfMin.textContent = ui.asOf.min;
      }
    },
    (err: unknown) => showError(describe(err)),
  );
  if (state.expanded.length > 0 || state.pathSearch || state.pinned.length > 0) {
    await refresh();
  }
  await first;
  ui.graph.dataset.ready = "true";
}

void start();
