package store

import (
	"bytes"
	"testing"

	"github.com/chancery/chancery/graph"
)

func testRelation(t graph.RelationType, from, to, validFrom string) *graph.Relation {
	r := &graph.Relation{Type: t, From: graph.ID(from), To: graph.ID(to)}
	if validFrom != "" {
		r.Period.From = graph.MustDate(validFrom)
	}
	r.Normalize()
	return r
}

func TestKeys_PrefixIsolation(t *testing.T) {
	short := testRelation(graph.SentBy, "mission:a", "country:cuba", "1990")
	long := testRelation(graph.SentBy, "mission:a", "country:cuba-libre", "1990")
	prefix := adjacencyTypePrefix("country:cuba", graph.SentBy, dirIn)
	if !bytes.HasPrefix(adjacencyKey("country:cuba", dirIn, short), prefix) {
		t.Error("an adjacency key does not start with its own prefix")
	}
	if bytes.HasPrefix(adjacencyKey("country:cuba-libre", dirIn, long), prefix) {
		t.Error("country:cuba's prefix matches country:cuba-libre's keys")
	}
	if bytes.HasPrefix(adjacencyKey("country:cuba", dirOut, short), prefix) {
		t.Error("the in-prefix matches an out key")
	}
	if bytes.HasPrefix(entityKey("country:cuba-libre"), append(entityKey("country:cuba"), sep)) {
		t.Error("entity keys are not separated")
	}
	if bytes.HasPrefix(nameKey("cuba libre", "country:x"), namePrefix("cuba")) {
		t.Error("the name prefix of 'cuba' matches the name 'cuba libre'")
	}
	// Type indexes 1 and 10 must not share a prefix, as "3" once matched "32".
	if bytes.HasPrefix(typePrefix(graph.RelationTypes[10]), typePrefix(graph.RelationTypes[1])) {
		t.Error("type prefixes overlap")
	}
}

func TestKeys_RoundTrip(t *testing.T) {
	r := testRelation(graph.Protects, "country:switzerland", "country:united-states", "1977")
	if got := nameKeyID(nameKey("schweiz", "country:switzerland")); got != "country:switzerland" {
		t.Errorf("nameKeyID = %q", got)
	}
	c := encodeCursor(sortKey(r))
	sk, err := decodeRelationCursor(c)
	if err != nil || !bytes.Equal(sk, sortKey(r)) {
		t.Errorf("relation cursor round trip: %x, %v", sk, err)
	}
	id, err := decodeEntityCursor(encodeCursor([]byte("city:havana")))
	if err != nil || id != "city:havana" {
		t.Errorf("entity cursor round trip: %q, %v", id, err)
	}
	k := adjacencyKey("country:switzerland", dirOut, r)
	if !bytes.HasSuffix(k, sortKey(r)[1:]) {
		t.Error("an adjacency key does not end with the relation's sort key")
	}
}

func TestKeys_SortOrder(t *testing.T) {
	older := testRelation(graph.SentBy, "mission:a", "country:b", "1977")
	newer := testRelation(graph.SentBy, "mission:c", "country:b", "2015-07-20")
	undated := testRelation(graph.SentBy, "mission:d", "country:b", "")
	laterType := testRelation(graph.AccreditsTo, "mission:e", "country:b", "2020")
	order := [][]byte{sortKey(newer), sortKey(older), sortKey(undated), sortKey(laterType)}
	for i := 1; i < len(order); i++ {
		if bytes.Compare(order[i-1], order[i]) >= 0 {
			t.Errorf("sort key %d does not sort before %d", i-1, i)
		}
	}
}
