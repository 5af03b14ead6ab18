package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chancery/chancery/store"
	"github.com/chancery/chancery/store/storetest"
)

// TestServeWithTheDiskNearlyFull serves a data directory on a small disk
// and fills the disk: /readyz turns 503 and says why, a mutation is
// refused with UNAVAILABLE and what to do, queries are still answered,
// and once space is freed the server is ready and writes again.
func TestServeWithTheDiskNearlyFull(t *testing.T) {
	const token = "disk-token-0123456789abcdef"
	disk := storetest.SmallDisk(t, "900m")
	p := startServe(t, map[string]string{"CHANCERY_TOKEN": token}, "--data", filepath.Join(disk, "data"))
	readyz := func() (int, string) {
		resp, err := http.Get(p.url + "readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := readyz(); code != http.StatusOK {
		t.Fatalf("readyz with room on the disk: %d %s", code, body)
	}

	unfill := storetest.Fill(t, disk, store.DefaultMinFree-100<<20)
	if code, body := readyz(); code != http.StatusServiceUnavailable || !strings.Contains(body, "MiB free") {
		t.Errorf("readyz with the disk nearly full: %d %q; want 503 saying how much is free", code, body)
	}
	err := upsertCity(p.url+"graphql", token, "city:refused")
	if err == nil || !strings.Contains(err.Error(), "UNAVAILABLE") || !strings.Contains(err.Error(), "free some space") {
		t.Errorf("a mutation with the disk nearly full: %v; want UNAVAILABLE and what to do", err)
	}
	r, _ := p.post(t, `{ entity(id: "country:cuba") { name } }`, "")
	if len(r.Errors) > 0 || r.Data["entity"].(map[string]any)["name"] != "Cuba" {
		t.Errorf("a query with the disk nearly full: %+v", r)
	}

	unfill()
	if code, body := readyz(); code != http.StatusOK {
		t.Errorf("readyz once space is freed: %d %s", code, body)
	}
	if err := upsertCity(p.url+"graphql", token, "city:written"); err != nil {
		t.Errorf("a mutation once space is freed: %v", err)
	}
}
