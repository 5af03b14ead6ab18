// The drawing: a Cytoscape.js graph of entities and relations, nodes
// coloured and shaped by kind, edges labelled by type. It keeps where each
// node was drawn, so a node that disappears (the date moved) and comes back
// returns to its place, and a layout after an expansion moves only what is
// new.

import cytoscape, { type Core, type ElementDefinition, type NodeSingular, type Position } from "cytoscape";
import fcose from "cytoscape-fcose";
import { type Entity, entityKinds, kindStyle, type Relation } from "../shared/model";

cytoscape.use(fcose);

const highlight = "#C2185B";

function style(): cytoscape.StylesheetJson {
  const sheet: cytoscape.StylesheetJson = [
    {
      selector: "node",
      style: {
        label: "data(name)",
        "font-family": "system-ui, sans-serif",
        "font-size": 10,
        color: "#1a1a1a",
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-wrap": "ellipsis",
        "text-max-width": "140px",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.75,
        "text-background-padding": "1px",
        width: 26,
        height: 26,
        "border-width": 1,
        "border-color": "#ffffff",
      },
    },
    {
      selector: "node.expanded",
      style: { "border-width": 3, "border-color": "#1a1a1a", width: 32, height: 32, "font-weight": "bold" },
    },
    {
      selector: "node:selected",
      style: { "overlay-color": highlight, "overlay-opacity": 0.25, "overlay-padding": 6 },
    },
    {
      selector: "edge",
      style: {
        width: 1.5,
        "curve-style": "bezier",
        "line-color": "#8a8a8a",
        "target-arrow-color": "#8a8a8a",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        label: "data(label)",
        "font-family": "system-ui, sans-serif",
        "font-size": 8,
        // Edge labels go when zoomed out so far that they would only clutter.
        "min-zoomed-font-size": 6,
        color: "#404040",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": "1px",
      },
    },
    { selector: "edge[type = 'DIPLOMATIC_RELATIONS']", style: { "target-arrow-shape": "none" } },
    // A relation that has ended is dashed.
    { selector: "edge[?validTo]", style: { "line-style": "dashed" } },
    {
      selector: "edge:selected",
      style: { "line-color": highlight, "target-arrow-color": highlight, width: 3 },
    },
    { selector: ".faded", style: { opacity: 0.2 } },
    {
      selector: "node.on-path",
      style: { "border-width": 4, "border-color": highlight, opacity: 1 },
    },
    {
      selector: "edge.on-path",
      style: { "line-color": highlight, "target-arrow-color": highlight, width: 4, color: highlight, opacity: 1 },
    },
  ];
  for (const kind of entityKinds) {
    sheet.push({
      selector: `node[kind = '${kind}']`,
      style: {
        "background-color": kindStyle[kind].colour,
        shape: kindStyle[kind].shape as cytoscape.Css.NodeShape,
      },
    });
  }
  return sheet;
}

export interface GraphHandlers {
  /** A node was clicked or tapped. */
  onNode: (id: string) => void;
  /** An edge was clicked or tapped. */
  onEdge: (id: string) => void;
  /** The background was clicked. */
  onBackground: () => void;
}

export class GraphView {
  readonly cy: Core;
  private readonly positions = new Map<string, Position>();

  constructor(container: HTMLElement, handlers: GraphHandlers) {
    this.cy = cytoscape({
      container,
      style: style(),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: "single",
    });
    this.cy.on("tap", "node", (e) => handlers.onNode((e.target as NodeSingular).id()));
    this.cy.on("tap", "edge", (e) => handlers.onEdge((e.target as cytoscape.EdgeSingular).id()));
    this.cy.on("tap", (e) => {
      if (e.target === this.cy) handlers.onBackground();
    });
    this.cy.on("position", "node", (e) => {
      const n = e.target as NodeSingular;
      this.positions.set(n.id(), { ...n.position() });
    });
  }

  /**
   * show makes the drawing hold exactly these entities and relations:
   * what is gone is removed, what is new is added next to anchor (the
   * entity whose expansion brought it, if known) and laid out around what
   * stays where it was.
   */
  show(entities: ReadonlyMap<string, Entity>, relations: ReadonlyMap<string, Relation>, anchors: ReadonlyMap<string, string>): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.edges().forEach((e) => {
        if (!relations.has(e.id())) e.remove();
      });
      cy.nodes().forEach((n) => {
        if (!entities.has(n.id())) n.remove();
      });
    });
    // Where each node starts: where it is, where it was last drawn, or for
    // one never drawn, near the node that brought it.
    const start = new Map<string, Position>();
    cy.nodes().forEach((n) => {
      start.set(n.id(), { ...n.position() });
    });
    for (const id of entities.keys()) {
      const was = this.positions.get(id);
      if (!start.has(id) && was) start.set(id, was);
    }
    const fresh = new Set<string>();
    for (const id of entities.keys()) {
      if (start.has(id)) continue;
      fresh.add(id);
      const anchor = anchors.get(id);
      const at = anchor ? start.get(anchor) : undefined;
      const angle = Math.random() * 2 * Math.PI;
      start.set(id, at ? { x: at.x + 80 * Math.cos(angle), y: at.y + 80 * Math.sin(angle) } : { x: 0, y: 0 });
    }
    const added: ElementDefinition[] = [];
    for (const [id, entity] of entities) {
      const node = cy.getElementById(id);
      if (node.nonempty()) {
        node.data({ ...entity, entity });
      } else {
        added.push({ group: "nodes", data: { ...entity, entity }, position: { ...(start.get(id) ?? { x: 0, y: 0 }) } });
      }
    }
    for (const [id, relation] of relations) {
      const data = {
        id,
        source: relation.from.id,
        target: relation.to.id,
        type: relation.type,
        // PROTECTS and REPRESENTED_BY hold in a host, their context.
        label: relation.context ? `${relation.type} in ${relation.context.name}` : relation.type,
        validFrom: relation.validFrom,
        validTo: relation.validTo,
        relation,
      };
      const edge = cy.getElementById(id);
      if (edge.nonempty()) {
        edge.data(data);
      } else if (entities.has(relation.from.id) && entities.has(relation.to.id)) {
        added.push({ group: "edges", data });
      }
    }
    if (added.length > 0) cy.add(added);
    if (fresh.size === 0) return;
    // Lay out what is new around what stays where it is; with nothing to
    // keep, lay out everything afresh.
    const fixed = cy
      .nodes()
      .map((n) => ({ nodeId: n.id(), position: { ...n.position() } }))
      .filter((c) => !fresh.has(c.nodeId));
    const options = {
      name: "fcose",
      quality: "default",
      randomize: fixed.length === 0,
      animate: false,
      fit: true,
      padding: 40,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: 110,
      nodeRepulsion: 9000,
      fixedNodeConstraint: fixed.length > 0 ? fixed : undefined,
    } as cytoscape.LayoutOptions;
    cy.layout(options).run();
    cy.nodes().forEach((n) => {
      this.positions.set(n.id(), { ...n.position() });
    });
  }

  /** markExpanded draws the entities whose neighbourhoods are shown with a heavy border. */
  markExpanded(ids: ReadonlySet<string>): void {
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        n.toggleClass("expanded", ids.has(n.id()));
      });
    });
  }

  /**
   * highlightPath fades everything but these entities and relations; with
   * null, nothing is faded.
   */
  highlightPath(nodes: ReadonlySet<string> | null, edges: ReadonlySet<string> | null): void {
    this.cy.batch(() => {
      this.cy.elements().removeClass("faded on-path");
      if (!nodes || !edges) return;
      this.cy.nodes().forEach((n) => {
        n.addClass(nodes.has(n.id()) ? "on-path" : "faded");
      });
      this.cy.edges().forEach((e) => {
        e.addClass(edges.has(e.id()) ? "on-path" : "faded");
      });
    });
  }

  /** select selects one element (or none) and brings it into view. */
  select(id: string | null, centre = false): void {
    this.cy.elements().unselect();
    if (id === null) return;
    const el = this.cy.getElementById(id);
    if (el.empty()) return;
    el.select();
    if (centre) this.cy.animate({ center: { eles: el } }, { duration: 200 });
  }

  /** visible is what is drawn: the entities and the relations between them. */
  visible(): { entities: Entity[]; relations: Relation[] } {
    return {
      entities: this.cy.nodes(":visible").map((n) => n.data("entity") as Entity),
      relations: this.cy.edges(":visible").map((e) => e.data("relation") as Relation),
    };
  }

  /** png is the whole drawing as a PNG, at twice the screen's scale, on white. */
  png(): Blob {
    return this.cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
  }

  /** fit brings the whole drawing into view. */
  fit(): void {
    this.cy.fit(undefined, 40);
  }
}
