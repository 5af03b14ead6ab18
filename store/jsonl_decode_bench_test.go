package store_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/graph/synth"
	"github.com/chancery/chancery/store"
)

// BenchmarkDecodeJSONLines reads the JSON Lines of a synthetic world of
// 20,000 relations with encoding/json alone and with the store's decoder,
// which imports use, on every core as a Reader does; ns/line is what one
// line costs.
//
//	go test -run '^$' -bench DecodeJSONLines -count 6 ./store/
func BenchmarkDecodeJSONLines(b *testing.B) {
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	lines := 0
	err := synth.Generate(context.Background(), synth.Options{Relations: 20000, Seed: 1}, func(it synth.Item) error {
		lines++
		if it.Entity != nil {
			return w.Entity(it.Entity)
		}
		return w.Relation(it.Relation)
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for _, bc := range []struct {
		name string
		fast jsonl.Decoder
	}{{"EncodingJSON", nil}, {"Store", store.DecodeJSONLine}} {
		b.Run(bc.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				r := jsonl.NewReaderWith(bytes.NewReader(data), "world.jsonl", bc.fast)
				for {
					if _, _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
				r.Close()
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*lines), "ns/line")
		})
	}
}
