package backup

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTokenFromFileSkipsCommentsAndBlankLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte("# admin\n\n  s3cret-token-0123456789  \nother-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(string) string { return "from-env" }
	tok, from, err := Token(file, env)
	if err != nil || tok != "s3cret-token-0123456789" || from != file {
		t.Errorf("Token(file) = %q, %q, %v; want the file's first token", tok, from, err)
	}
	tok, from, err = Token("", env)
	if err != nil || tok != "from-env" || from != "CHANCERY_TOKEN" {
		t.Errorf("Token(env) = %q, %q, %v", tok, from, err)
	}
	// A token no server would accept is refused before any request.
	if err := os.WriteFile(file, []byte("# admin\nshort\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Token(file, env); err == nil || !strings.Contains(err.Error(), file+":2: a token must be at least") {
		t.Errorf("a file with a short token: %v", err)
	}
	if err := os.WriteFile(file, []byte("# only a comment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Token(file, env); err == nil || !strings.Contains(err.Error(), "holds no token") {
		t.Errorf("a file without a token: %v", err)
	}
}

func TestStatusSaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		code int
		ct   string
		body string
		want string
	}{
		{http.StatusOK, "text/html", "<html>", "not a backup; is a chancery server listening there?"},
		{http.StatusForbidden, "application/json", `{"error":"token not admin"}`, "refused the admin token from CHANCERY_TOKEN: token not admin; check the token"},
		{http.StatusServiceUnavailable, "application/json", `{"error":"no admin tokens"}`, "takes no backups over HTTP: no admin tokens"},
		{http.StatusNotFound, "text/plain", "404", "has no backup endpoint"},
		{http.StatusTeapot, "text/plain", "", "answered 418 I'm a teapot: 418 I'm a teapot"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tc.ct)
			w.WriteHeader(tc.code)
			w.Write([]byte(tc.body))
		}))
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		err = status(resp, srv.URL, "CHANCERY_TOKEN")
		resp.Body.Close()
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("answer %d: %v; want it to contain %q", tc.code, err, tc.want)
		}
	}
}
