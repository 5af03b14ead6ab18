// Which entities and relations a GraphQL result holds, found by their ids,
// so that the result can be drawn in the explorer.

import { entityKinds } from "../shared/model";

/** The most ids a link to the explorer carries; the explorer draws no more. */
export const explorerLimit = 200;

const entityPrefixes = new Set(entityKinds.map((k) => k.toLowerCase()));

/** isGraphId tells an entity id (`country:cuba`) or a relation id (`rel:...`) from any other string. */
export function isGraphId(id: string): boolean {
  const colon = id.indexOf(":");
  if (colon <= 0 || colon === id.length - 1 || /\s/.test(id)) return false;
  const prefix = id.slice(0, colon);
  return prefix === "rel" || entityPrefixes.has(prefix);
}

/**
 * resultIds lists the ids of the entities and relations anywhere in a
 * result's data, each once, in the order met.
 */
export function resultIds(result: unknown): string[] {
  const seen = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        if (key === "id" && typeof v === "string" && isGraphId(v)) seen.add(v);
        else walk(v);
      }
    }
  };
  walk(result);
  return [...seen];
}

/** explorerURL is the explorer's address drawing these ids, at most explorerLimit of them. */
export function explorerURL(ids: readonly string[]): string {
  const params = new URLSearchParams();
  ids.slice(0, explorerLimit).forEach((id) => params.append("show", id));
  return `/explore?${params.toString()}`;
}
