package httpapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadTokens(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(file, []byte("# writers\n\nfile-token-0123456789abcdef\n  second-token-0123456789abc  \n"), 0o600)
	got, err := ReadTokens("env-token-0123456789abcdef", file)
	if err != nil || strings.Join(got, ",") != "env-token-0123456789abcdef,file-token-0123456789abcdef,second-token-0123456789abc" {
		t.Errorf("tokens %q, %v", got, err)
	}
	for _, tt := range []struct{ env, content, want string }{
		{"short", "", "CHANCERY_TOKEN: a token must be at least 16"},
		{"", "# only a comment\n", "holds no token"},
		{"", "ok-token-0123456789abcdef\nshort\n", "tokens:2: a token must be at least 16"},
	} {
		name := ""
		if tt.content != "" {
			name = filepath.Join(t.TempDir(), "tokens")
			os.WriteFile(name, []byte(tt.content), 0o600)
		}
		if _, err := ReadTokens(tt.env, name); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %q, file %q: %v; want an error saying %q", tt.env, tt.content, err, tt.want)
		}
	}
	if _, err := ReadTokens("", filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "cannot read the token file") {
		t.Errorf("a missing token file: %v", err)
	}
}
