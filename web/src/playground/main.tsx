import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import "./playground.css";

import { explorerPlugin } from "@graphiql/plugin-explorer";
import { GraphiQL, HISTORY_PLUGIN } from "graphiql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { examples } from "./examples";
import { examplesPlugin } from "./ExamplesPlugin";
import { graphqlFetcher } from "./fetcher";
import { OpenInExplorer } from "./OpenInExplorer";

// The API is on the same origin as the page, whatever host and port the
// server was started on.
const fetcher = graphqlFetcher(new URL("/graphql", window.location.href).toString());
// GraphiQL keeps the history of queries run only while its history plugin
// is among the plugins given, so it is named here with ours.
const plugins = [examplesPlugin(examples), HISTORY_PLUGIN, explorerPlugin()];

// The query editor starts wider than the result, so that the examples'
// lines fit; a width the user dragged to is kept by GraphiQL under this key.
const editorWidthKey = "graphiql:editorFlex";
if (window.localStorage.getItem(editorWidthKey) === null) {
  window.localStorage.setItem(editorWidthKey, "1.8");
}

function Playground() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={examples.map((ex) => ({ query: ex.query }))}
      defaultEditorToolsVisibility={false}
    >
      <GraphiQL.Toolbar>
        {({ prettify, merge, copy }) => (
          <>
            {prettify}
            {merge}
            {copy}
            <OpenInExplorer />
          </>
        )}
      </GraphiQL.Toolbar>
      <GraphiQL.Logo>
        <span className="chancery-logo">
          Chancery
          <nav aria-label="Pages">
            <a href="/explore">Explore</a>
            <a href="/dashboard">Dashboard</a>
          </nav>
        </span>
      </GraphiQL.Logo>
    </GraphiQL>
  );
}

const root = document.getElementById("playground");
if (!root) {
  throw new Error('index.html has no element with id "playground" to render into');
}
createRoot(root).render(
  <StrictMode>
    <Playground />
  </StrictMode>,
);
