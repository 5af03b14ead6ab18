package schema_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/store/storetest"
)

// BenchmarkExec times what the schema spends on one request, from the
// query's text to the encoded answer's data, without HTTP: the shapes a
// dashboard and the explorer ask most, on the curated seeds. Each shape
// runs one request at a time, and then 32 at once (Parallel, as chancery
// bench's concurrency 32), where the time per request is the inverse of
// the requests answered a second on every core together. cpu-ns/op is
// the processor time the process spent a request, garbage collection
// included: on a machine busy with other work it swings less than the
// time on the clock.
//
//	go test -run XXX -bench Exec -count 6 ./schema/
func BenchmarkExec(b *testing.B) {
	db := storetest.OpenSeeded(b, "")
	s, err := schema.New(db, db, nil, schema.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"Neighbourhood", `query N($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 500) {
			nodes { id kind name } relations { id type from { id } to { id } } truncated } }`,
			map[string]any{"id": "country:united-states"}},
		{"Entity20Relations", `query E($id: ID!) { entity(id: $id) { id kind name
			relations(first: 20) { edges { node { id type validFrom validTo from { id kind name } to { id kind name } } } } } }`,
			map[string]any{"id": "country:united-states"}},
	} {
		req := schema.Request{Query: bc.query, Variables: bc.vars}
		if resp := s.Exec(context.Background(), req); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				s.Exec(context.Background(), req)
			}
		})
		b.Run(bc.name+"/Parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
			defer reportCPU(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s.Exec(context.Background(), req)
				}
			})
		})
	}
}

// reportCPU notes the processor time the process has used, and returns
// what reports the time used since, a run of the benchmark, as cpu-ns/op.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() {
		b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// cpuTime is the processor time, user and system, the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
