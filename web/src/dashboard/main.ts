// The overview at /dashboard: counts by kind and mission type, the top
// senders and hosts, a timeline of openings, renamings and closings by
// decade, and a map. Every figure is what the public GraphQL API answers,
// and every panel shows the query it ran.

import "../shared/page.css";
import "./dashboard.css";

import { kindIcon } from "../shared/icons";
import { humanise, isEntityKind, kindStyle } from "../shared/model";
import { barTable, decadeStart, timeline } from "./charts";
import { coordinates, type Point, worldMap } from "./map";
import { Panel } from "./panel";
import {
  type Bucket,
  coordinatesQuery,
  count,
  countQuery,
  type MissionAttributes,
  pages,
  places,
  placesQuery,
  timelineCounts,
  timelineQuery,
} from "./queries";

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard.html has no element with id "${id}"`);
  return el as T;
}

const ui = {
  form: byId<HTMLFormElement>("asof-form"),
  asOf: byId<HTMLInputElement>("asof"),
  clear: byId<HTMLButtonElement>("asof-clear"),
  error: byId<HTMLDivElement>("error"),
  panels: byId<HTMLDivElement>("panels"),
};

const dated = (asOf: string | null) => (asOf ? `on 1 January ${asOf}` : "over all of history");

const panels = {
  kinds: new Panel(ui.panels, "kinds", "Entities by kind", "How many entities of each kind the graph holds."),
  missionTypes: new Panel(ui.panels, "mission-types", "Missions by type", "Missions by their missionType."),
  senders: new Panel(
    ui.panels,
    "senders",
    "Top senders",
    "The countries, territories and organisations that send the most missions (SENT_BY). Click one to explore it.",
  ),
  hosts: new Panel(
    ui.panels,
    "hosts",
    "Top hosts",
    "The countries and organisations with the most missions accredited to them (ACCREDITS_TO); a mission accredited to several counts in each.",
  ),
  timeline: new Panel(
    ui.panels,
    "timeline",
    "Openings, renamings and closings by decade",
    "Openings are SENT_BY relations (a mission's tie to its sender) that start in the decade; closings are SENT_BY relations that end in it; renamings are RENAMED_FROM relations. A renamed office is an entity under each name, so its old name's end and new name's start count as a closing and an opening too. Only dated relations are counted.",
    true,
  ),
  map: new Panel(
    ui.panels,
    "map",
    "Where missions are",
    "Countries and territories shaded by the missions accredited to them (organisations are left off the map); a dot for each mission whose coordinates the data holds.",
    true,
  ),
};

function exploreLink(b: Bucket): HTMLAnchorElement {
  const a = document.createElement("a");
  a.href = `/explore?id=${encodeURIComponent(b.key)}`;
  a.textContent = b.label ?? b.key;
  return a;
}

async function loadKinds(asOf: string | null): Promise<void> {
  const query = countQuery("EntitiesByKind", "KIND", asOf);
  panels.kinds.showQueries([{ text: query }]);
  await panels.kinds.load(async (signal) => {
    const buckets = await count(query, signal);
    panels.kinds.body.replaceChildren(
      barTable(buckets, {
        caption: `Entities by kind ${dated(asOf)}`,
        keyHeader: "Kind",
        label: (b) => {
          if (!isEntityKind(b.key)) return b.key;
          const span = document.createElement("span");
          span.append(kindIcon(b.key), ` ${kindStyle[b.key].label}`);
          return span;
        },
        colour: (b) => (isEntityKind(b.key) ? kindStyle[b.key].colour : "#6E6E6E"),
      }),
    );
    return buckets.length > 0;
  });
}

async function loadMissionTypes(asOf: string | null): Promise<void> {
  const query = countQuery("MissionsByType", "MISSION_TYPE", asOf);
  panels.missionTypes.showQueries([{ text: query }]);
  await panels.missionTypes.load(async (signal) => {
    const buckets = await count(query, signal);
    panels.missionTypes.body.replaceChildren(
      barTable(buckets, {
        caption: `Missions by type ${dated(asOf)}`,
        keyHeader: "Type",
        label: (b) => humanise(b.key),
        colour: () => kindStyle.MISSION.colour,
      }),
    );
    return buckets.length > 0;
  });
}

async function loadTop(panel: Panel, name: string, groupBy: "SENDER" | "HOST", asOf: string | null): Promise<void> {
  const query = countQuery(name, groupBy, asOf, ", limit: 10");
  panel.showQueries([{ text: query }]);
  await panel.load(async (signal) => {
    const buckets = await count(query, signal);
    panel.body.replaceChildren(
      barTable(buckets, {
        caption: `${groupBy === "SENDER" ? "Top senders" : "Top hosts"} ${dated(asOf)}`,
        keyHeader: groupBy === "SENDER" ? "Sender" : "Host",
        label: exploreLink,
      }),
    );
    return buckets.length > 0;
  });
}

async function loadTimeline(): Promise<void> {
  panels.timeline.showQueries([{ title: "Openings, renamings and closings", text: timelineQuery }]);
  await panels.timeline.load(async (signal) => {
    const counts = await timelineCounts(signal);
    const toMap = (bs: Bucket[]) => new Map(bs.filter((b) => Number.isFinite(decadeStart(b.key))).map((b) => [b.key, b.count]));
    const series = [
      { name: "openings", colour: "#009E73", counts: toMap(counts.openings) },
      { name: "renamings", colour: "#0072B2", counts: toMap(counts.renamings) },
      { name: "closings", colour: "#D55E00", counts: toMap(counts.closings) },
    ];
    panels.timeline.body.replaceChildren(timeline(series, "Openings, renamings and closings of missions by decade"));
    return series.some((s) => s.counts.size > 0);
  });
}

async function loadMap(asOf: string | null): Promise<void> {
  const hostQuery = countQuery("MissionsByHost", "HOST", asOf, ", limit: 500");
  const pointsQuery = coordinatesQuery(asOf);
  panels.map.showQueries([
    { title: "Missions by host", text: hostQuery },
    {
      title: "Country and territory codes",
      text: placesQuery,
      note: "Each host is found on the map by its iso3 code (or, for the few shapes without a code, by its name).",
    },
    {
      title: "Missions with coordinates",
      text: pointsQuery,
      note: "Read a page at a time (after: each page's pageInfo.endCursor); a mission with both latitude and longitude attributes is a dot.",
    },
  ]);
  await panels.map.load(async (signal, progress) => {
    const [hosts, codes] = await Promise.all([count(hostQuery, signal), places(signal)]);
    const byId = new Map(codes.map((p) => [p.id, p]));
    const hosted = hosts.flatMap((b) => {
      const place = byId.get(b.key);
      return place ? [{ id: place.id, name: place.name, iso3: place.iso3, count: b.count }] : [];
    });
    const map = worldMap(
      hosted,
      `World map: countries and territories shaded by the missions accredited to them ${dated(asOf)}`,
    );
    const summary = document.createElement("p");
    summary.className = "map-summary";
    const describeMap = (points: number, read: number, done: boolean) => {
      const parts = [
        `${map.shaded} countries and territories on the map host missions ${dated(asOf)}.`,
      ];
      if (map.unplaced.length > 0) {
        const names = map.unplaced.slice(0, 8).map((h) => `${h.name} (${h.count})`);
        parts.push(
          `Not on this map (too small at this scale, or no code to find them by): ${names.join(", ")}${
            map.unplaced.length > 8 ? ` and ${map.unplaced.length - 8} more` : ""
          }.`,
        );
      }
      if (!done) parts.push(`Reading missions for coordinates: ${read.toLocaleString("en")} read…`);
      else if (points > 0) parts.push(`${points.toLocaleString("en")} of ${read.toLocaleString("en")} missions have coordinates and are drawn as dots.`);
      else parts.push(`None of the ${read.toLocaleString("en")} missions has coordinates in this data (they come with imports of Wikidata's missions), so no dots are drawn.`);
      summary.textContent = parts.join(" ");
    };
    describeMap(0, 0, false);
    panels.map.body.replaceChildren(map.element, summary);
    let read = 0;
    let drawn = 0;
    const whole = await pages<MissionAttributes>(pointsQuery, "entities", {}, signal, (nodes) => {
      read += nodes.length;
      const points: Point[] = [];
      for (const n of nodes) {
        const c = coordinates(n.attributes);
        if (c) points.push({ id: n.id, name: n.name, ...c });
      }
      drawn += points.length;
      map.addPoints(points);
      describeMap(drawn, read, false);
      progress(`Reading missions for coordinates: ${read.toLocaleString("en")} read…`);
    });
    describeMap(drawn, read, true);
    if (!whole) summary.textContent += ` Only the first ${read.toLocaleString("en")} missions were read.`;
    panels.map.section.dataset.points = String(drawn);
    return map.shaded > 0 || drawn > 0;
  });
}

function readAsOf(): string | null {
  const v = ui.asOf.value.trim();
  return /^\d{4}$/.test(v) ? v : null;
}

function loadDated(asOf: string | null): void {
  const params = new URLSearchParams(window.location.search);
  if (asOf) params.set("asOf", asOf);
  else params.delete("asOf");
  const q = params.toString();
  window.history.replaceState(null, "", q ? `?${q}` : window.location.pathname);
  void loadKinds(asOf);
  void loadMissionTypes(asOf);
  void loadTop(panels.senders, "TopSenders", "SENDER", asOf);
  void loadTop(panels.hosts, "TopHosts", "HOST", asOf);
  void loadMap(asOf);
}

ui.form.addEventListener("submit", (e) => {
  e.preventDefault();
  const v = ui.asOf.value.trim();
  if (v !== "" && !/^\d{4}$/.test(v)) {
    ui.error.textContent = "Give the year as four digits, such as 1990, or leave it empty for all of history.";
    ui.error.hidden = false;
    ui.asOf.setAttribute("aria-invalid", "true");
    ui.asOf.focus();
    return;
  }
  ui.error.hidden = true;
  ui.asOf.removeAttribute("aria-invalid");
  loadDated(readAsOf());
});

ui.clear.addEventListener("click", () => {
  ui.asOf.value = "";
  ui.error.hidden = true;
  ui.asOf.removeAttribute("aria-invalid");
  loadDated(null);
});

const initial = new URLSearchParams(window.location.search).get("asOf");
if (initial && /^\d{4}$/.test(initial)) ui.asOf.value = initial;
loadDated(readAsOf());
void loadTimeline();
