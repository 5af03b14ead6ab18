// Hubs: an expanded entity with many neighbours (a country with its
// missions, say) is drawn with its neighbours folded into one node per
// relation type, each opened on demand, instead of an unreadable star.

import { humanise, relationTypes, type RelationType } from "../shared/model";
import type { Subgraph } from "./data";

/** An expanded entity with more neighbours than this is a hub. */
export const hubSize = 30;

/** A hub's neighbours of one relation type are folded only when there are at least this many. */
export const groupMin = 3;

/** The neighbours of a hub joined to it by one relation type. */
export interface Group {
  /** `group:` with the hub's id and the type, such as `group:country:cuba:ACCREDITS_TO`. */
  id: string;
  hub: string;
  type: RelationType;
  /** Whether the relations point from the hub to the members (most of them, when they differ). */
  outgoing: boolean;
  /** The ids of the entities in the group. */
  members: string[];
  /** Whether the user opened it: its members are drawn one by one. */
  open: boolean;
}

/** groupId names the group of a hub's neighbours of one type. */
export function groupId(hub: string, type: RelationType): string {
  return `group:${hub}:${type}`;
}

/**
 * groupLabel says what a group holds, from the hub's side: "Cuba accredits
 * to × 3" or, when the relations point at the hub, "91 × accredits to Cuba".
 */
export function groupLabel(g: Group, hubName: string): string {
  const type = humanise(g.type);
  return g.outgoing ? `${hubName} ${type} × ${g.members.length}` : `${g.members.length} × ${type} ${hubName}`;
}

/**
 * groupHubs finds the groups of each hub among the expanded entities, in
 * the order expanded. A neighbour stays out of every group when it is in
 * keep (expanded, on a path, asked for by name), when an expanded entity
 * that is not a hub reaches it too, or when a hub before already groups
 * it. Its group is the first relation type, in the API's order, that joins
 * it to the hub directly.
 */
export function groupHubs(
  expanded: readonly string[],
  subgraphs: ReadonlyMap<string, Subgraph>,
  keep: ReadonlySet<string>,
  open: ReadonlySet<string>,
): Group[] {
  const hubs: string[] = [];
  const reachedOtherwise = new Set<string>();
  for (const id of expanded) {
    const sub = subgraphs.get(id);
    if (!sub) continue;
    if (sub.nodes.length - 1 > hubSize) hubs.push(id);
    else sub.nodes.forEach((n) => reachedOtherwise.add(n.id));
  }
  const taken = new Set<string>();
  const groups: Group[] = [];
  for (const hub of hubs) {
    const sub = subgraphs.get(hub);
    if (!sub) continue;
    const byType = new Map<RelationType, { members: string[]; out: number }>();
    for (const n of sub.nodes) {
      if (n.id === hub || keep.has(n.id) || reachedOtherwise.has(n.id) || taken.has(n.id)) continue;
      const joining = sub.relations.filter(
        (r) => (r.from.id === hub && r.to.id === n.id) || (r.to.id === hub && r.from.id === n.id),
      );
      const first = joining.sort((a, b) => relationTypes.indexOf(a.type) - relationTypes.indexOf(b.type))[0];
      if (!first) continue;
      const entry = byType.get(first.type) ?? { members: [], out: 0 };
      entry.members.push(n.id);
      if (first.from.id === hub) entry.out++;
      byType.set(first.type, entry);
    }
    for (const type of relationTypes) {
      const entry = byType.get(type);
      if (!entry || entry.members.length < groupMin) continue;
      const id = groupId(hub, type);
      const isOpen = open.has(id);
      if (!isOpen) entry.members.forEach((m) => taken.add(m));
      groups.push({ id, hub, type, outgoing: entry.out * 2 >= entry.members.length, members: entry.members, open: isOpen });
    }
  }
  return groups;
}
