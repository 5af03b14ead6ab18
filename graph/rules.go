package graph

import (
	"slices"
	"strings"
)

// rule says which kinds of entity a relation type may join.
type rule struct {
	from, to []Kind
	context  []Kind // nil: the type takes no context
	needsCtx bool
	role     bool // the type takes a role
}

var (
	states     = []Kind{Country, Territory}
	actors     = []Kind{Country, Territory, Organisation}
	bodies     = []Kind{Mission, Organisation}
	nonPlaces  = []Kind{Country, Territory, Organisation, Mission, Agreement}
	placesOnly = []Kind{City, Territory, Country}
)

// rules is the table of model.md: for each relation type, the kinds it may
// go from, to, and (for PROTECTS and REPRESENTED_BY) the host it holds in.
var rules = map[RelationType]rule{
	SentBy:              {from: []Kind{Mission}, to: actors},
	AccreditsTo:         {from: []Kind{Mission}, to: actors},
	LocatedIn:           {from: []Kind{Mission, Organisation, City}, to: placesOnly},
	Protects:            {from: states, to: states, context: actors, needsCtx: true},
	RepresentedBy:       {from: states, to: []Kind{Mission, Organisation, Country}, context: actors},
	RenamedFrom:         {from: nonPlaces, to: nonPlaces},
	UpgradedFrom:        {from: bodies, to: bodies},
	DowngradedFrom:      {from: bodies, to: bodies},
	Replaces:            {from: nonPlaces, to: nonPlaces},
	SectionOf:           {from: []Kind{Mission}, to: []Kind{Mission}},
	OperatedBy:          {from: []Kind{Mission}, to: actors},
	HeadedBy:            {from: bodies, to: []Kind{Person}, role: true},
	MemberOf:            {from: actors, to: []Kind{Organisation}},
	PartOf:              {from: []Kind{Territory, City}, to: states},
	DiplomaticRelations: {from: actors, to: actors},
	EstablishedUnder:    {from: bodies, to: []Kind{Agreement}},
	PartyTo:             {from: actors, to: []Kind{Agreement}},
	ReportsTo:           {from: []Kind{Mission}, to: []Kind{Mission, Organisation, Country, Territory}},
}

// sameKindTypes are the lineage types whose two ends must be of one kind,
// except that a body may move between mission and organisation (a de facto
// office is often both).
var sameKindTypes = []RelationType{RenamedFrom, Replaces}

// LineageTypes lists the relation types that chain a body's names and statuses.
var LineageTypes = []RelationType{RenamedFrom, UpgradedFrom, DowngradedFrom, Replaces}

// Validate checks a relation on its own and against the kinds of its ends.
// kindOf reports the kind of an entity and whether it exists; the caller
// decides where entities are looked up (a seed file set, the store).
func (r *Relation) Validate(kindOf func(ID) (Kind, bool)) error {
	what := "relation " + r.Describe()
	ru, ok := rules[r.Type]
	if !ok {
		_, err := ParseRelationType(string(r.Type))
		return err
	}
	if err := checkEnd(what, "from", r.From, ru.from, kindOf); err != nil {
		return err
	}
	if err := checkEnd(what, "to", r.To, ru.to, kindOf); err != nil {
		return err
	}
	switch {
	case r.From == r.To:
		return Errorf(EINVALID, "%s joins an entity to itself", what)
	case r.Context != "" && ru.context == nil:
		return Errorf(EINVALID, "%s has a context, but only PROTECTS and REPRESENTED_BY take one", what)
	case r.Context == "" && ru.needsCtx:
		return Errorf(EINVALID, "%s needs a context: the host country in which the protection holds", what)
	case r.Role != "" && !ru.role:
		return Errorf(EINVALID, "%s has a role, but only HEADED_BY takes one", what)
	}
	if r.Context != "" {
		if err := checkEnd(what, "context", r.Context, ru.context, kindOf); err != nil {
			return err
		}
	}
	if slices.Contains(sameKindTypes, r.Type) {
		fk, _ := kindOf(r.From)
		tk, _ := kindOf(r.To)
		if fk != tk && !(slices.Contains(bodies, fk) && slices.Contains(bodies, tk)) {
			return Errorf(EINVALID, "%s joins a %s to a %s; a %s relation links one body to itself under another name or form",
				what, fk, tk, r.Type)
		}
	}
	if err := r.Period.Validate(); err != nil {
		return Errorf(EINVALID, "%s: %s", what, ErrorMessage(err))
	}
	return validateSources(what, r.Sources)
}

// CheckLife reports, as an EINVALID error, a relation that starts outside
// the life of e, one of its ends: before e existed or after it ceased. A
// relation or entity without the dates to tell is not a problem.
func (r *Relation) CheckLife(e *Entity) error {
	start := r.Period.From
	if start.IsZero() || e == nil {
		return nil
	}
	if !e.Period.From.IsZero() && start.Last() < e.Period.From.First() {
		return Errorf(EINVALID, "%s starts in %s, before %s existed (from %s)", r.Describe(), start, e.ID, e.Period.From)
	}
	if !e.Period.To.IsZero() && start.First() > e.Period.To.Last() {
		return Errorf(EINVALID, "%s starts in %s, after %s ceased (in %s)", r.Describe(), start, e.ID, e.Period.To)
	}
	return nil
}

func checkEnd(what, end string, id ID, allowed []Kind, kindOf func(ID) (Kind, bool)) error {
	if id == "" {
		return Errorf(EINVALID, "%s has no %q entity", what, end)
	}
	if _, err := ParseID(string(id)); err != nil {
		return Errorf(EINVALID, "%s: %s: %s", what, end, ErrorMessage(err))
	}
	k, ok := kindOf(id)
	if !ok {
		return Errorf(EINVALID, "%s refers to %s, which does not exist", what, id)
	}
	if !slices.Contains(allowed, k) {
		return Errorf(EINVALID, "%s: its %q end %s is a %s, but must be one of %s", what, end, id, k, joinNames(allowed))
	}
	return nil
}

// AllowedKinds describes, for documentation and error messages, which kinds
// a relation type joins: "MISSION -> COUNTRY|TERRITORY|ORGANISATION".
func AllowedKinds(t RelationType) string {
	ru := rules[t]
	join := func(ks []Kind) string {
		parts := make([]string, len(ks))
		for i, k := range ks {
			parts[i] = string(k)
		}
		return strings.Join(parts, "|")
	}
	s := join(ru.from) + " -> " + join(ru.to)
	if ru.context != nil {
		s += " (context " + join(ru.context) + ")"
	}
	return s
}

// typesJoining lists the relation types that may join an entity of kind a
// and one of kind b, either way round, in RelationTypes order; only those
// in only, unless only is empty. Every stored relation obeys rules, and an
// entity's kind is part of its id, so no relation of another type can join
// the two.
func typesJoining(a, b Kind, only []RelationType) []RelationType {
	var types []RelationType
	for _, t := range RelationTypes {
		ru := rules[t]
		joins := slices.Contains(ru.from, a) && slices.Contains(ru.to, b) ||
			slices.Contains(ru.from, b) && slices.Contains(ru.to, a)
		if joins && (len(only) == 0 || slices.Contains(only, t)) {
			types = append(types, t)
		}
	}
	return types
}
