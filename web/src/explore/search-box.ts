// A search-as-you-type box for entities: an ARIA combobox over the API's
// `search`, usable with the keyboard (arrows, Enter, Escape) and the mouse.

import { describe, gql, isAbort } from "../shared/graphql";
import { type Entity, entityFields, kindStyle, period } from "../shared/model";

export interface SearchHit {
  entity: Entity;
  matched: string;
  score: number;
}

const searchQuery = `query ExploreSearch($text: String!, $first: Int!) {
  search(text: $text, first: $first) { entity { ...EntityFields } matched score }
}
${entityFields}`;

let boxes = 0;

export interface SearchBoxOptions {
  /** The input to turn into a combobox; its <label> stays as it is. */
  input: HTMLInputElement;
  /** Called with the entity the user picked. */
  onSelect: (entity: Entity) => void;
  /** Where to show an error the API gave; the box's own line when absent. */
  onError?: (message: string) => void;
  /** How many hits to offer. */
  first?: number;
}

/**
 * SearchBox asks the API as the user types (after a short pause, dropping
 * answers that arrive after a newer question) and lists the hits below the
 * input, each with its kind, dates and the name that matched.
 */
export class SearchBox {
  readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly options: SearchBoxOptions;
  private hits: SearchHit[] = [];
  private active = -1;
  private timer: number | undefined;
  private controller: AbortController | undefined;
  private selected: Entity | null = null;

  constructor(options: SearchBoxOptions) {
    this.options = options;
    const input = options.input;
    this.input = input;
    const id = `search-box-${++boxes}`;
    this.list = document.createElement("ul");
    this.list.id = `${id}-list`;
    this.list.className = "search-hits";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    const label = input.labels?.[0]?.textContent;
    if (label) this.list.setAttribute("aria-label", `${label.trim()}: matches`);
    input.after(this.list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.autocomplete = "off";
    input.spellcheck = false;

    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (e) => this.onKey(e));
    input.addEventListener("blur", () => {
      // Let a click on an option land before the list goes.
      window.setTimeout(() => this.close(), 150);
    });
    input.addEventListener("focus", () => {
      if (this.hits.length > 0 && input.value.trim() !== "" && this.selected?.name !== input.value) this.open();
    });
    // Options are picked on mousedown, so the input keeps the focus.
    this.list.addEventListener("mousedown", (e) => {
      const li = (e.target as Element).closest<HTMLLIElement>("li[data-index]");
      if (!li) return;
      e.preventDefault();
      this.pick(Number(li.dataset.index));
    });
  }

  /** The entity last picked, or null. */
  get value(): Entity | null {
    return this.selected;
  }

  /** set shows an entity as picked, as if the user had chosen it. */
  set(entity: Entity | null): void {
    this.selected = entity;
    this.input.value = entity ? entity.name : "";
    this.input.dataset.entityId = entity?.id ?? "";
    this.close();
  }

  private schedule(): void {
    window.clearTimeout(this.timer);
    this.selected = null;
    this.input.dataset.entityId = "";
    delete this.input.dataset.shown;
    const text = this.input.value.trim();
    if (text === "") {
      this.controller?.abort();
      this.hits = [];
      this.close();
      return;
    }
    this.timer = window.setTimeout(() => void this.search(text), 120);
  }

  private async search(text: string): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.input.setAttribute("aria-busy", "true");
    try {
      const data = await gql<{ search: SearchHit[] }>(
        searchQuery,
        { text, first: this.options.first ?? 10 },
        { signal: controller.signal },
      );
      if (controller.signal.aborted) return;
      this.hits = data.search;
      this.render();
      // Which text the hits shown are for, for tests and styles.
      this.input.dataset.shown = text;
    } catch (err) {
      if (isAbort(err)) return;
      this.hits = [];
      this.render(describe(err));
      this.input.dataset.shown = text;
      this.options.onError?.(describe(err));
    } finally {
      if (this.controller === controller) this.input.removeAttribute("aria-busy");
    }
  }

  private render(error?: string): void {
    this.list.replaceChildren();
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (error !== undefined || this.hits.length === 0) {
      const li = document.createElement("li");
      li.className = error === undefined ? "search-none" : "search-none error";
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.textContent = error ?? `Nothing matches “${this.input.value.trim()}”`;
      this.list.append(li);
      this.open();
      return;
    }
    this.hits.forEach((hit, i) => {
      const li = document.createElement("li");
      li.id = `${this.list.id}-${i}`;
      li.dataset.index = String(i);
      li.dataset.id = hit.entity.id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = kindStyle[hit.entity.kind].colour;
      swatch.setAttribute("aria-hidden", "true");
      const name = document.createElement("span");
      name.className = "hit-name";
      name.textContent = hit.entity.name;
      const meta = document.createElement("span");
      meta.className = "hit-meta";
      const parts: string[] = [kindStyle[hit.entity.kind].label];
      const dates = period(hit.entity.validFrom, hit.entity.validTo);
      if (dates) parts.push(dates);
      if (hit.matched !== hit.entity.name) parts.push(`matched “${hit.matched}”`);
      meta.textContent = parts.join(" · ");
      li.append(swatch, name, meta);
      this.list.append(li);
    });
    this.open();
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.hits.length;
    switch (e.key) {
      case "ArrowDown":
        if (this.list.hidden && n > 0) this.open();
        if (n > 0) this.move((this.active + 1) % n);
        e.preventDefault();
        break;
      case "ArrowUp":
        if (n > 0) this.move((this.active - 1 + n) % n);
        e.preventDefault();
        break;
      case "Enter":
        if (!this.list.hidden && n > 0) {
          this.pick(this.active >= 0 ? this.active : 0);
          e.preventDefault();
        }
        break;
      case "Escape":
        if (!this.list.hidden) {
          this.close();
          e.preventDefault();
        }
        break;
    }
  }

  private move(i: number): void {
    const items = this.list.querySelectorAll<HTMLLIElement>("li[data-index]");
    items.forEach((li, j) => li.setAttribute("aria-selected", String(i === j)));
    this.active = i;
    const li = items[i];
    if (li) {
      this.input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    }
  }

  private pick(i: number): void {
    const hit = this.hits[i];
    if (!hit) return;
    this.set(hit.entity);
    this.options.onSelect(hit.entity);
  }

  private open(): void {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
