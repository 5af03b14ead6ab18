package schema_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/schema/schematest"
)

// writeServer is a server over a seeded store that accepts schematest.Token.
type writeServer struct {
	*schematest.Server
	t *testing.T
}

func newWriteServer(t *testing.T) *writeServer {
	return &writeServer{Server: schematest.NewServerWith(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}}), t: t}
}

// write sends a mutation with the token and returns the answer.
func (s *writeServer) write(query string, vars map[string]any) *schematest.Result {
	s.t.Helper()
	r, status := s.PostWith(s.t, "Bearer "+schematest.Token, query, vars)
	if status != http.StatusOK {
		s.t.Fatalf("status %d, errors %+v", status, r.Errors)
	}
	return r
}

// version is the store's data version.
func (s *writeServer) version() uint64 {
	s.t.Helper()
	v, err := s.Reader.Version(s.t.Context())
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

// exists reports whether the store holds the entity id.
func (s *writeServer) exists(id string) bool {
	s.t.Helper()
	_, err := s.Reader.Entity(s.t.Context(), graph.ID(id))
	if err != nil && !graph.IsNotFound(err) {
		s.t.Fatal(err)
	}
	return err == nil
}

// relationExists reports whether the store holds the relation id.
func (s *writeServer) relationExists(id string) bool {
	s.t.Helper()
	_, err := s.Reader.Relation(s.t.Context(), id)
	if err != nil && !graph.IsNotFound(err) {
		s.t.Fatal(err)
	}
	return err == nil
}

// city is an EntityInput for a city.
func city(id, name string) map[string]any {
	return map[string]any{"id": id, "kind": "CITY", "name": name,
		"sources": []any{map[string]any{"document": "Test fixture"}}}
}

// locatedIn is a RelationInput placing from in to.
func locatedIn(from, to string) map[string]any {
	return map[string]any{"type": "LOCATED_IN", "from": from, "to": to,
		"sources": []any{map[string]any{"document": "Test fixture"}}}
}

const upsertAndAdd = `mutation($e: EntityInput!, $r: RelationInput!) {
  upsertEntity(input: $e) { id name }
  addRelation(input: $r) { id } }`

// TestMutationFieldsStandOnTheirOwn sends requests with several mutation
// fields of which one fails: the others' answers stand, the failing one
// is null with an error whose path names it, and what the others wrote
// stays written.
func TestMutationFieldsStandOnTheirOwn(t *testing.T) {
	s := newWriteServer(t)

	t.Run("TheIssue", func(t *testing.T) {
		// A valid upsertEntity and an addRelation to an entity that does
		// not exist: the entity is stored, and the answer says so.
		before := s.version()
		r := s.write(upsertAndAdd, map[string]any{"e": city("city:thun", "Thun"), "r": locatedIn("city:thun", "country:atlantis")})
		if schematest.At(r.Data, "upsertEntity", "id") != "city:thun" || schematest.At(r.Data, "upsertEntity", "name") != "Thun" {
			t.Errorf("data %v; want upsertEntity's answer", r.Data)
		}
		if v, ok := r.Data["addRelation"]; !ok || v != nil {
			t.Errorf("data %v; want addRelation present and null", r.Data)
		}
		if len(r.Errors) != 1 || r.Code(0) != schema.CodeInvalid || !slices.Equal(r.Errors[0].Path, []any{"addRelation"}) ||
			!strings.Contains(r.Errors[0].Message, "country:atlantis") {
			t.Errorf("errors %+v; want one INVALID at path [addRelation] naming country:atlantis", r.Errors)
		}
		if !s.exists("city:thun") {
			t.Error("the entity upsertEntity answered with is not stored")
		}
		if after := s.version(); after != before+1 {
			t.Errorf("data version %d -> %d; want one write", before, after)
		}
	})

	t.Run("AsApplicationGraphQLResponse", func(t *testing.T) {
		// With data in the answer, the status is 200 in this media type
		// too: the request ran, and one field of it failed.
		vars := map[string]any{"e": city("city:spiez", "Spiez"), "r": locatedIn("city:spiez", "country:atlantis")}
		r, status := s.PostHeader(t, map[string]string{
			"Accept": "application/graphql-response+json", "Authorization": "Bearer " + schematest.Token}, upsertAndAdd, vars)
		if status != http.StatusOK || schematest.At(r.Data, "upsertEntity", "id") != "city:spiez" || len(r.Errors) != 1 {
			t.Errorf("status %d, data %v, errors %+v", status, r.Data, r.Errors)
		}
	})

	t.Run("AFailureDoesNotStopTheFieldsAfterIt", func(t *testing.T) {
		before := s.version()
		r := s.write(`mutation($r: RelationInput!, $e: EntityInput!, $ok: RelationInput!) {
		  bad: addRelation(input: $r) { id }
		  upsertEntity(input: $e) { id }
		  good: addRelation(input: $ok) { id from { name } } }`,
			map[string]any{"r": locatedIn("city:brienz", "country:switzerland"), "e": city("city:brienz", "Brienz"),
				"ok": locatedIn("city:brienz", "country:switzerland")})
		if v, ok := r.Data["bad"]; !ok || v != nil {
			t.Errorf("data %v; want bad present and null", r.Data)
		}
		// The relation written after the entity sees it, under the name
		// it was just given.
		if schematest.At(r.Data, "upsertEntity", "id") != "city:brienz" || schematest.At(r.Data, "good", "from", "name") != "Brienz" {
			t.Errorf("data %v; want the upsert and the good relation", r.Data)
		}
		if len(r.Errors) != 1 || !slices.Equal(r.Errors[0].Path, []any{"bad"}) || !strings.Contains(r.Errors[0].Message, "city:brienz") {
			t.Errorf("errors %+v; want one at path [bad]", r.Errors)
		}
		if after := s.version(); after != before+2 {
			t.Errorf("data version %d -> %d; want the two writes that succeeded", before, after)
		}
	})

	t.Run("LaterFieldsReadEarlierWrites", func(t *testing.T) {
		// The first field reads Brienz, the second renames it: the third
		// reads it again as renamed, not as the request first saw it.
		withYear := locatedIn("city:brienz", "country:switzerland")
		withYear["validFrom"] = "1900"
		r := s.write(`mutation($e: EntityInput!, $r: RelationInput!, $r2: RelationInput!) {
		  first: addRelation(input: $r) { from { name } }
		  upsertEntity(input: $e) { id }
		  then: addRelation(input: $r2) { from { name } } }`,
			map[string]any{"r": locatedIn("city:brienz", "country:switzerland"), "e": city("city:brienz", "Brienz BE"), "r2": withYear})
		if len(r.Errors) > 0 || schematest.At(r.Data, "first", "from", "name") != "Brienz" || schematest.At(r.Data, "then", "from", "name") != "Brienz BE" {
			t.Errorf("data %v, errors %+v; want Brienz, then Brienz BE", r.Data, r.Errors)
		}
	})

	t.Run("ADeletionRefused", func(t *testing.T) {
		r := s.write(`mutation { deleteEntity(id: "country:switzerland") renamed: upsertEntity(input: {id: "city:thun", kind: CITY, name: "Thoune",
		  sources: [{document: "Test fixture"}]}) { name } }`, nil)
		if v, ok := r.Data["deleteEntity"]; !ok || v != nil || schematest.At(r.Data, "renamed", "name") != "Thoune" {
			t.Errorf("data %v; want deleteEntity null and the rename", r.Data)
		}
		if len(r.Errors) != 1 || r.Code(0) != schema.CodeConflict || !slices.Equal(r.Errors[0].Path, []any{"deleteEntity"}) {
			t.Errorf("errors %+v; want one CONFLICT at path [deleteEntity]", r.Errors)
		}
		if !s.exists("country:switzerland") {
			t.Error("the refused deletion deleted")
		}
	})

	t.Run("NothingToDeleteIsFalseNotAnError", func(t *testing.T) {
		r := s.write(`mutation { deleteEntity(id: "city:nowhere") deleteRelation(id: "rel:aaaaaaaaaaaaaaaa") }`, nil)
		if len(r.Errors) > 0 || r.Data["deleteEntity"] != false || r.Data["deleteRelation"] != false {
			t.Errorf("data %v, errors %+v; want false and false", r.Data, r.Errors)
		}
	})
}

const applyChanges = `mutation($c: ChangeSetInput!) { applyChanges(changes: $c) {
  entities { id name } relations { id type from { id } to { id } } deletedRelations deletedEntities dataVersion } }`

// TestApplyChanges writes change sets: all of a set in one step of the
// data version, or, when any item is refused, nothing, with an error that
// names the item.
func TestApplyChanges(t *testing.T) {
	s := newWriteServer(t)

	var placed []string // the ids of the relations AllGood adds
	t.Run("AllGood", func(t *testing.T) {
		before := s.version()
		r := s.write(applyChanges, map[string]any{"c": map[string]any{
			"upsertEntities": []any{city("city:thun", "Thun"), city("city:spiez", "Spiez")},
			"addRelations":   []any{locatedIn("city:thun", "country:switzerland"), locatedIn("city:spiez", "country:switzerland")},
		}})
		if len(r.Errors) > 0 {
			t.Fatalf("errors %+v", r.Errors)
		}
		res := schematest.At(r.Data, "applyChanges")
		if schematest.At(res, "entities", 0, "id") != "city:thun" || schematest.At(res, "entities", 1, "name") != "Spiez" {
			t.Errorf("entities %v", schematest.At(res, "entities"))
		}
		for i, from := range []string{"city:thun", "city:spiez"} {
			id, _ := schematest.At(res, "relations", i, "id").(string)
			if !graph.IsRelationID(id) || schematest.At(res, "relations", i, "from", "id") != from || !s.relationExists(id) {
				t.Errorf("relation %d: %v; want one from %s, stored", i, schematest.At(res, "relations", i), from)
			}
			placed = append(placed, id)
		}
		if d, e := schematest.At(res, "deletedRelations").([]any), schematest.At(res, "deletedEntities").([]any); len(d) != 0 || len(e) != 0 {
			t.Errorf("deleted %v and %v; want nothing", d, e)
		}
		after := s.version()
		if after != before+1 || schematest.At(res, "dataVersion") != strconv.FormatUint(after, 10) {
			t.Errorf("data version %d -> %d, answered %v; want one step, answered", before, after, schematest.At(res, "dataVersion"))
		}
		if !s.exists("city:thun") || !s.exists("city:spiez") {
			t.Error("the entities are not stored")
		}
	})

	// refused sends a change set that must be refused for its item list[index],
	// and checks that nothing was written.
	refused := func(t *testing.T, changes map[string]any, code, list string, index int, want ...string) *schematest.Result {
		t.Helper()
		before := s.version()
		r := s.write(applyChanges, map[string]any{"c": changes})
		if v, ok := r.Data["applyChanges"]; !ok || v != nil {
			t.Errorf("data %v; want applyChanges null", r.Data)
		}
		if len(r.Errors) != 1 {
			t.Fatalf("errors %+v; want one", r.Errors)
		}
		e := r.Errors[0]
		where := fmt.Sprintf("changes.%s[%d]", list, index)
		if r.Code(0) != code || !slices.Equal(e.Path, []any{"applyChanges"}) || !strings.HasPrefix(e.Message, where) ||
			!strings.HasSuffix(e.Message, "nothing in the change set was written") {
			t.Errorf("error %+v; want %s at path [applyChanges], starting %q", e, code, where)
		}
		for _, w := range want {
			if !strings.Contains(e.Message, w) {
				t.Errorf("error %q does not say %q", e.Message, w)
			}
		}
		item, _ := e.Extensions["item"].(map[string]any)
		if item["list"] != list || item["index"] != float64(index) {
			t.Errorf("extensions %v; want item {list: %s, index: %d}", e.Extensions, list, index)
		}
		if after := s.version(); after != before {
			t.Errorf("a refused change set moved the data version %d -> %d", before, after)
		}
		return r
	}

	t.Run("OneBadRelation", func(t *testing.T) {
		r := refused(t, map[string]any{
			"upsertEntities": []any{city("city:interlaken", "Interlaken")},
			"addRelations": []any{locatedIn("city:interlaken", "country:switzerland"), locatedIn("city:interlaken", "country:atlantis"),
				locatedIn("city:thun", "country:switzerland")},
		}, schema.CodeInvalid, "addRelations", 1, "country:atlantis", "(rel:")
		// The item's id is the one the relation would have had.
		id, _ := r.Errors[0].Extensions["item"].(map[string]any)["id"].(string)
		if !graph.IsRelationID(id) || !strings.Contains(r.Errors[0].Message, id) {
			t.Errorf("extensions %v; want the relation's id, as the message gives it", r.Errors[0].Extensions)
		}
		if s.exists("city:interlaken") {
			t.Error("the entity of a refused change set was written")
		}
		d := s.MustData(t, `{ entity(id: "country:switzerland") { relations(types: [LOCATED_IN], direction: IN, first: 500) { edges { node { from { id } } } } } }`, nil)
		for _, e := range schematest.At(d, "entity", "relations", "edges").([]any) {
			if schematest.At(e, "node", "from", "id") == "city:interlaken" {
				t.Error("a relation of a refused change set was written")
			}
		}
	})

	t.Run("EachPart", func(t *testing.T) {
		mission := map[string]any{"id": "mission:x", "kind": "MISSION", "name": "X", "sources": []any{map[string]any{"document": "Test fixture"}}}
		refused(t, map[string]any{"upsertEntities": []any{city("city:meiringen", "Meiringen"), mission}},
			schema.CodeInvalid, "upsertEntities", 1, "(mission:x)", "missionType")
		refused(t, map[string]any{"upsertEntities": []any{city("Not An Id", "X")}},
			schema.CodeInvalid, "upsertEntities", 0, "changes.upsertEntities[0].id")
		refused(t, map[string]any{"upsertEntities": []any{city("city:meiringen", "Meiringen"), city("city:meiringen", "Meiringen")}},
			schema.CodeInvalid, "upsertEntities", 1, "twice")
		refused(t, map[string]any{"upsertEntities": []any{city("city:meiringen", "Meiringen")}, "addRelations": []any{locatedIn("city:meiringen", "no id")}},
			schema.CodeInvalid, "addRelations", 0, "changes.addRelations[0].to")
		refused(t, map[string]any{"upsertEntities": []any{city("city:meiringen", "Meiringen")}, "deleteRelations": []any{placed[0], "rel:aaaaaaaaaaaaaaaa"}},
			schema.CodeNotFound, "deleteRelations", 1, "rel:aaaaaaaaaaaaaaaa")
		refused(t, map[string]any{"deleteRelations": []any{"country:cuba"}},
			schema.CodeInvalid, "deleteRelations", 0, "not a relation id")
		refused(t, map[string]any{"deleteEntities": []any{"city:spiez", "city:nowhere"}, "cascade": true},
			schema.CodeNotFound, "deleteEntities", 1, "(city:nowhere)")
		refused(t, map[string]any{"deleteEntities": []any{"city:thun"}},
			schema.CodeConflict, "deleteEntities", 0, "(city:thun)", "cascade")
		for _, id := range append([]string{}, placed...) {
			if !s.relationExists(id) {
				t.Errorf("relation %s was deleted by a refused change set", id)
			}
		}
		if s.exists("city:meiringen") || !s.exists("city:spiez") {
			t.Error("a refused change set wrote")
		}
	})

	t.Run("Empty", func(t *testing.T) {
		r := s.write(applyChanges, map[string]any{"c": map[string]any{}})
		if len(r.Errors) != 1 || r.Code(0) != schema.CodeInvalid || !strings.Contains(r.Errors[0].Message, "empty") {
			t.Errorf("errors %+v; want INVALID saying the set is empty", r.Errors)
		}
	})

	t.Run("DeletionsAndCascade", func(t *testing.T) {
		// Thun's relation is named; Spiez's goes with Spiez, by cascade.
		// In the same set a new town is placed where Thun was.
		before := s.version()
		r := s.write(applyChanges, map[string]any{"c": map[string]any{
			"deleteRelations": []any{placed[0], placed[0]},
			"deleteEntities":  []any{"city:spiez"},
			"cascade":         true,
			"upsertEntities":  []any{city("city:oberhofen", "Oberhofen")},
			"addRelations":    []any{locatedIn("city:oberhofen", "country:switzerland")},
		}})
		if len(r.Errors) > 0 {
			t.Fatalf("errors %+v", r.Errors)
		}
		res := schematest.At(r.Data, "applyChanges")
		if got := jsonOf(t, schematest.At(res, "deletedRelations")); got != jsonOf(t, placed) {
			t.Errorf("deletedRelations %s; want the named one, then the cascade's: %v", got, placed)
		}
		if got := jsonOf(t, schematest.At(res, "deletedEntities")); got != `["city:spiez"]` {
			t.Errorf("deletedEntities %s", got)
		}
		for _, id := range placed {
			if s.relationExists(id) {
				t.Errorf("relation %s is still stored", id)
			}
		}
		if s.exists("city:spiez") || !s.exists("city:thun") || !s.exists("city:oberhofen") {
			t.Error("want Spiez gone, Thun and Oberhofen stored")
		}
		if after := s.version(); after != before+1 || schematest.At(res, "dataVersion") != strconv.FormatUint(after, 10) {
			t.Errorf("data version %d -> %d, answered %v; want one step", before, after, schematest.At(res, "dataVersion"))
		}
	})

	t.Run("DeletingWhatTheSetAlsoWrites", func(t *testing.T) {
		// Deletions come first: an entity deleted with cascade and written
		// again in the same set is stored, without its old relations.
		r := s.write(applyChanges, map[string]any{"c": map[string]any{
			"deleteEntities": []any{"city:oberhofen"}, "cascade": true,
			"upsertEntities": []any{city("city:oberhofen", "Oberhofen am Thunersee")},
		}})
		if len(r.Errors) > 0 || len(schematest.At(r.Data, "applyChanges", "deletedRelations").([]any)) != 1 {
			t.Fatalf("data %v, errors %+v", r.Data, r.Errors)
		}
		d := s.MustData(t, `{ entity(id: "city:oberhofen") { name relations { totalCount } } }`, nil)
		if schematest.At(d, "entity", "name") != "Oberhofen am Thunersee" || schematest.At(d, "entity", "relations", "totalCount") != 0.0 {
			t.Errorf("after deleting and writing again: %v", d)
		}
	})

	t.Run("BesideAnotherField", func(t *testing.T) {
		// A change set refused in a request whose other field succeeds.
		r := s.write(`mutation($e: EntityInput!, $c: ChangeSetInput!) { upsertEntity(input: $e) { id } applyChanges(changes: $c) { dataVersion } }`,
			map[string]any{"e": city("city:hilterfingen", "Hilterfingen"),
				"c": map[string]any{"addRelations": []any{locatedIn("city:hilterfingen", "country:switzerland"), locatedIn("city:nowhere", "country:switzerland")}}})
		if schematest.At(r.Data, "upsertEntity", "id") != "city:hilterfingen" || len(r.Errors) != 1 || !slices.Equal(r.Errors[0].Path, []any{"applyChanges"}) {
			t.Errorf("data %v, errors %+v", r.Data, r.Errors)
		}
		if !s.exists("city:hilterfingen") {
			t.Error("the upsert beside a refused change set was not written")
		}
	})
}

// TestTotalCountAgreesWithItsPageUnderWrites reads pages that hold every
// match, with their totalCount, while change sets add and delete towns and
// relations that place a town in Switzerland from one year or another:
// each page has as many items as its total. The towns deleted are not
// the ones the relations place, whose ends every page resolves.
func TestTotalCountAgreesWithItsPageUnderWrites(t *testing.T) {
	const writes, live = 60, 5
	// The three readers ask costly pages at once; each gets a slot of
	// its own, so that a slow machine (or the race detector) never has
	// one refused as BUSY, which is not what this test is about.
	s := &writeServer{Server: schematest.NewServerWithLimits(t, httpapi.HandlerOptions{Tokens: []string{schematest.Token}},
		schema.Limits{MaxExpensive: 3}), t: t}
	if r := s.write(applyChanges, map[string]any{"c": map[string]any{"upsertEntities": []any{city("city:thun", "Thun")}}}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	placed := func(i int) map[string]any {
		r := locatedIn("city:thun", "country:switzerland")
		r["validFrom"] = strconv.Itoa(1500 + i)
		return r
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ids []any // the relations placed, to delete in turn
		for i := range writes {
			c := map[string]any{
				"upsertEntities": []any{city(fmt.Sprintf("city:churn-%d", i), fmt.Sprintf("Churn %d", i))},
				"addRelations":   []any{placed(i)},
			}
			if i >= live {
				c["deleteEntities"], c["deleteRelations"] = []any{fmt.Sprintf("city:churn-%d", i-live)}, ids[i-live:i-live+1]
			}
			r, _ := s.PostWith(t, "Bearer "+schematest.Token, applyChanges, map[string]any{"c": c})
			if len(r.Errors) > 0 {
				t.Errorf("write %d: %+v", i, r.Errors)
				return
			}
			ids = append(ids, schematest.At(r.Data, "applyChanges", "relations", 0, "id"))
		}
	}()
	queries := map[string]string{
		// An entity's first page, which is otherwise read for all its
		// siblings at once.
		"entity": `{ entity(id: "country:switzerland") { relations(types: [LOCATED_IN], direction: IN, first: 500) {
		  totalCount pageInfo { hasNextPage } edges { node { id } } } } }`,
		"relations": `{ relations(types: [LOCATED_IN], to: "country:switzerland", first: 500) {
		  totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
		"entities": `{ entities(kind: CITY, asOf: "2020", include: POSSIBLE, first: 500) {
		  totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
	}
	var checked atomic.Int64
	var wg sync.WaitGroup
	for name, q := range queries {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				r, _ := s.Post(t, q, nil)
				if len(r.Errors) > 0 {
					t.Errorf("%s: %+v", name, r.Errors)
					return
				}
				conn := schematest.At(r.Data, "relations")
				if name == "entity" {
					conn = schematest.At(r.Data, "entity", "relations")
				} else if name == "entities" {
					conn = schematest.At(r.Data, "entities")
				}
				edges, _ := schematest.At(conn, "edges").([]any)
				if schematest.At(conn, "pageInfo", "hasNextPage") != true && schematest.At(conn, "totalCount") != float64(len(edges)) {
					t.Errorf("%s: a page of all %d, with a totalCount of %v", name, len(edges), schematest.At(conn, "totalCount"))
					return
				}
				checked.Add(1)
			}
		})
	}
	wg.Wait()
	if checked.Load() < 10 {
		t.Errorf("only %d pages were read during the writes; the test needs more to mean anything", checked.Load())
	}
}
