package httpapi

import "net/http"

// uiRoutes are the paths of the pages and of their files, which
// HandlerOptions.UI serves. Each is a route of its own, so that metrics
// and logs name it, and a path no route serves stays "unmatched".
var uiRoutes = []string{
	"GET /{$}",       // the GraphiQL playground
	"GET /explore",   // the graph explorer
	"GET /dashboard", // the dashboard
	"GET /assets/",   // their scripts, styles, fonts and workers
}

// mountUI routes the pages to ui, if there is one.
func mountUI(mux *http.ServeMux, ui http.Handler) {
	if ui == nil {
		return
	}
	for _, pattern := range uiRoutes {
		mux.Handle(pattern, ui)
	}
}
