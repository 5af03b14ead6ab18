import { useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from "@graphiql/react";
import type { Example } from "./examples";

/**
 * examplesPlugin lists the example questions in GraphiQL's sidebar. The
 * playground opens with each in a tab of its own, but GraphiQL keeps a
 * returning visitor's tabs instead, so this is how they get an example
 * back: choosing one switches to its tab if one holds it unchanged, or
 * opens it in a new tab, leaving the visitor's work alone.
 */
export function examplesPlugin(examples: readonly Example[]): GraphiQLPlugin {
  function ExamplesContent() {
    const tabs = useGraphiQL((s) => s.tabs);
    const queryEditor = useGraphiQL((s) => s.queryEditor);
    const actions = useGraphiQLActions();
    const open = (ex: Example) => {
      const i = tabs.findIndex((t) => t.query === ex.query);
      if (i >= 0) {
        actions.changeTab(i);
        return;
      }
      // addTab makes the new, empty tab the active one and fills the
      // editors from it at once, so the query goes into the new tab.
      actions.addTab();
      queryEditor?.setValue(ex.query);
    };
    return (
      <section className="chancery-examples" aria-label="Example questions">
        <div className="graphiql-doc-explorer-title">Examples</div>
        <p>Questions the default data answers. Choose one to open its query in a tab, then run it.</p>
        <ul>
          {examples.map((ex) => (
            <li key={ex.name}>
              <button type="button" onClick={() => open(ex)} data-example={ex.name}>
                <strong>{ex.name}</strong>
                <span>{ex.question}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  }
  function ExamplesIcon() {
    return (
      <svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path d="M5 4h11l3 3v13H5z" />
        <path d="M8 9h8M8 13h8M8 17h5" />
      </svg>
    );
  }
  return { title: "Examples", icon: ExamplesIcon, content: ExamplesContent };
}
