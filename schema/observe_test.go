package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/store/storetest"
)

// recordingObserver keeps what the schema tells it about one request, and
// counts the request's reads through the reader it hands back.
type recordingObserver struct {
	mu       sync.Mutex
	checks   []schema.Check
	answered []*schema.Response
	reads    atomic.Int64
}

func (o *recordingObserver) Checked(req schema.Request, c schema.Check) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.checks = append(o.checks, c)
}

func (o *recordingObserver) Answered(resp *schema.Response) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.answered = append(o.answered, resp)
}

func (o *recordingObserver) Reader(r graph.Reader) graph.Reader {
	return &countedReader{Reader: r, n: &o.reads}
}

func (o *recordingObserver) LogAttrs() []slog.Attr {
	return []slog.Attr{slog.String("request_id", "req-1")}
}

// countedReader counts the reads of entities, which every query of
// TestObserverSeesWhatExecDoes that runs makes.
type countedReader struct {
	graph.Reader
	n *atomic.Int64
}

func (c *countedReader) Entity(ctx context.Context, id graph.ID) (*graph.Entity, error) {
	c.n.Add(1)
	return c.Reader.Entity(ctx, id)
}

func (c *countedReader) EntitiesByID(ctx context.Context, ids []graph.ID) (map[graph.ID]*graph.Entity, error) {
	c.n.Add(1)
	return c.Reader.EntitiesByID(ctx, ids)
}

// TestObserverSeesWhatExecDoes checks the seam the transport observes a
// request through: the check's findings, the answer, the reads made
// through the observer's reader, and the request's id on every line
// logged with its context.
func TestObserverSeesWhatExecDoes(t *testing.T) {
	db := storetest.OpenSeeded(t, t.TempDir())
	api, err := schema.New(db, db, slog.New(slog.DiscardHandler), schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Ran", func(t *testing.T) {
		obs := &recordingObserver{}
		ctx := schema.WithObserver(t.Context(), obs)
		resp := api.Exec(ctx, schema.Request{Query: `query Cuba { entity(id: "country:cuba") { name } }`})
		if len(resp.Errors) > 0 {
			t.Fatalf("errors %+v", resp.Errors)
		}
		if len(obs.checks) != 1 || obs.checks[0].Operation != "Cuba" || !obs.checks[0].Estimated || obs.checks[0].Cost <= 0 || obs.checks[0].Refused != "" {
			t.Errorf("checks %+v; want one of operation Cuba, with an estimated cost, not refused", obs.checks)
		}
		if len(obs.answered) != 1 || obs.answered[0] != resp {
			t.Errorf("answered %v; want the response Exec returned", obs.answered)
		}
		if obs.reads.Load() == 0 {
			t.Error("no read went through the observer's reader")
		}
	})

	t.Run("Refused", func(t *testing.T) {
		obs := &recordingObserver{}
		ctx := schema.WithObserver(t.Context(), obs)
		q := `{ entity(id: "country:cuba") { ` + strings.Repeat("a: name ", schema.DefaultMaxAliases+1) + `} }`
		p, refused := api.Prepare(ctx, schema.Request{Query: q})
		if refused == nil || p == nil || len(obs.checks) != 1 || obs.checks[0].Refused != schema.ReasonAliases {
			t.Fatalf("refused %v, prepared %v, checks %+v; want a refusal for aliases, with the parsed request", refused, p, obs.checks)
		}
		if resp := api.Run(ctx, p); resp != refused || obs.reads.Load() != 0 {
			t.Errorf("running a refused request answered %v after %d reads; want the refusal, and no read", resp, obs.reads.Load())
		}
	})

	t.Run("LogsNameTheRequest", func(t *testing.T) {
		// The schema logs through a RequestLogger: lines logged within a
		// request carry what names it, and other lines nothing more.
		var logs bytes.Buffer
		log := schema.RequestLogger(slog.New(slog.NewJSONHandler(&logs, nil)))
		log.InfoContext(schema.WithObserver(t.Context(), &recordingObserver{}), "inside", "k", "v")
		log.InfoContext(t.Context(), "outside")
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("logged %q; want two lines", logs.String())
		}
		var inside, outside map[string]any
		json.Unmarshal([]byte(lines[0]), &inside)
		json.Unmarshal([]byte(lines[1]), &outside)
		if inside["request_id"] != "req-1" || inside["k"] != "v" {
			t.Errorf("line logged within the request: %s; want its request_id and its own attributes", lines[0])
		}
		if _, ok := outside["request_id"]; ok {
			t.Errorf("line logged outside any request: %s; want no request_id", lines[1])
		}
	})
}
