// One panel of the dashboard: a title, what it shows, the drawing, and the
// GraphQL queries behind it, ready to copy. Its data-state says where it
// is: loading, ready, empty (the API answered with nothing to show) or
// error (the API's message is shown in the panel).

import { describe, isAbort } from "../shared/graphql";

export interface ShownQuery {
  /** What the query is for, when a panel has several. */
  title?: string;
  /** The query, as it can be pasted into the playground. */
  text: string;
  /** How the panel uses the answer, when that is more than drawing it. */
  note?: string;
}

export type PanelState = "loading" | "ready" | "empty" | "error";

export class Panel {
  readonly section: HTMLElement;
  readonly body: HTMLDivElement;
  private readonly status: HTMLParagraphElement;
  private readonly queries: HTMLDivElement;
  private controller: AbortController | undefined;

  constructor(parent: HTMLElement, id: string, title: string, description: string, wide = false) {
    this.section = document.createElement("section");
    this.section.className = wide ? "panel wide" : "panel";
    this.section.id = `panel-${id}`;
    this.section.setAttribute("aria-labelledby", `panel-${id}-title`);
    const h = document.createElement("h2");
    h.id = `panel-${id}-title`;
    h.textContent = title;
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = description;
    this.status = document.createElement("p");
    this.status.className = "panel-status";
    this.status.setAttribute("role", "status");
    this.body = document.createElement("div");
    this.body.className = "panel-body";
    const details = document.createElement("details");
    details.className = "query";
    const summary = document.createElement("summary");
    summary.textContent = "GraphQL query";
    this.queries = document.createElement("div");
    details.append(summary, this.queries);
    this.section.append(h, p, this.status, this.body, details);
    parent.append(this.section);
    this.set("loading");
  }

  get state(): PanelState {
    return this.section.dataset.state as PanelState;
  }

  private set(state: PanelState, message = ""): void {
    this.section.dataset.state = state;
    this.section.setAttribute("aria-busy", String(state === "loading"));
    this.status.textContent = message;
    this.status.classList.toggle("error", state === "error");
    this.status.setAttribute("role", state === "error" ? "alert" : "status");
  }

  /** showQueries shows the queries behind the panel, each with a button that copies it. */
  showQueries(queries: readonly ShownQuery[]): void {
    this.queries.replaceChildren(
      ...queries.map((q) => {
        const box = document.createElement("div");
        box.className = "query-box";
        if (q.title) {
          const t = document.createElement("h3");
          t.textContent = q.title;
          box.append(t);
        }
        const pre = document.createElement("pre");
        const code = document.createElement("code");
        code.textContent = q.text;
        pre.append(code);
        pre.tabIndex = 0;
        const copy = document.createElement("button");
        copy.type = "button";
        copy.textContent = "Copy query";
        copy.addEventListener("click", () => void copyText(q.text, pre, copy));
        box.append(pre, copy);
        if (q.note) {
          const n = document.createElement("p");
          n.className = "hint";
          n.textContent = q.note;
          box.append(n);
        }
        return box;
      }),
    );
  }

  /**
   * load runs work, which fetches and draws, and sets the panel's state
   * from how it went: work returns false when there was nothing to show.
   * A load started while another runs cancels the first.
   */
  async load(work: (signal: AbortSignal, progress: (message: string) => void) => Promise<boolean>): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.set("loading", "Loading…");
    try {
      const any = await work(controller.signal, (message) => {
        if (!controller.signal.aborted) this.status.textContent = message;
      });
      if (controller.signal.aborted) return;
      this.set(any ? "ready" : "empty", any ? "" : "Nothing to show for this date.");
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this.body.replaceChildren();
      this.set("error", describe(err));
    }
  }
}

async function copyText(text: string, pre: HTMLPreElement, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    // Without clipboard access, select the text for the user to copy.
    const range = document.createRange();
    range.selectNodeContents(pre);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    button.textContent = "Selected: press Ctrl+C";
  }
  window.setTimeout(() => (button.textContent = "Copy query"), 2000);
}
