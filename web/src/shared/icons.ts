// Small inline SVG marks for entity kinds, in the colour and shape the
// explorer draws each kind with, for legends and lists.

import { type EntityKind, kindStyle } from "./model";

const svgNS = "http://www.w3.org/2000/svg";

/** The outline of each shape in a 12×12 box. */
const shapes: Record<string, string> = {
  ellipse: "circle",
  hexagon: "3,1 9,1 12,6 9,11 3,11 0,6",
  "round-rectangle": "rect",
  triangle: "6,0.5 11.5,11 0.5,11",
  diamond: "6,0 12,6 6,12 0,6",
  pentagon: "6,0.5 11.5,4.5 9.5,11.5 2.5,11.5 0.5,4.5",
  "round-tag": "0,1 8,1 12,6 8,11 0,11",
};

/** kindIcon is a 12-pixel mark of the kind, hidden from screen readers (the kind's name goes beside it). */
export function kindIcon(kind: EntityKind): SVGSVGElement {
  const { colour, shape } = kindStyle[kind];
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", "0 0 12 12");
  svg.setAttribute("width", "12");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "kind-icon");
  const outline = shapes[shape] ?? "circle";
  let mark: SVGElement;
  if (outline === "circle") {
    mark = document.createElementNS(svgNS, "circle");
    mark.setAttribute("cx", "6");
    mark.setAttribute("cy", "6");
    mark.setAttribute("r", "5.5");
  } else if (outline === "rect") {
    mark = document.createElementNS(svgNS, "rect");
    mark.setAttribute("x", "0.5");
    mark.setAttribute("y", "1.5");
    mark.setAttribute("width", "11");
    mark.setAttribute("height", "9");
    mark.setAttribute("rx", "2.5");
  } else {
    mark = document.createElementNS(svgNS, "polygon");
    mark.setAttribute("points", outline);
  }
  mark.setAttribute("fill", colour);
  svg.append(mark);
  return svg;
}
