package jsonl

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestFastDecoder holds a Reader to what its fast decoder is for: lines
// it takes are read from it, and lines it refuses are read by
// encoding/json, with encoding/json's messages.
func TestFastDecoder(t *testing.T) {
	const input = `{"entity": {"id": "country:a", "kind": "COUNTRY", "name": "A"}}
{"relation": {"type": "SENT_BY", "from": "mission:m", "to": "country:a"}}
{"entity": {"colour": "red"}}
`
	read := func(fast Decoder) (names []string, err error) {
		r := NewReaderWith(strings.NewReader(input), "in.jsonl", fast)
		defer r.Close()
		for {
			e, rel, err := r.Next()
			if err != nil {
				return names, err
			}
			if e != nil {
				names = append(names, e.Name)
			} else {
				names = append(names, string(rel.Type))
			}
		}
	}
	wantNames, wantErr := read(nil)
	if len(wantNames) != 2 || wantErr == nil || !strings.Contains(wantErr.Error(), "in.jsonl:3") {
		t.Fatalf("encoding/json read %v, %v", wantNames, wantErr)
	}

	refusing := 0
	names, err := read(func([]byte, any) error { refusing++; return errors.New("no") })
	if refusing != 3 || !reflect.DeepEqual(names, wantNames) || err.Error() != wantErr.Error() {
		t.Errorf("a decoder that refuses every line: asked %d times, read %v, %v; want %v, %v", refusing, names, err, wantNames, wantErr)
	}

	// A fast decoder's answer is the one read: here one that renames.
	renaming := func(b []byte, v any) error {
		l, err := decodeLineStd(bytes.ReplaceAll(b, []byte(`"A"`), []byte(`"Fast A"`)))
		if err != nil {
			return err
		}
		*(v.(*line)) = l
		return nil
	}
	if names, _ := read(renaming); len(names) == 0 || names[0] != "Fast A" {
		t.Errorf("the fast decoder's lines were not the ones read: %v", names)
	}
}
