package store

// This file owns every key the store writes. Keys start with a one-byte
// prefix and the separator 0x00, and every variable-length part is followed
// by the separator too, so that one entity's prefix can never match another
// whose id merely starts the same way (ids never contain 0x00). Numbers are
// big-endian so that byte order is numeric order.
//
//	e 0 <entity id>                                    entity record
//	r 0 <relation id>                                  relation record
//	a 0 <entity id> 0 <type> <dir> <newest> <rel id>   adjacency: relation record
//	x 0 <context id> 0 <type> <newest> <rel id>        relations by context: relation id
//	t 0 <type> <newest> <rel id>                       relations by type: relation id
//	n 0 <folded name> 0 <entity id>                    name and alias index: empty
//	w 0 <folded word> 0 <entity id>                    words of names and aliases: empty
//	v 0 <folded word>                                  vocabulary: every word of a name: empty
//	q 0 <trigram> 0 <folded word>                      trigrams of the vocabulary's words: empty
//	c 0 <grouping> <level> <when> <bucket>             counts: a signed count
//	c 0 m <sender> 0 <host> 0 <mission id>             missions by sender and host: 1
//	c 0 g T <entity id>                                relations of an entity: a count
//	m 0 <name>                                         store metadata (the meta* names below)
//	d 0 <key>                                          a key a write deleted: its version and time (journal.go)
//
// <type> is the relation type's index in graph.RelationTypes, one byte.
// <dir> is 'o' for a relation leading out of the entity and 'i' for one
// leading in; symmetric relations are written both ways at both ends.
// <newest> is the bitwise complement of the validFrom day number, four bytes,
// so that an ascending scan lists the newest first and undated ones last.
//
// The counts index keeps the answers of count: for each grouping and
// bucket, how many items it has had over all history (level 'T', no
// <when>), and how many items start (+) and stop (-) holding on each day,
// summed at four levels of time so that the items holding on any day are a
// sum of a few hundred keys per bucket at most; tally.go keeps them and
// count.go reads them. Beside them,
// and changed with them, the pair index lists for each sender and host the
// missions ever both sent by the one and accredited to the other, and each
// entity's degree is counted.
//
// Every listing of relations orders by the same sort key, <type> <newest>
// <rel id>, and a page cursor is that sort key, so cursors stay valid
// whichever index answered the query.

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"

	"github.com/chancery/chancery/graph"
)

const sep = 0x00

const (
	prefixEntity    = 'e'
	prefixRelation  = 'r'
	prefixAdjacency = 'a'
	prefixContext   = 'x'
	prefixType      = 't'
	prefixName      = 'n'
	prefixWord      = 'w'
	prefixVocab     = 'v'
	prefixVocabGram = 'q'
	prefixMeta      = 'm'
	prefixCount     = 'c'
	prefixDeleted   = 'd'

	// prefixGramV3 held the trigrams of every entity's names,
	// g 0 <trigram> 0 <entity id>, up to index version 3; opening such a
	// store drops them.
	prefixGramV3 = 'g'
)

// The names of the store metadata keys (metaKey).
const (
	// metaVersion counts committed writes; it changes whenever the data
	// does.
	metaVersion = "version"
	metaSeeded  = "seeded" // what the store was filled with: Fill, Seed
	metaIndex   = "index"  // the indexVersion the store's indexes follow
	// metaImporting is set while a sorted load (sortload.go) writes the
	// store and removed when the import is done, so that an import cut
	// short by a crash is refused rather than served.
	metaImporting = "importing"
	// metaFilled is the data version a store's first fill left it at
	// (Fill, Seed). A store whose version has not moved past it holds
	// nothing but what it was filled with, which an import may rebuild
	// around (a sorted load, see writeImport). Stores seeded before it was
	// kept have none, and their seeding was their first write: version 1.
	metaFilled = "filled"
	// metaRestoring is set while Restore loads a backup into an emptied
	// store and removed when it is done, so that a restore cut short by a
	// crash is not mistaken for a store.
	metaRestoring = "restoring"
	// metaHistory names the history of writes a store's changes belong
	// to (journal.go): it changes whenever the store is written other than
	// by a transaction that journals its deletions, so that a replica
	// knows it cannot follow on from what it had.
	metaHistory = "history"
	// metaDeletedThrough is the highest data version whose deletions the
	// journal no longer lists all of (PruneDeletions).
	metaDeletedThrough = "deleted-through"
	// metaFollow is what a replica holds of the primary it follows
	// (FollowState); a primary has none.
	metaFollow = "follow"
)

const (
	dirOut = 'o'
	dirIn  = 'i'
)

func key(prefix byte, parts ...[]byte) []byte {
	n := 2
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	k = append(k, prefix, sep)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

func entityKey(id graph.ID) []byte { return key(prefixEntity, []byte(id)) }
func relationKey(id string) []byte { return key(prefixRelation, []byte(id)) }
func metaKey(name string) []byte   { return key(prefixMeta, []byte(name)) }

// deletedKey is the journal's entry for a deleted key k (journal.go).
func deletedKey(k []byte) []byte { return key(prefixDeleted, k) }
func deletedPrefix() []byte      { return key(prefixDeleted) }
func entityKindPrefix(k graph.Kind) []byte {
	if k == "" {
		return key(prefixEntity)
	}
	return key(prefixEntity, []byte(k.IDPrefix()))
}

// sortKey is the position of a relation in every listing: type, newest
// first, id.
func sortKey(r *graph.Relation) []byte {
	k := make([]byte, 0, 5+len(r.ID))
	k = append(k, byte(r.Type.Index()))
	k = binary.BigEndian.AppendUint32(k, ^r.Period.From.First())
	return append(k, r.ID...)
}

// typeSortKey is the sort key of a relation of type t whose sort key
// without its type byte is rest, as the keys of an index of type t end.
func typeSortKey(t graph.RelationType, rest []byte) []byte {
	return append([]byte{byte(t.Index())}, rest...)
}

func adjacencyTypePrefix(id graph.ID, t graph.RelationType, dir byte) []byte {
	return key(prefixAdjacency, []byte(id), []byte{sep, byte(t.Index()), dir})
}

// adjacencyPrefix matches every adjacency key of entity id.
func adjacencyPrefix(id graph.ID) []byte { return key(prefixAdjacency, []byte(id), []byte{sep}) }

// adjacencyKindPrefix matches the adjacency keys of every entity of kind k.
func adjacencyKindPrefix(k graph.Kind) []byte {
	return key(prefixAdjacency, []byte(k.IDPrefix()))
}

func adjacencyKey(id graph.ID, dir byte, r *graph.Relation) []byte {
	sk := sortKey(r)
	return append(adjacencyTypePrefix(id, r.Type, dir), sk[1:]...)
}

func contextTypePrefix(id graph.ID, t graph.RelationType) []byte {
	return key(prefixContext, []byte(id), []byte{sep, byte(t.Index())})
}

// contextPrefix matches the context index keys of the relations whose
// context is id.
func contextPrefix(id graph.ID) []byte { return key(prefixContext, []byte(id), []byte{sep}) }

func contextKey(r *graph.Relation) []byte {
	sk := sortKey(r)
	return append(contextTypePrefix(r.Context, r.Type), sk[1:]...)
}

func typePrefix(t graph.RelationType) []byte { return key(prefixType, []byte{byte(t.Index())}) }

func typeKey(r *graph.Relation) []byte { return key(prefixType, sortKey(r)) }

func namePrefix(folded string) []byte { return key(prefixName, []byte(folded), []byte{sep}) }

func nameKey(folded string, id graph.ID) []byte {
	return append(namePrefix(folded), id...)
}

// nameStartPrefix matches every name key whose folded name starts with
// folded: the search for names while they are typed.
func nameStartPrefix(folded string) []byte { return key(prefixName, []byte(folded)) }

func wordKey(word string, id graph.ID) []byte { return append(wordPrefix(word), id...) }

// wordStartPrefix matches every word key whose word starts with w.
func wordStartPrefix(w string) []byte { return key(prefixWord, []byte(w)) }

// wordPrefix matches the word keys of exactly one word.
func wordPrefix(w string) []byte { return key(prefixWord, []byte(w), []byte{sep}) }

func vocabKey(word string) []byte { return key(prefixVocab, []byte(word)) }

func vocabGramPrefix(gram string) []byte { return key(prefixVocabGram, []byte(gram), []byte{sep}) }

func vocabGramKey(gram, word string) []byte { return append(vocabGramPrefix(gram), word...) }

// vocabWordKeys are the keys that list word in the vocabulary: its own
// key, and one under each of its distinct trigrams.
func vocabWordKeys(word string) [][]byte {
	grams := distinct(trigrams(word))
	keys := make([][]byte, 0, 1+len(grams))
	keys = append(keys, vocabKey(word))
	for _, g := range grams {
		keys = append(keys, vocabGramKey(g, word))
	}
	return keys
}

// pairPrefix matches the pair index keys of the missions of sender in
// host (countPair).
func pairPrefix(sender, host graph.ID) []byte {
	return key(prefixCount, []byte{countPair}, []byte(sender), []byte{sep}, []byte(host), []byte{sep})
}

func pairKey(sender, host, mission graph.ID) []byte {
	return append(pairPrefix(sender, host), mission...)
}

// degreeKey is where the number of relations of id is counted
// (countDegree).
func degreeKey(id graph.ID) []byte {
	return key(prefixCount, []byte{countDegree, levelTotal}, []byte(id))
}

// countLevelPrefix is where a grouping's keys of one level start.
func countLevelPrefix(g, level byte) []byte { return key(prefixCount, []byte{g, level}) }

// countTotalKey is where the items a grouping's bucket has had over all
// history are counted.
func countTotalKey(g byte, bucket []byte) []byte {
	return key(prefixCount, []byte{g, levelTotal}, bucket)
}

// countChangeKeys returns the four keys a change on day holds under, or
// the one decade key of "before any date" for day 0 (an undated start).
func countChangeKeys(g byte, bucket []byte, day uint32) [][]byte {
	if day == 0 {
		return [][]byte{key(prefixCount, []byte{g, levelDecade, 0, 0}, bucket)}
	}
	y, m, d := graph.CivilOfDay(day)
	yb := binary.BigEndian.AppendUint16(nil, uint16(y))
	return [][]byte{
		key(prefixCount, []byte{g, levelDecade}, binary.BigEndian.AppendUint16(nil, decadeCode(y)), bucket),
		key(prefixCount, []byte{g, levelYear}, yb, bucket),
		key(prefixCount, []byte{g, levelMonth}, yb, []byte{byte(m)}, bucket),
		key(prefixCount, []byte{g, levelDay}, yb, []byte{byte(m), byte(d)}, bucket),
	}
}

// Each of these matches every key of one record set or index, for a scan
// or a drop of all of it.
func entityRecordsPrefix() []byte   { return key(prefixEntity) }
func relationRecordsPrefix() []byte { return key(prefixRelation) }
func adjacencyIndexPrefix() []byte  { return key(prefixAdjacency) }
func contextIndexPrefix() []byte    { return key(prefixContext) }
func typeIndexPrefix() []byte       { return key(prefixType) }
func nameIndexPrefix() []byte       { return key(prefixName) }
func wordIndexPrefix() []byte       { return key(prefixWord) }
func vocabIndexPrefix() []byte      { return key(prefixVocab) }
func vocabGramIndexPrefix() []byte  { return key(prefixVocabGram) }
func countIndexPrefix() []byte      { return key(prefixCount) }
func gramV3IndexPrefix() []byte     { return key(prefixGramV3) }

// idAfter returns the first id after id in byte order, which is where a
// scan of keys ending in ids goes on past id's: ids never hold the
// separator.
func idAfter(id []byte) []byte { return append(bytes.Clone(id), sep) }

// nameKeyID returns the entity id at the end of a name or word key.
func nameKeyID(k []byte) graph.ID {
	i := bytes.LastIndexByte(k, sep)
	return graph.ID(k[i+1:])
}

// A cursor is a listing position, opaque to clients: base64url of the sort
// key for relations, of the id for entities.
func encodeCursor(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// decodeCursor returns the bytes of a cursor, accepting only the one
// spelling encodeCursor writes: the decoder alone would also take line
// breaks and non-zero padding bits, giving one position many cursors.
func decodeCursor(s string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return b, err == nil && encodeCursor(b) == s
}

// decodeRelationCursor checks that s is a cursor this store wrote.
func decodeRelationCursor(s string) ([]byte, error) {
	b, ok := decodeCursor(s)
	if !ok || len(b) < 6 || int(b[0]) >= len(graph.RelationTypes) || !graph.IsRelationID(string(b[5:])) {
		return nil, graph.Errorf(graph.EINVALID, "cursor %q is not one this server issued; pass an endCursor from an earlier page, unchanged", s)
	}
	return b, nil
}

func decodeEntityCursor(s string) (graph.ID, error) {
	if b, ok := decodeCursor(s); ok {
		if id, perr := graph.ParseID(string(b)); perr == nil {
			return id, nil
		}
	}
	return "", graph.Errorf(graph.EINVALID, "cursor %q is not one this server issued; pass an endCursor from an earlier page, unchanged", s)
}

// parseAdjacencyKey splits an adjacency key into the entity id, the type
// byte and the direction. The id ends at the first separator, since ids
// never contain one.
func parseAdjacencyKey(k []byte) (id []byte, typ, dir byte, ok bool) {
	if len(k) < 2 || k[0] != prefixAdjacency || k[1] != sep {
		return nil, 0, 0, false
	}
	rest := k[2:]
	i := bytes.IndexByte(rest, sep)
	if i < 0 || len(rest) < i+3 {
		return nil, 0, 0, false
	}
	return rest[:i], rest[i+1], rest[i+2], true
}

// parsePairKey splits a pair index key into its sender, host and mission.
func parsePairKey(k []byte) (sender, host, mission []byte, ok bool) {
	if len(k) < 3 {
		return nil, nil, nil, false
	}
	parts := bytes.Split(k[3:], []byte{sep})
	if len(parts) != 3 {
		return nil, nil, nil, false
	}
	return parts[0], parts[1], parts[2], true
}

// entityKeyID returns the entity id of an entity record key.
func entityKeyID(k []byte) graph.ID { return graph.ID(k[2:]) }
