package jsonl_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/jsonl"
)

var src = []graph.Source{{Document: "Test fixture", Quote: "made up for a test"}}

func TestRoundTrip(t *testing.T) {
	e := &graph.Entity{ID: "mission:a-in-b", Kind: graph.Mission, Name: "Embassy of A in B", Aliases: []string{"A–B <&>"},
		MissionType: graph.Embassy, Official: true, Attributes: map[string]string{"wikidata": "Q1"}, Sources: src,
		Period: graph.Period{From: graph.MustDate("1994-09"), To: graph.MustDate("2001-02-03")}}
	r := &graph.Relation{Type: graph.Protects, From: "country:c", To: "country:a", Context: "country:b",
		Period: graph.Period{From: graph.MustDate("1977")}, Note: "a note", Sources: src}
	r.Normalize()
	var buf bytes.Buffer
	w := jsonl.NewWriter(&buf)
	if err := w.Entity(e); err != nil {
		t.Fatal(err)
	}
	if err := w.Relation(r); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("%d lines, want 2:\n%s", n, buf.String())
	}
	rd := jsonl.NewReader(&buf, "t.jsonl")
	e2, r2, err := rd.Next()
	if err != nil || r2 != nil || !reflect.DeepEqual(e2, e) {
		t.Errorf("line 1: %+v %+v %v, want %+v", e2, r2, err, e)
	}
	e3, r3, err := rd.Next()
	if err != nil || e3 != nil || !reflect.DeepEqual(r3, r) {
		t.Errorf("line 2: %+v %+v %v, want %+v", e3, r3, err, r)
	}
	if _, _, err := rd.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last line: %v, want io.EOF", err)
	}
}

func TestReaderErrors(t *testing.T) {
	const entity = `{"entity": {"id": "country:a", "kind": "COUNTRY", "name": "A", "sources": [{"document": "D"}]}}`
	for _, tt := range []struct {
		name, input string
		want        string // in the message, after "f.jsonl:<line>: "
		line        int
	}{
		{"Malformed", entity + "\n{\"entity\": {\"id\": }\n", "not valid JSON", 2},
		{"TruncatedLastLine", entity + "\n" + entity[:40], "ends in the middle", 2},
		{"UnknownField", `{"entity": {"id": "country:a", "colour": "red"}}`, `unknown field "colour"`, 1},
		{"UnknownTopLevel", `{"node": {}}`, `unknown field "node"`, 1},
		{"Neither", `{}`, `neither "entity" nor "relation"`, 1},
		{"Both", `{"entity": {"id": "country:a"}, "relation": {"type": "SENT_BY"}}`, "both an entity and a relation", 1},
		{"WrongType", `{"entity": {"id": 7}}`, `field "entity.id" should be a graph.ID`, 1},
		{"BadDate", `{"relation": {"validFrom": "1994-13"}}`, "1994-13", 1},
		{"TwoValues", entity + " " + entity, "more than one JSON value", 1},
		{"BlankLinesCount", "\n\n{}", "neither", 3},
		{"TooLong", `{"entity": {"name": "` + strings.Repeat("x", 5<<20) + `"}}`, "longer than", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rd := jsonl.NewReader(strings.NewReader(tt.input), "f.jsonl")
			var err error
			for err == nil {
				_, _, err = rd.Next()
			}
			if errors.Is(err, io.EOF) {
				t.Fatal("read to the end without an error")
			}
			prefix := "f.jsonl:" + strconv.Itoa(tt.line) + ": "
			if msg := graph.ErrorMessage(err); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q; want it to start %q and say %q", msg, prefix, tt.want)
			}
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Errorf("code %s, want %s", graph.ErrorCode(err), graph.EINVALID)
			}
		})
	}
}
