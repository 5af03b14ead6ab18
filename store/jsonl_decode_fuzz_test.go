package store_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/chancery/chancery/graph/jsonl"
	"github.com/chancery/chancery/store"
)

// FuzzDecodeJSONLineAgrees holds store.DecodeJSONLine, the fast decoder
// imports read JSON Lines with, to reading every line as encoding/json
// does: a Reader with it and one without read the same entity or
// relation, field for field, or fail with the same message.
func FuzzDecodeJSONLineAgrees(f *testing.F) {
	for _, s := range []string{
		`{"entity":{"id":"country:a","kind":"COUNTRY","name":"A","validFrom":"1854","validTo":"1968","attributes":{"iso3":"QZQ"},"sources":[{"document":"D","quote":"q"}]}}`,
		`{"entity": {"id": "mission:a-in-b", "kind": "MISSION", "name": "Embassy of A in B", "aliases": ["A–B <&>"], "validFrom": "1994-09", "validTo": "2001-02-03", "missionType": "EMBASSY", "official": true, "attributes": {"wikidata": "Q1"}, "sources": [{"document": "D", "url": "https://example.org/", "quote": "q"}]}}`,
		`{"relation":{"id":"rel:4kadzg6erdoikhf3","type":"LOCATED_IN","from":"mission:m","to":"city:c","validFrom":"2012","open":true,"attestedFrom":"2024-06-30","sources":[{"document":"D"}]}}`,
		`{"relation": {"type": "PROTECTS", "from": "country:c", "to": "country:a", "context": "country:b", "validFrom": "1977", "role": "r", "note": "n", "sources": [{"document": "D"}]}}`,
		`{"entity": {"aliases": [], "attributes": {}, "sources": []}}`,
		`{"entity": {"aliases": null, "attributes": null, "sources": null, "validFrom": null}}`,
		`{"entity": {"validFrom": ""}}`,
		`{"entity": {"name": "\u2028\ud800\"\\"}}`,
		`{"entity": {"name": "\ud83d\ude00 \u00e9 \/"}}`,
		`{"ENTITY": {"ID": "country:a", "Name": "A"}}`,
		`{"entity": {"name": "a", "name": "b"}}`,
		`{"entity": {"id": "country:a"}, "relation": {"type": "SENT_BY"}}`,
		`{"relation": {"validFrom": "1994-13"}}`,
		`{"relation": {"open": 1}}`,
		`{"entity": {"official": "yes"}}`,
		`{"entity": {"colour": "red"}}`,
		`{"entity": {}} {"entity": {}}`,
		`{"entity": {}} x`,
		`{"entity": {}}}`,
		`{"entity": {"id": }`,
		`{"entity": {"attributes": {"a": 1}}}`,
		`{"entity": {"attributes": {"a": "1", "a": "2"}}}`,
		`{"entity": null}`,
		`{"entity": {"name": "a"`,
		`{}`, `[]`, `null`, `7`, `"x"`, "\xff\xfe", "{\"entity\": {\"name\": \"\xff\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := bytes.TrimSpace(data)
		if len(b) == 0 || bytes.ContainsAny(b, "\n\r") {
			return // not one line of the format
		}
		fast := jsonl.NewReaderWith(bytes.NewReader(b), "in.jsonl", store.DecodeJSONLine)
		defer fast.Close()
		std := jsonl.NewReader(bytes.NewReader(b), "in.jsonl")
		defer std.Close()
		ge, gr, gerr := fast.Next()
		we, wr, werr := std.Next()
		switch {
		case (gerr == nil) != (werr == nil):
			t.Fatalf("%q: with DecodeJSONLine %v, with encoding/json %v", b, gerr, werr)
		case gerr != nil && gerr.Error() != werr.Error():
			t.Fatalf("%q: with DecodeJSONLine %q, with encoding/json %q", b, gerr, werr)
		case !reflect.DeepEqual(ge, we) || !reflect.DeepEqual(gr, wr):
			t.Fatalf("%q: with DecodeJSONLine %+v %+v, with encoding/json %+v %+v", b, ge, gr, we, wr)
		}
	})
}
