package graph

import (
	"cmp"
	"fmt"
	"slices"
)

// Limits on the buckets one count returns.
const (
	DefaultCountBuckets = 50
	MaxCountBuckets     = 500
)

// GroupBy says what a count groups by, spelled as in the GraphQL enum.
type GroupBy string

// The groupings of a count. The first five count entities, the last five
// relations.
const (
	ByKind         GroupBy = "KIND"          // entities by kind
	ByMissionType  GroupBy = "MISSION_TYPE"  // missions by missionType
	BySender       GroupBy = "SENDER"        // missions by the far end of SENT_BY
	ByHost         GroupBy = "HOST"          // missions by the far end of ACCREDITS_TO
	ByCity         GroupBy = "CITY"          // missions by the city they are LOCATED_IN
	ByRelationType GroupBy = "RELATION_TYPE" // relations by type
	ByYear         GroupBy = "YEAR"          // relations by the year of validFrom
	ByDecade       GroupBy = "DECADE"        // relations by the decade of validFrom
	ByYearEnded    GroupBy = "YEAR_ENDED"    // relations by the year of validTo
	ByDecadeEnded  GroupBy = "DECADE_ENDED"  // relations by the decade of validTo
)

// GroupBys lists every grouping in the order of the GraphQL enum.
var GroupBys = []GroupBy{ByKind, ByMissionType, BySender, ByHost, ByCity, ByRelationType, ByYear, ByDecade, ByYearEnded, ByDecadeEnded}

// FarEnd returns the relation type whose far end groups missions under g
// (SENT_BY for SENDER, ACCREDITS_TO for HOST, LOCATED_IN for CITY), and
// false for groupings that do not follow a relation.
func (g GroupBy) FarEnd() (RelationType, bool) {
	switch g {
	case BySender:
		return SentBy, true
	case ByHost:
		return AccreditsTo, true
	case ByCity:
		return LocatedIn, true
	}
	return "", false
}

// CountsRelations reports whether g counts relations rather than entities.
func (g GroupBy) CountsRelations() bool {
	return g == ByRelationType || g.TimeSeries()
}

// TimeSeries reports whether g's buckets are periods of time, which are
// ordered by key (oldest first) rather than by count.
func (g GroupBy) TimeSeries() bool {
	return g == ByYear || g == ByDecade || g == ByYearEnded || g == ByDecadeEnded
}

// Ended reports whether g groups relations by when they end (validTo)
// rather than by when they start.
func (g GroupBy) Ended() bool { return g == ByYearEnded || g == ByDecadeEnded }

// Decades reports whether g's buckets are decades rather than years.
func (g GroupBy) Decades() bool { return g == ByDecade || g == ByDecadeEnded }

// CountQuery asks how many entities or relations fall in each bucket of a
// grouping; see GroupBy.
type CountQuery struct {
	// Kind narrows KIND to one kind of entity. The mission groupings count
	// missions only, so there it may be MISSION or empty; the relation
	// groupings take no kind.
	Kind Kind
	// Types narrows the relation groupings to these relation types;
	// empty means every type. The entity groupings take no types.
	Types   []RelationType
	GroupBy GroupBy
	// AsOf keeps only the entities and relations known to hold on that
	// date, a relation only where the entities it joins are too; for
	// SENDER, HOST and CITY the mission, its relation and the far end.
	// Zero: all of history.
	AsOf Date
	// Possible, with AsOf, counts too what may have held (see When).
	Possible bool
	Limit    int // how many buckets at most, 1..MaxCountBuckets
}

// Validate checks the grouping, the limit and that the filters make sense
// for the grouping, so that a filter is never silently ignored.
func (q CountQuery) Validate() error {
	if !slices.Contains(GroupBys, q.GroupBy) {
		return Errorf(EINVALID, "unknown groupBy %q; use one of %s", q.GroupBy, joinNames(GroupBys))
	}
	if q.Limit < 1 || q.Limit > MaxCountBuckets {
		return Errorf(EINVALID, "limit is %d; ask for between 1 and %d buckets", q.Limit, MaxCountBuckets)
	}
	if q.Kind != "" {
		if _, err := ParseKind(string(q.Kind)); err != nil {
			return err
		}
		switch {
		case q.GroupBy.CountsRelations():
			return Errorf(EINVALID, "kind does not apply to groupBy %s, which counts relations; leave kind out, or narrow by types", q.GroupBy)
		case q.GroupBy != ByKind && q.Kind != Mission:
			return Errorf(EINVALID, "groupBy %s counts missions, so kind %s does not apply; leave kind out", q.GroupBy, q.Kind)
		}
	}
	if len(q.Types) > 0 && !q.GroupBy.CountsRelations() {
		return Errorf(EINVALID, "types does not apply to groupBy %s, which counts entities; leave types out, or group by RELATION_TYPE or a time series such as DECADE", q.GroupBy)
	}
	for _, t := range q.Types {
		if t.Index() < 0 {
			_, err := ParseRelationType(string(t))
			return err
		}
	}
	return nil
}

// Bucket is one group of a count: its key (an enum name, an entity id, a
// year such as "1994" or a decade such as "1990s"), the name of the entity
// the key names ("" for the other keys), and how many items it holds.
type Bucket struct {
	Key   string
	Label string
	Count int
}

// RankBuckets turns counts by key into the buckets a count answers with:
// most first, ties by key, or for the time series (YEAR, DECADE...) oldest
// first; at most limit of them. Keys with a zero count are left out.
func RankBuckets(counts map[string]int, g GroupBy, limit int) []Bucket {
	out := make([]Bucket, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			out = append(out, Bucket{Key: k, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b Bucket) int {
		if !g.TimeSeries() {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Key, b.Key)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// YearKey is the key of the YEAR bucket of a year: "1994". Years are four
// digits, so keys sort as years do.
func YearKey(year int) string { return fmt.Sprintf("%04d", year) }

// DecadeKey is the key of the DECADE bucket of a year: "1990s" for 1994.
func DecadeKey(year int) string { return fmt.Sprintf("%04ds", year/10*10) }

// YearOfDay returns the year of a day number as Date.First and Date.Last
// count them, and 0 for day 0 (no date). Stores that keep day numbers in
// their keys use it to group by year without decoding records.
func YearOfDay(day uint32) int {
	y, _, _ := CivilOfDay(day)
	return y
}
