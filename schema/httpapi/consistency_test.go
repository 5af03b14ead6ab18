package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// TestReadYourWrites holds the data version headers to their word: every
// answer says the version it was read at, a mutation's the version after
// its write, and a request that asks for at least a version is answered
// once the data has it, refused as STALE if it does not come in time, and
// refused outright if the header is not a version.
func TestReadYourWrites(t *testing.T) {
	// The wait is long enough for any machine to make the write a
	// request waits for; the refusal of a version that never comes is
	// tested on a server of its own that waits a moment.
	s := schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}, ResponseCacheBytes: 1 << 20,
		MinVersionWait: time.Minute})
	impatient := schematest.NewServerWith(t, httpapi.HandlerOptions{MinVersionWait: 200 * time.Millisecond})
	post := func(header map[string]string, query string) (*http.Response, map[string]any) {
		t.Helper()
		return postTo(t, s, header, query)
	}
	versionOf := func(resp *http.Response) uint64 {
		t.Helper()
		v, err := strconv.ParseUint(resp.Header.Get(httpapi.HeaderDataVersion), 10, 64)
		if err != nil {
			t.Fatalf("the answer's %s is %q", httpapi.HeaderDataVersion, resp.Header.Get(httpapi.HeaderDataVersion))
		}
		return v
	}
	const read = `{ entity(id: "city:thun") { name } }`
	write := func() uint64 {
		t.Helper()
		resp, out := post(map[string]string{"Authorization": "Bearer " + schematest.Token},
			`mutation { applyChanges(changes: {upsertEntities: [{id: "city:thun", kind: CITY, name: "Thun",
			  sources: [{document: "Test fixture", quote: "Thun is on the lake."}]}]}) { dataVersion } }`)
		v := versionOf(resp)
		if got := schematest.At(out["data"], "applyChanges", "dataVersion"); got != strconv.FormatUint(v, 10) {
			t.Fatalf("the mutation's header says version %d, its answer %v", v, got)
		}
		return v
	}

	resp, _ := post(nil, read)
	before := versionOf(resp)
	for range 3 { // answered from the response cache, the header is still there
		if resp, _ := post(nil, read); versionOf(resp) != before {
			t.Fatalf("with no write between them, answers say versions %d and %d", before, versionOf(resp))
		}
	}
	written := write()
	if written <= before {
		t.Fatalf("the write's version %d is not after %d", written, before)
	}

	t.Run("AtLeastAVersionItHas", func(t *testing.T) {
		resp, out := post(map[string]string{httpapi.HeaderMinDataVersion: strconv.FormatUint(written, 10)}, read)
		if resp.StatusCode != http.StatusOK || versionOf(resp) < written || schematest.At(out["data"], "entity", "name") != "Thun" {
			t.Errorf("status %d, version %s, answer %v", resp.StatusCode, resp.Header.Get(httpapi.HeaderDataVersion), out)
		}
	})
	t.Run("ANewerOneIsWaitedFor", func(t *testing.T) {
		done := make(chan uint64, 1)
		go func() {
			time.Sleep(100 * time.Millisecond)
			done <- write()
		}()
		resp, out := post(map[string]string{httpapi.HeaderMinDataVersion: strconv.FormatUint(written+1, 10)}, read)
		next := <-done
		if resp.StatusCode != http.StatusOK || versionOf(resp) < next || out["errors"] != nil {
			t.Errorf("asked for version %d, written during the wait as %d: status %d, version %s, %v",
				written+1, next, resp.StatusCode, resp.Header.Get(httpapi.HeaderDataVersion), out)
		}
	})
	t.Run("OneThatDoesNotComeIsStale", func(t *testing.T) {
		start := time.Now()
		resp, out := postTo(t, impatient, map[string]string{httpapi.HeaderMinDataVersion: "999999"}, read)
		msg, _ := schematest.At(out["errors"], 0, "message").(string)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
			schematest.At(out["errors"], 0, "extensions", "code") != httpapi.CodeStale || !strings.Contains(msg, "999999") || out["data"] != nil {
			t.Errorf("status %d, Retry-After %q, %v", resp.StatusCode, resp.Header.Get("Retry-After"), out)
		}
		if waited := time.Since(start); waited < 200*time.Millisecond {
			t.Errorf("refused after %s, before the wait of 200ms", waited)
		}
	})
	t.Run("NotAVersion", func(t *testing.T) {
		resp, out := post(map[string]string{httpapi.HeaderMinDataVersion: "yesterday"}, read)
		msg, _ := schematest.At(out["errors"], 0, "message").(string)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, `"yesterday"`) {
			t.Errorf("status %d, %v", resp.StatusCode, out)
		}
	})
}

// postTo posts query to s's /graphql with the given headers and returns
// the response and its decoded body.
func postTo(t *testing.T, s *schematest.Server, header map[string]string, query string) (*http.Response, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp, out
}
