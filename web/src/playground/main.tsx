import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import "./playground.css";

import { explorerPlugin } from "@graphiql/plugin-explorer";
import { GraphiQL } from "graphiql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { examples } from "./examples";
import { examplesPlugin } from "./ExamplesPlugin";
import { graphqlFetcher } from "./fetcher";

// The API is on the same origin as the page, whatever host and port the
// server was started on.
const fetcher = graphqlFetcher(new URL("/graphql", window.location.href).toString());
const plugins = [examplesPlugin(examples), explorerPlugin()];

function Playground() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={examples.map((ex) => ({ query: ex.query }))}
      defaultEditorToolsVisibility={false}
    >
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
