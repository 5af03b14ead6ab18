package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chancery/chancery/graph"
)

// readAll reads r to its end or first error, returning the lines of the
// items it read and the error.
func readAll(r *Reader) (items []string, err error) {
	for {
		e, rel, err := r.Next()
		if errors.Is(err, io.EOF) {
			return items, nil
		} else if err != nil {
			return items, err
		}
		v := any(e)
		if e == nil {
			v = rel
		}
		items = append(items, fmt.Sprintf("%d %+v", r.Line(), v))
	}
}

// readOneByOne is what a Reader reads, decoding the lines one by one with
// encoding/json alone, in the order of the input.
func readOneByOne(input, name string) (items []string, err error) {
	sc := bufio.NewScanner(strings.NewReader(input))
	sc.Buffer(nil, maxLine)
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		l, err := decodeLineStd(b)
		switch {
		case err != nil:
			return items, graph.Errorf(graph.EINVALID, "%s:%d: %s", name, n, err)
		case (l.Entity == nil) == (l.Relation == nil):
			return items, graph.Errorf(graph.EINVALID, "%s:%d: not one entity or relation", name, n)
		}
		v := any(l.Entity)
		if l.Entity == nil {
			v = l.Relation
		}
		items = append(items, fmt.Sprintf("%d %+v", n, v))
	}
	if sc.Err() != nil {
		return items, graph.Errorf(graph.EINVALID, "%s:%d: the line is longer than %d bytes", name, n+1, maxLine)
	}
	return items, nil
}

// TestReaderAcrossBatches reads inputs of many batches, with blank lines
// and one bad line at random places, and holds the Reader, which decodes
// the batches on every core, to hand out what decoding the lines one by
// one gives, line numbers and all, and to stop at the bad line with its
// number.
func TestReaderAcrossBatches(t *testing.T) {
	const entity = `{"entity":{"id":"country:a%d","kind":"COUNTRY","name":"A %d","sources":[{"document":"D"}]}}`
	const relation = `{"relation":{"type":"SENT_BY","from":"mission:m%d","to":"country:a%d","validFrom":"1990"}}`
	bad := []string{`{"entity": {"id": }`, `{"entity": {"colour": "red"}}`, `{}`, `{"relation": {"validFrom": "1994-13"}}`,
		`{"entity": {"name": "` + strings.Repeat("x", maxLine) + `"}}`}
	rng := rand.New(rand.NewPCG(5, 8))
	for trial := range 20 {
		var b strings.Builder
		lines := 1 + rng.IntN(5*batchLines)
		badAt := -1
		if trial%4 != 0 {
			badAt = 1 + rng.IntN(lines)
		}
		for n := 1; n <= lines; n++ {
			switch {
			case n == badAt:
				b.WriteString(bad[rng.IntN(len(bad))])
			case rng.IntN(10) == 0:
				b.WriteString("  ")
			case n%3 == 0:
				fmt.Fprintf(&b, relation, n, n)
			default:
				fmt.Fprintf(&b, entity, n, n)
			}
			b.WriteString("\n")
		}
		input := b.String()
		r := NewReader(strings.NewReader(input), "f.jsonl")
		got, gerr := readAll(r)
		want, werr := readOneByOne(input, "f.jsonl")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: read %d items, want %d; the first that differ: %v", trial, len(got), len(want), firstDiff(got, want))
		}
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("trial %d: error %v, want %v", trial, gerr, werr)
		}
		if werr != nil {
			prefix := strings.SplitAfterN(graph.ErrorMessage(werr), ": ", 2)[0]
			if !strings.HasPrefix(graph.ErrorMessage(gerr), prefix) || graph.ErrorCode(gerr) != graph.EINVALID {
				t.Fatalf("trial %d: error %v; want an EINVALID error starting %q", trial, gerr, prefix)
			}
			// The input cannot be read past a line too long: Next says so
			// again.
			if _, _, again := r.Next(); strings.Contains(gerr.Error(), "longer than") && again == nil {
				t.Fatalf("trial %d: after the input failed, Next read on", trial)
			}
		} else if r.Line() != lines {
			t.Fatalf("trial %d: at the end Line is %d, want %d", trial, r.Line(), lines)
		}
		r.Close()
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " | " + b[i]
		}
	}
	return "one is longer"
}

// TestReaderCloseEndsItsGoroutines stops Readers part-way, by Close and
// by dropping them, and checks that their goroutines end.
func TestReaderCloseEndsItsGoroutines(t *testing.T) {
	const entity = `{"entity":{"id":"country:a","kind":"COUNTRY","name":"A"}}` + "\n"
	input := strings.Repeat(entity, 50*batchLines)
	before := runtime.NumGoroutine()
	for i := range 10 {
		r := NewReader(strings.NewReader(input), "f.jsonl")
		if _, _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			r.Close()
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines are left of Readers stopped part-way (%d before)", n-before, before)
	}
}
