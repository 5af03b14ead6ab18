package jsonl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
)

// errorStart is how every error of a Reader named "f.jsonl" starts.
var errorStart = regexp.MustCompile(`^f\.jsonl:[1-9][0-9]*: `)

// FuzzReader checks that a Reader never panics on any bytes, that each of
// its errors is EINVALID and starts with "f.jsonl:<line>: ", that the line
// numbers it reports only grow, and that what it reads, written by a Writer
// and read again, is what it read.
func FuzzReader(f *testing.F) {
	const entity = `{"entity": {"id": "mission:a-in-b", "kind": "MISSION", "name": "Embassy of A in B", "aliases": ["A–B <&>"], "validFrom": "1994-09", "validTo": "2001-02-03", "missionType": "EMBASSY", "official": true, "attributes": {"wikidata": "Q1"}, "sources": [{"document": "D", "url": "https://example.org/", "quote": "q"}]}}`
	const relation = `{"relation": {"type": "PROTECTS", "from": "country:c", "to": "country:a", "context": "country:b", "validFrom": "1977", "role": "r", "note": "n", "sources": [{"document": "D"}]}}`
	for _, s := range []string{
		entity + "\n" + relation + "\n",
		"\n\n" + relation + "\r\n" + entity,
		`{"relation": {"id": "rel:aaaaaaaaaaaaaaaa", "type": "SENT_BY"}}`,
		`{"entity": {"aliases": [], "attributes": {}, "sources": []}}`,
		`{"entity": {"aliases": null, "attributes": null, "sources": null, "validFrom": null}}`,
		`{"entity": {"validFrom": ""}}`,
		`{"entity": {"name": "\u2028\ud800\"\\"}}`,
		`{"ENTITY": {"ID": "country:a", "Name": "A"}}`,
		`{"entity": {"name": "a", "name": "b"}}`,
		`{"entity": {"id": "country:a"}, "relation": {"type": "SENT_BY"}}`,
		`{"relation": {"validFrom": "1994-13"}}`,
		`{"entity": {"official": "yes"}}`,
		`{"entity": {"colour": "red"}}`,
		`{"entity": {}} {"entity": {}}`,
		`{"entity": {"id": }`,
		`{"entity": null}`,
		`{}`, `[]`, `null`, `7`, `"x"`, "\xff\xfe", "{\"entity\": {\"name\": \"\xff\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var entities []*graph.Entity
		var relations []*graph.Relation
		rd := jsonl.NewReader(bytes.NewReader(data), "f.jsonl")
		last := 0
		for {
			e, r, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if rd.Line() < last {
				t.Fatalf("the line went back from %d to %d", last, rd.Line())
			}
			last = rd.Line()
			if err != nil {
				msg := graph.ErrorMessage(err)
				if graph.ErrorCode(err) != graph.EINVALID || !errorStart.MatchString(msg) || strings.Contains(msg, "chancery: ") {
					t.Fatalf("error %v: want an EINVALID error starting with the file and line, with no error code inside", err)
				}
				break
			}
			if (e == nil) == (r == nil) {
				t.Fatalf("line %d gave entity %v and relation %v; want exactly one", rd.Line(), e, r)
			}
			if e != nil {
				entities = append(entities, e)
			} else {
				relations = append(relations, r)
			}
		}
		var buf bytes.Buffer
		w := jsonl.NewWriter(&buf)
		for _, e := range entities {
			if err := w.Entity(e); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range relations {
			if err := w.Relation(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		rd = jsonl.NewReader(bytes.NewReader(buf.Bytes()), "f.jsonl")
		for i := range len(entities) + len(relations) {
			e, r, err := rd.Next()
			if err != nil {
				t.Fatalf("line %d of what the Writer wrote: %v\n%s", i+1, err, buf.Bytes())
			}
			want, got := any(nil), any(nil)
			if i < len(entities) {
				want, got = entities[i], e
			} else {
				want, got = relations[i-len(entities)], r
			}
			if !sameJSON(t, got, want) {
				t.Fatalf("line %d reads back as %s, want %s", i+1, mustJSON(t, got), mustJSON(t, want))
			}
		}
		if _, _, err := rd.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("after what the Writer wrote: %v, want io.EOF", err)
		}
	})
}

// sameJSON compares values by their JSON, the format's own equality: a
// nil and an empty list of aliases are both written as nothing.
func sameJSON(t *testing.T, a, b any) bool {
	return bytes.Equal(mustJSON(t, a), mustJSON(t, b))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
