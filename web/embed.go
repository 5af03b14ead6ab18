// Package web holds Chancery's pages, the GraphiQL playground, /explore
// and /dashboard, and serves them from the binary.
//
// The pages are TypeScript, built by Vite from this folder into dist/app,
// which is embedded here; the build output is not committed. Build it with
//
//	go generate ./web
//
// before go build or go run. It runs npm ci and npm run build here, which
// need Node 20.19 or later and the npm packages of package-lock.json: from
// the registry the first time, from npm's cache after, without a network.
// The binary then needs nothing beyond itself. A binary built without the
// pages still serves the API, and its pages say how to build them.
package web

import (
	"embed"
	"io/fs"
)

//go:generate npm ci --prefer-offline --no-audit --no-fund --loglevel=error
//go:generate npm run build

// dist is the build output. dist/README.md is committed so that the
// pattern matches something before the first build.
//
//go:embed all:dist
var dist embed.FS

// BuildCommand is the command, run from the repository's root, that builds
// the pages into the binary's next build.
const BuildCommand = "go generate ./web"

// App is the built pages: index.html (the playground), explore.html,
// dashboard.html and assets/. Before a build it holds nothing.
func App() fs.FS {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		// fs.Sub fails only on a malformed path, and this one is constant.
		panic(err)
	}
	return app
}
