package schema

import (
	"fmt"
	"sync"
	"testing"
)

// TestDocumentsAreReadOnce holds the cost model to reading a document's
// text once: the same text and operation are taken from the documents
// read before, while another operation, other limits or a document that
// was refused are read again.
func TestDocumentsAreReadOnce(t *testing.T) {
	m, err := newCostModel()
	if err != nil {
		t.Fatal(err)
	}
	l := Limits{}.withDefaults()
	const q = `query A($id: ID!) { entity(id: $id) { name } } query B { entities(first: 2) { totalCount } }`
	read := func(op string, l Limits) *readDocument {
		t.Helper()
		rd, _, r := m.readDocument(Request{Query: q, OperationName: op}, l)
		if r != nil {
			t.Fatalf("operation %s refused: %s", op, r.errs[0].Message)
		}
		m.read.Wait() // ristretto keeps what it is given a moment later
		return rd
	}
	a := read("A", l)
	if again := read("A", l); again != a {
		t.Error("the same text and operation were read again")
	}
	if b := read("B", l); b == a || b.op.Name != "B" {
		t.Errorf("operation B was answered with A's document (%s)", b.op.Name)
	}
	other := l
	other.MaxCost = l.MaxCost / 2
	if rd := read("A", other); rd == a {
		t.Error("a document read under other limits was taken for these")
	}

	tooMany := `{ entity(id: "country:cuba") { ` + repeat("a%d: name ", l.MaxAliases+1) + "} }"
	for i := range 2 {
		rd, _, r := m.readDocument(Request{Query: tooMany}, l)
		if r == nil || r.reason != ReasonAliases || rd == nil {
			t.Fatalf("read %d of a document with too many aliases: %v, %v", i+1, rd, r)
		}
		m.read.Wait()
	}
}

// TestReadDocumentsAreShared runs one document with many variables at
// once: the document read once is shared, and each request must get the
// answer to its own variables (the race detector watches the sharing).
func TestReadDocumentsAreShared(t *testing.T) {
	m, err := newCostModel()
	if err != nil {
		t.Fatal(err)
	}
	l := Limits{}.withDefaults()
	const q = `query Page($n: Int!) { entities(first: $n) { edges { node { id } } } }`
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			n := 1 + i%20
			_, c, r := m.check(Request{Query: q, Variables: map[string]any{"n": n}}, l)
			if r != nil {
				t.Errorf("n=%d refused: %s", n, r.errs[0].Message)
				return
			}
			_, want, _ := m.check(Request{Query: fmt.Sprintf(`query Page { entities(first: %d) { edges { node { id } } } }`, n)}, l)
			if c.cost != want.cost {
				t.Errorf("n=%d: estimated %.0f with the shared document, %.0f with the number written in", n, c.cost, want.cost)
			}
		})
	}
	wg.Wait()
}

func repeat(format string, n int) string {
	s := ""
	for i := range n {
		s += fmt.Sprintf(format, i)
	}
	return s
}
