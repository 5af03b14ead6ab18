// The dashboard's drawings: tables with bars, and the timeline. Each is
// real HTML or SVG with its numbers in text, so a screen reader and a test
// read the same figures the eye sees.

import type { Bucket } from "./queries";

const svgNS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export interface BarTableOptions {
  caption: string;
  keyHeader: string;
  /** What to write for a bucket: its label, a link... */
  label: (b: Bucket) => string | Node;
  /** The bar's colour for a bucket. */
  colour?: (b: Bucket) => string;
}

/** barTable is a table of buckets, most first, each row with a bar as long as its share of the largest. */
export function barTable(buckets: readonly Bucket[], options: BarTableOptions): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "bars";
  const caption = document.createElement("caption");
  caption.className = "visually-hidden";
  caption.textContent = options.caption;
  const thead = document.createElement("thead");
  const hr = document.createElement("tr");
  for (const [text, cls] of [
    [options.keyHeader, ""],
    ["Count", "num"],
    ["", "bar-cell"],
  ] as const) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    if (cls) th.className = cls;
    if (text === "") th.setAttribute("aria-hidden", "true");
    hr.append(th);
  }
  thead.append(hr);
  const tbody = document.createElement("tbody");
  const max = Math.max(1, ...buckets.map((b) => b.count));
  for (const b of buckets) {
    const tr = document.createElement("tr");
    tr.dataset.key = b.key;
    const th = document.createElement("th");
    th.scope = "row";
    th.append(options.label(b));
    const td = document.createElement("td");
    td.className = "num";
    td.textContent = b.count.toLocaleString("en");
    const barCell = document.createElement("td");
    barCell.className = "bar-cell";
    barCell.setAttribute("aria-hidden", "true");
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${(100 * b.count) / max}%`;
    if (options.colour) bar.style.background = options.colour(b);
    barCell.append(bar);
    tr.append(th, td, barCell);
    tbody.append(tr);
  }
  table.append(caption, thead, tbody);
  return table;
}

/** niceStep is a round step for about n ticks up to max. */
function niceStep(max: number, n: number): number {
  const raw = Math.max(1, max / n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

export interface Series {
  name: string;
  colour: string;
  /** Counts by decade key (`1990s`). */
  counts: ReadonlyMap<string, number>;
}

/** decadeStart reads a decade key: `1990s` is 1990. */
export function decadeStart(key: string): number {
  return Number.parseInt(key, 10);
}

/**
 * timeline draws series side by side for every decade from the first to
 * the last any of them has, and a table of the same numbers.
 */
export function timeline(series: readonly Series[], caption: string): HTMLElement {
  const starts = series.flatMap((s) => [...s.counts.keys()].map(decadeStart)).filter((d) => Number.isFinite(d));
  const wrap = document.createElement("div");
  wrap.className = "timeline";
  if (starts.length === 0) return wrap;
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const decades: string[] = [];
  for (let d = first; d <= last; d += 10) decades.push(`${d}s`);
  const max = Math.max(1, ...series.flatMap((s) => [...s.counts.values()]));

  const left = 40;
  const bottom = 28;
  const top = 10;
  const groupWidth = Math.max(24, Math.min(64, 880 / decades.length));
  const barWidth = (groupWidth - 6) / series.length;
  const width = left + decades.length * groupWidth + 10;
  const height = 240;
  const plot = height - top - bottom;
  const y = (v: number) => top + plot - (plot * v) / max;

  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    "aria-label": `${caption}: ${series.map((s) => s.name).join(", ")} by decade, ${decades[0]} to ${decades.at(-1)}; the table below gives the numbers`,
    class: "timeline-chart",
  });
  chart.style.maxWidth = `${Math.max(width, 320)}px`;
  const step = niceStep(max, 4);
  for (let v = 0; v <= max; v += step) {
    chart.append(svg("line", { x1: left, x2: width - 5, y1: y(v), y2: y(v), class: "grid" }));
    const t = svg("text", { x: left - 5, y: y(v) + 3, "text-anchor": "end", class: "tick" });
    t.textContent = String(v);
    chart.append(t);
  }
  decades.forEach((decade, i) => {
    const x0 = left + i * groupWidth + 3;
    series.forEach((s, j) => {
      const v = s.counts.get(decade) ?? 0;
      if (v === 0) return;
      const rect = svg("rect", {
        x: x0 + j * barWidth,
        y: y(v),
        width: Math.max(1, barWidth - 1),
        height: top + plot - y(v),
        fill: s.colour,
        "data-series": s.name,
        "data-decade": decade,
      });
      const title = svg("title");
      title.textContent = `${decade}: ${v} ${s.name}`;
      rect.append(title);
      chart.append(rect);
    });
    const every = Math.ceil(decades.length / 16);
    if (i % every === 0) {
      const label = svg("text", {
        x: x0 + (groupWidth - 6) / 2,
        y: height - bottom + 14,
        "text-anchor": "middle",
        class: "tick",
      });
      label.textContent = decade;
      chart.append(label);
    }
  });
  chart.append(svg("line", { x1: left, x2: width - 5, y1: top + plot, y2: top + plot, class: "axis" }));

  const legend = document.createElement("ul");
  legend.className = "chart-legend";
  for (const s of series) {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = s.colour;
    sw.setAttribute("aria-hidden", "true");
    li.append(sw, ` ${s.name}`);
    legend.append(li);
  }

  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = "The numbers as a table";
  const table = document.createElement("table");
  table.className = "numbers";
  const cap = document.createElement("caption");
  cap.className = "visually-hidden";
  cap.textContent = caption;
  const head = document.createElement("tr");
  for (const text of ["Decade", ...series.map((s) => s.name)]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    head.append(th);
  }
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  for (const decade of decades) {
    const tr = document.createElement("tr");
    tr.dataset.key = decade;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = decade;
    tr.append(th);
    for (const s of series) {
      const td = document.createElement("td");
      td.className = "num";
      td.textContent = String(s.counts.get(decade) ?? 0);
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(cap, thead, tbody);
  details.append(summary, table);
  wrap.append(legend, chart, details);
  return wrap;
}
