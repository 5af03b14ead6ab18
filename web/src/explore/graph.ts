// The drawing: a Cytoscape.js graph of entities and relations, nodes
// coloured and shaped by kind, edges labelled by type. It keeps where each
// node was drawn, so a node that disappears (the date moved) and comes back
// returns to its place, and a layout after an expansion moves only what is
// new.

import cytoscape, { type Core, type ElementDefinition, type NodeSingular, type Position } from "cytoscape";
import fcose from "cytoscape-fcose";
import { type Entity, entityKinds, humanise, kindStyle, period, type Relation } from "../shared/model";
import { type Group, groupLabel } from "./groups";

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
    {
      selector: "node.group",
      style: {
        shape: "round-rectangle",
        "background-color": "#f2f2f2",
        "border-width": 2,
        "border-style": "dashed",
        "border-color": "#555555",
        width: 34,
        height: 22,
        "font-weight": "bold",
      },
    },
    { selector: "edge.group-edge", style: { width: 3, "line-style": "dashed" } },
    // Folded into a group, or of a relation type the filter hides.
    { selector: ".in-group, .type-hidden", style: { display: "none" } },
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
  /** A group of a hub's neighbours was clicked. */
  onGroup: (id: string) => void;
  /** The background was clicked. */
  onBackground: () => void;
}

/** tipText is what hovering over an element shows: its name or label in full. */
function tipText(el: cytoscape.SingularElementArgument): string {
  if (el.isNode()) {
    if (el.hasClass("group")) return `${el.data("name") as string}: click to show them one by one`;
    const entity = el.data("entity") as Entity | undefined;
    return entity ? `${entity.name} (${kindStyle[entity.kind].label})` : String(el.data("name"));
  }
  const relation = el.data("relation") as Relation | undefined;
  if (!relation) return String(el.data("label"));
  const dates = period(relation.validFrom, relation.validTo);
  return `${el.source().data("name") as string} –${humanise(relation.type)}→ ${el.target().data("name") as string}${dates ? `, ${dates}` : ""}`;
}

export class GraphView {
  readonly cy: Core;
  private readonly positions = new Map<string, Position>();
  /** The nodes that a layout has placed, or that were shown where they already were. */
  private readonly placed = new Set<string>();

  /**
   * The tip element shows the hovered element's name in full, since labels
   * are cut short on the drawing.
   */
  constructor(container: HTMLElement, tip: HTMLElement, handlers: GraphHandlers) {
    this.cy = cytoscape({
      container,
      style: style(),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: "single",
    });
    this.cy.on("tap", "node", (e) => {
      const n = e.target as NodeSingular;
      if (n.hasClass("group")) handlers.onGroup(n.id());
      else handlers.onNode(n.id());
    });
    this.cy.on("tap", "edge", (e) => {
      const edge = e.target as cytoscape.EdgeSingular;
      if (edge.hasClass("group-edge")) handlers.onGroup(edge.target().id());
    });
    this.cy.on("mouseover", "node, edge", (e) => {
      const el = e.target as cytoscape.SingularElementArgument;
      tip.textContent = tipText(el);
      const at = e.renderedPosition ?? { x: 0, y: 0 };
      tip.style.left = `${container.offsetLeft + at.x + 12}px`;
      tip.style.top = `${container.offsetTop + at.y + 12}px`;
      tip.dataset.id = el.id();
      tip.hidden = false;
    });
    this.cy.on("mouseout", "node, edge", () => {
      tip.hidden = true;
    });
    this.cy.on("tap", "edge.relation", (e) => handlers.onEdge((e.target as cytoscape.EdgeSingular).id()));
    this.cy.on("tap", (e) => {
      if (e.target === this.cy) handlers.onBackground();
    });
    this.cy.on("position", "node", (e) => {
      const n = e.target as NodeSingular;
      this.positions.set(n.id(), { ...n.position() });
    });
  }

  /**
   * show makes the drawing hold exactly these entities and relations, with
   * the members of each closed group folded into one node joined to its
   * hub: what is gone is removed, what is new is added next to anchor (the
   * entity whose expansion brought it, if known), and what comes into view
   * for the first time is laid out around what stays where it was.
   */
  show(
    entities: ReadonlyMap<string, Entity>,
    relations: ReadonlyMap<string, Relation>,
    anchors: ReadonlyMap<string, string>,
    groups: readonly Group[] = [],
  ): void {
    const cy = this.cy;
    const closed = groups.filter((g) => !g.open);
    const groupIds = new Set(closed.map((g) => g.id));
    cy.batch(() => {
      cy.edges().forEach((e) => {
        if (e.hasClass("group-edge") ? !groupIds.has(e.target().id()) : !relations.has(e.id())) e.remove();
      });
      cy.nodes().forEach((n) => {
        if (n.hasClass("group") ? !groupIds.has(n.id()) : !entities.has(n.id())) n.remove();
      });
    });
    // Where each node starts: where it is, where it was last drawn, or for
    // one never drawn, near the node that brought it.
    const start = new Map<string, Position>();
    cy.nodes().forEach((n) => {
      start.set(n.id(), { ...n.position() });
    });
    const near = (anchor: string | undefined): Position => {
      const at = anchor ? (start.get(anchor) ?? this.positions.get(anchor)) : undefined;
      const angle = Math.random() * 2 * Math.PI;
      return at ? { x: at.x + 80 * Math.cos(angle), y: at.y + 80 * Math.sin(angle) } : { x: 0, y: 0 };
    };
    for (const id of entities.keys()) {
      const was = this.positions.get(id);
      if (!start.has(id) && was) start.set(id, was);
    }
    for (const id of entities.keys()) {
      if (!start.has(id)) start.set(id, near(anchors.get(id)));
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
        added.push({ group: "edges", data, classes: "relation" });
      }
    }
    for (const g of closed) {
      const hubName = (entities.get(g.hub)?.name ?? g.hub);
      const data = { id: g.id, name: groupLabel(g, hubName), type: g.type, members: g.members };
      const node = cy.getElementById(g.id);
      if (node.nonempty()) {
        node.data(data);
        continue;
      }
      added.push(
        { group: "nodes", data, classes: "group", position: this.positions.get(g.id) ?? near(g.hub) },
        {
          group: "edges",
          data: {
            id: `${g.id}:edge`,
            source: g.outgoing ? g.hub : g.id,
            target: g.outgoing ? g.id : g.hub,
            type: g.type,
            label: g.type,
          },
          classes: "group-edge",
        },
      );
    }
    if (added.length > 0) cy.add(added);
    // Fold the members of closed groups, and the edges that touch them.
    const folded = new Set(closed.flatMap((g) => g.members));
    cy.batch(() => {
      cy.nodes().forEach((n) => {
        n.toggleClass("in-group", folded.has(n.id()));
      });
      cy.edges(".relation").forEach((e) => {
        e.toggleClass("in-group", folded.has(e.source().id()) || folded.has(e.target().id()));
      });
    });
    this.layout();
  }

  /**
   * layout places the nodes in view that no layout has placed yet around
   * those that stay where they are; with nothing to keep, it lays out
   * everything afresh.
   */
  private layout(): void {
    const cy = this.cy;
    const shown = cy.elements().not(".in-group");
    const nodes = shown.nodes();
    const fresh = new Set(nodes.filter((n) => !this.placed.has(n.id())).map((n) => n.id()));
    if (fresh.size === 0) return;
    const fixed = nodes
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
    shown.layout(options).run();
    nodes.forEach((n) => {
      this.placed.add(n.id());
      this.positions.set(n.id(), { ...n.position() });
    });
  }

  /**
   * filterTypes hides the relations of these types, and the entities that
   * then have nothing drawn joining them but are not in keep.
   */
  filterTypes(hidden: ReadonlySet<string>, keep: ReadonlySet<string>): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.edges().forEach((e) => {
        e.toggleClass("type-hidden", hidden.has(String(e.data("type"))));
      });
      cy.nodes().forEach((n) => {
        const joined = n.connectedEdges().not(".type-hidden").nonempty();
        n.toggleClass("type-hidden", !joined && !keep.has(n.id()) && n.connectedEdges().nonempty());
      });
    });
  }

  /** groupOf is the id of the closed group a node is folded into, if it is. */
  groupOf(id: string): string | null {
    const group = this.cy.nodes(".group").filter((g) => (g.data("members") as string[]).includes(id));
    return group.nonempty() ? group.first().id() : null;
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

  /**
   * visible is what is drawn: the entities and the relations between them,
   * counting those folded into a group and leaving out what the relation
   * type filter hides.
   */
  visible(): { entities: Entity[]; relations: Relation[] } {
    return {
      entities: this.cy.nodes().not(".group, .type-hidden").map((n) => n.data("entity") as Entity),
      relations: this.cy.edges(".relation").not(".type-hidden").map((e) => e.data("relation") as Relation),
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
