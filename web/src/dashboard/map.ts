// The map: the world from world-atlas (Natural Earth at 1:110m, shipped in
// the bundle, so nothing is fetched from outside), drawn with d3-geo as
// SVG. Countries are shaded by how many missions they host; missions whose
// coordinates the API knows are dots.

import { geoGraticule10, geoNaturalEarth1, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-110m.json";
import { svg } from "./charts";
import { isoNumeric } from "./iso-numeric";

type CountryFeature = Feature<Geometry, { name: string }>;

const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const countries = (feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>)
  .features as CountryFeature[];

const width = 960;
const height = 500;
const projection = geoNaturalEarth1().fitExtent(
  [
    [4, 4],
    [width - 4, height - 4],
  ],
  { type: "Sphere" },
);
const path = geoPath(projection);

/** Sequential blues (ColorBrewer), light to dark. */
const blues = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"];
const noData = "#ececec";

/** classes splits 1..max into at most seven ranges at round numbers. */
function classes(max: number): { from: number; to: number; colour: string }[] {
  const cuts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter((c) => c <= max);
  // Too many: merge the smallest ranges, where few countries differ.
  while (cuts.length > blues.length) cuts.splice(1, 1);
  const offset = blues.length - cuts.length;
  return cuts.map((from, i) => ({
    from,
    to: (cuts[i + 1] ?? max + 1) - 1,
    colour: blues[offset + i] ?? blues[blues.length - 1] ?? "#084594",
  }));
}

/** The key a place is matched to a shape by: its numeric code, or for the few shapes without one, the name. */
function nameKey(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/^n\. /, "northern ")
    .replace(/[^a-z]+/g, " ")
    .trim();
}

export interface HostedPlace {
  id: string;
  name: string;
  iso3: string | null;
  count: number;
}

export interface Point {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface WorldMap {
  element: HTMLElement;
  /** How many places with missions were found on the map. */
  shaded: number;
  /** The places with missions that have no shape on this map. */
  unplaced: HostedPlace[];
  /** Adds dots for missions with coordinates. */
  addPoints: (points: readonly Point[]) => void;
}

/** worldMap draws the countries, shaded by count, and returns a handle to add dots to. */
export function worldMap(hosted: readonly HostedPlace[], label: string): WorldMap {
  const byCode = new Map<string, HostedPlace>();
  const byName = new Map<string, HostedPlace>();
  for (const h of hosted) {
    const code = h.iso3 ? isoNumeric[h.iso3] : undefined;
    if (code) byCode.set(code, h);
    byName.set(nameKey(h.name), h);
  }
  const max = Math.max(0, ...hosted.map((h) => h.count));
  const scale = classes(max);
  const colour = (n: number) => [...scale].reverse().find((c) => n >= c.from)?.colour ?? noData;

  const figure = document.createElement("figure");
  figure.className = "map";
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": label });
  chart.append(svg("path", { d: path({ type: "Sphere" }) ?? "", class: "sphere" }));
  chart.append(svg("path", { d: path(geoGraticule10()) ?? "", class: "graticule" }));
  const placed = new Set<string>();
  const land = svg("g", { class: "countries" });
  for (const f of countries) {
    const code = typeof f.id === "string" ? f.id : f.id === undefined ? undefined : String(f.id).padStart(3, "0");
    const h = (code ? byCode.get(code) : undefined) ?? (code ? undefined : byName.get(nameKey(f.properties.name)));
    const d = path(f);
    if (!d) continue;
    const shape = svg("path", { d, class: h ? "country has-data" : "country", fill: h ? colour(h.count) : noData });
    const title = svg("title");
    if (h) {
      placed.add(h.id);
      shape.setAttribute("data-id", h.id);
      shape.setAttribute("data-count", String(h.count));
      title.textContent = `${h.name}: ${h.count.toLocaleString("en")} mission${h.count === 1 ? "" : "s"}`;
    } else {
      title.textContent = `${f.properties.name}: none recorded`;
    }
    shape.append(title);
    land.append(shape);
  }
  chart.append(land);
  const dots = svg("g", { class: "points" });
  chart.append(dots);

  const legend = document.createElement("ul");
  legend.className = "chart-legend";
  const item = (fill: string, text: string, cls = "swatch") => {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = cls;
    sw.style.background = fill;
    sw.setAttribute("aria-hidden", "true");
    li.append(sw, ` ${text}`);
    legend.append(li);
    return li;
  };
  item(noData, "none recorded");
  for (const c of scale) item(c.colour, c.from === c.to ? String(c.from) : `${c.from}–${c.to}`);
  const pointLegend = item("#E69F00", "a mission with coordinates", "swatch dot");
  pointLegend.hidden = true;

  figure.append(chart, legend);
  let count = 0;
  return {
    element: figure,
    shaded: placed.size,
    unplaced: hosted.filter((h) => !placed.has(h.id)),
    addPoints(points) {
      for (const p of points) {
        const xy = projection([p.lon, p.lat]);
        if (!xy) continue;
        const c = svg("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: 2.2, class: "point", "data-id": p.id });
        const title = svg("title");
        title.textContent = p.name;
        c.append(title);
        dots.append(c);
        count++;
      }
      pointLegend.hidden = count === 0;
    },
  };
}

/** coordinates reads a mission's latitude and longitude attributes, if both are numbers in range. */
export function coordinates(attributes: readonly { key: string; value: string }[]): { lat: number; lon: number } | null {
  const get = (k: string) => attributes.find((a) => a.key === k)?.value;
  const lat = Number(get("latitude"));
  const lon = Number(get("longitude"));
  if (get("latitude") === undefined || get("longitude") === undefined) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}
