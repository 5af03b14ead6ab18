import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// Three pages, each its own entry: the playground at /, /explore and
// /dashboard. The output goes to dist/app, which web/embed.go embeds into
// the binary. dist/app is committed, and CI checks that a build from
// package-lock.json gives it byte for byte, so the build must not depend on
// the machine, the path or the time (as Vite's does not).
export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: resolve(root, "dist/app"),
    emptyOutDir: true,
    // Every asset is a file of its own under assets/, named by its hash,
    // so the server can let browsers keep them for good.
    assetsDir: "assets",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      onwarn(warning, warn) {
        // React Compiler's "use no memo" at the top of GraphiQL's modules
        // means nothing to a bundler; dropping it changes nothing.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.id?.includes("/node_modules/")) {
          return;
        }
        warn(warning);
      },
      input: {
        playground: resolve(root, "index.html"),
        explore: resolve(root, "explore.html"),
        dashboard: resolve(root, "dashboard.html"),
      },
    },
  },
  worker: { format: "es" },
  server: {
    // `npm run dev` serves the pages with hot reload and sends API calls
    // to a chancery serve on its default address.
    proxy: { "/graphql": "http://localhost:8080" },
  },
});
