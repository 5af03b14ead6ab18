// Package web holds Chancery's pages, the GraphiQL playground, /explore
// and /dashboard, and serves them from the binary.
//
// The pages are TypeScript in src/, built by Vite from this folder into
// dist/app, which is embedded here. The build is committed, so a checkout
// (and a module that go install downloads) holds the pages: go build,
// go run and go install need no Node. After changing what they are built
// from (src/, the .html files, vite.config.ts or the npm packages of
// package.json and package-lock.json), rebuild them with
//
//	go generate ./web
//
// from the repository's root and commit dist/app with the change. It runs
// npm ci and npm run build here, which need Node 20.19 or later and the npm
// packages of package-lock.json: from the registry the first time, from
// npm's cache after, without a network. The build is reproducible, and CI
// fails if the committed one differs from what these sources build.
package web

import (
	"embed"
	"io/fs"
)

//go:generate npm ci --prefer-offline --no-audit --no-fund --loglevel=error
//go:generate npm run build

// dist is the build output, dist/app, and dist/README.md, which says what
// dist/app is.
//
//go:embed all:dist
var dist embed.FS

// BuildCommand is the command, run from the repository's root, that
// rebuilds the pages into dist/app from their sources, for the binary's next
// build and for committing with a change to the sources.
const BuildCommand = "go generate ./web"

// App is the built pages: index.html (the playground), explore.html,
// dashboard.html and assets/. It holds nothing if dist/app was missing
// from the tree the binary was built from.
func App() fs.FS {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		// fs.Sub fails only on a malformed path, and this one is constant.
		panic(err)
	}
	return app
}
