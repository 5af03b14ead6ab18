package store

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
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

// TestKeys_BuiltInKeysGo keeps the rule that every key and prefix is
// built by a named function of keys.go: outside it, no code of the
// package calls key, uses a prefix byte except to compare a key's first
// byte with it, or appends the separator or puts it in a byte slice.
func TestKeys_BuiltInKeysGo(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys, err := parser.ParseFile(fset, "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]bool{}
	for _, d := range keys.Decls {
		if d, ok := d.(*ast.GenDecl); ok && d.Tok == token.CONST {
			for _, s := range d.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if strings.HasPrefix(n.Name, "prefix") {
						prefixes[n.Name] = true
					}
				}
			}
		}
	}
	if !prefixes["prefixEntity"] || !prefixes["prefixCount"] {
		t.Fatalf("keys.go declares the prefix bytes %v; the check below expects prefixEntity and prefixCount among them", prefixes)
	}
	checked := 0
	for _, name := range files {
		if name == "keys.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, at := range keysBuiltIn(f, prefixes) {
			t.Errorf("%s: a key is built outside keys.go; add a function there that builds it", fset.Position(at))
		}
	}
	if checked == 0 {
		t.Fatal("no source files found to check")
	}
}

// keysBuiltIn returns where f builds a key: a call of key, a use of a
// prefix byte (one of prefixes) other than as an operand of == or != or a case of a
// switch, or the separator appended or in a composite literal.
func keysBuiltIn(f *ast.File, prefixes map[string]bool) []token.Pos {
	isPrefix := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && prefixes[id.Name]
	}
	isSep := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && id.Name == "sep"
	}
	compared := map[ast.Expr]bool{}
	var found []token.Pos
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				compared[n.X], compared[n.Y] = true, true
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				compared[e] = true
			}
		case *ast.CallExpr:
			if fn, ok := n.Fun.(*ast.Ident); ok {
				if fn.Name == "key" {
					found = append(found, n.Pos())
				}
				if fn.Name == "append" {
					for _, a := range n.Args {
						if isSep(a) {
							found = append(found, a.Pos())
						}
					}
				}
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				if isSep(e) {
					found = append(found, e.Pos())
				}
			}
		case ast.Expr:
			if isPrefix(n) && !compared[n] {
				found = append(found, n.Pos())
			}
		}
		return true
	})
	return found
}
