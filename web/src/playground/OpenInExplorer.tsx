import { ToolbarButton, useGraphiQL } from "@graphiql/react";
import { useEffect, useState } from "react";
import { explorerLimit, explorerURL, resultIds } from "./result-ids";

/** idsInResponse reads the response pane and lists the entity and relation ids its JSON holds. */
function idsInResponse(text: string): string[] {
  try {
    return resultIds(JSON.parse(text) as unknown);
  } catch {
    return []; // empty, or still streaming in
  }
}

/**
 * OpenInExplorer is a toolbar button that opens the entities and relations
 * of the result shown in the explorer, in a new tab, drawn as they are.
 * It is disabled while the result holds none.
 */
export function OpenInExplorer() {
  const responseEditor = useGraphiQL((s) => s.responseEditor);
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    if (!responseEditor) return;
    const update = () => setIds(idsInResponse(responseEditor.getValue()));
    update();
    const sub = responseEditor.onDidChangeModelContent(update);
    return () => sub.dispose();
  }, [responseEditor]);
  const label =
    ids.length === 0
      ? "Open in the explorer: run a query whose result holds entity or relation ids"
      : `Open the ${Math.min(ids.length, explorerLimit)} entities and relations of the result in the explorer${
          ids.length > explorerLimit ? ` (the first ${explorerLimit} of ${ids.length})` : ""
        }`;
  return (
    <ToolbarButton
      label={label}
      disabled={ids.length === 0}
      data-open-explorer={ids.length}
      onClick={() => window.open(explorerURL(ids), "_blank", "noopener")}
    >
      <svg
        className="graphiql-toolbar-icon"
        viewBox="0 0 24 24"
        width="1em"
        height="1em"
        aria-hidden="true"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      >
        <circle cx="5" cy="12" r="2.5" />
        <circle cx="18" cy="5" r="2.5" />
        <circle cx="18" cy="19" r="2.5" />
        <path d="M7.2 10.9 15.8 6.1M7.2 13.1l8.6 4.8" />
      </svg>
    </ToolbarButton>
  );
}
