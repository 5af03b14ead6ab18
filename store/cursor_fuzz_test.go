package store

import (
	"strings"
	"testing"

	"github.com/chancery/chancery/graph"
)

// cursorSeeds are cursors this store writes, and near misses.
func cursorSeeds() []string {
	r := testRelation(graph.Protects, "country:switzerland", "country:united-states", "1977")
	undated := testRelation(graph.SentBy, "mission:a", "country:b", "")
	last := testRelation(graph.RelationTypes[len(graph.RelationTypes)-1], "country:a", "country:b", "9999-12-31")
	good := encodeCursor(sortKey(r))
	return []string{
		good, encodeCursor(sortKey(undated)), encodeCursor(sortKey(last)),
		encodeCursor([]byte("city:havana")), encodeCursor([]byte("country:united-states")),
		"", "A", "AA", "AAA", "AAAA", "====", good + "=", good + "\n", good[:len(good)-1] + "\n" + good[len(good)-1:],
		good[:len(good)-1], good + "A", strings.ToUpper(good), "Y2l0eTpoYXZhbmE=", "Y2l0eTpoYXZhbmF",
		encodeCursor([]byte("city:Havana")), encodeCursor([]byte("rel:abcdefghijklmnop")),
		encodeCursor(append([]byte{byte(len(graph.RelationTypes)), 0, 0, 0, 0}, r.ID...)),
		encodeCursor(append([]byte{0xff, 0, 0, 0, 0}, r.ID...)),
	}
}

// FuzzDecodeRelationCursor checks that decodeRelationCursor never panics,
// that it rejects with an EINVALID error that says what to do, and that a
// cursor it accepts is a sort key the store could have written, whose own
// cursor is the input: clients cannot make two cursors for one position.
func FuzzDecodeRelationCursor(f *testing.F) {
	for _, s := range cursorSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sk, err := decodeRelationCursor(s)
		if err != nil {
			checkCursorError(t, s, err)
			return
		}
		if len(sk) < 6 || int(sk[0]) >= len(graph.RelationTypes) || !graph.IsRelationID(string(sk[5:])) {
			t.Fatalf("decodeRelationCursor(%q) accepted %x, which is no sort key", s, sk)
		}
		if c := encodeCursor(sk); c != s {
			t.Fatalf("decodeRelationCursor(%q) = %x, whose cursor is %q", s, sk, c)
		}
	})
}

// FuzzDecodeEntityCursor checks decodeEntityCursor as
// FuzzDecodeRelationCursor checks relation cursors: an accepted cursor is
// a valid id whose own cursor is the input.
func FuzzDecodeEntityCursor(f *testing.F) {
	for _, s := range cursorSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := decodeEntityCursor(s)
		if err != nil {
			checkCursorError(t, s, err)
			return
		}
		if _, err := graph.ParseID(string(id)); err != nil {
			t.Fatalf("decodeEntityCursor(%q) accepted %q: %v", s, id, err)
		}
		if c := encodeCursor([]byte(id)); c != s {
			t.Fatalf("decodeEntityCursor(%q) = %q, whose cursor is %q", s, id, c)
		}
	})
}

func checkCursorError(t *testing.T, s string, err error) {
	t.Helper()
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), "endCursor") {
		t.Fatalf("cursor %q: error %v, want an EINVALID error that asks for an endCursor", s, err)
	}
}
