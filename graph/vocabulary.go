package graph

import (
	"slices"
	"strings"
)

// This file is the one source of the vocabulary: the entity kinds,
// mission types and relation types, in order. The store's sort keys follow
// that order; the GraphQL enums (schema/*.graphql) and the pages' lists
// (web/src/shared/model.ts) repeat it, and a test
// (schema.TestVocabularyHasOneSource) fails until they agree with it.

// Kind is the kind of an entity, spelled as in the GraphQL enum EntityKind.
type Kind string

// The entity kinds of model.md.
const (
	Country      Kind = "COUNTRY"
	Territory    Kind = "TERRITORY"
	Organisation Kind = "ORGANISATION"
	Mission      Kind = "MISSION"
	City         Kind = "CITY"
	Person       Kind = "PERSON"
	Agreement    Kind = "AGREEMENT"
)

// Kinds lists every entity kind in the order the API presents them.
var Kinds = []Kind{Country, Territory, Organisation, Mission, City, Person, Agreement}

var kindPrefix = map[Kind]string{
	Country: "country", Territory: "territory", Organisation: "org", Mission: "mission",
	City: "city", Person: "person", Agreement: "agreement",
}

var kindByPrefix = func() map[string]Kind {
	m := make(map[string]Kind, len(kindPrefix))
	for k, p := range kindPrefix {
		m[p] = k
	}
	return m
}()

func idPrefixes() []string {
	out := make([]string, 0, len(Kinds))
	for _, k := range Kinds {
		out = append(out, kindPrefix[k]+":")
	}
	return out
}

// IDPrefix returns the prefix that ids of this kind start with, colon included.
func (k Kind) IDPrefix() string { return kindPrefix[k] + ":" }

// ParseKind accepts a kind in any case ("country", "COUNTRY").
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToUpper(strings.TrimSpace(s)))
	if !slices.Contains(Kinds, k) {
		return "", Errorf(EINVALID, "unknown entity kind %q; use one of %s", s, joinNames(Kinds))
	}
	return k, nil
}

// MissionType classifies a mission, spelled as in the GraphQL enum.
type MissionType string

// The mission types of model.md.
const (
	Embassy              MissionType = "EMBASSY"
	HighCommission       MissionType = "HIGH_COMMISSION"
	ConsulateGeneral     MissionType = "CONSULATE_GENERAL"
	Consulate            MissionType = "CONSULATE"
	HonoraryConsulate    MissionType = "HONORARY_CONSULATE"
	PermanentMission     MissionType = "PERMANENT_MISSION"
	Delegation           MissionType = "DELEGATION"
	Nunciature           MissionType = "NUNCIATURE"
	Legation             MissionType = "LEGATION"
	InterestsSection     MissionType = "INTERESTS_SECTION"
	LiaisonOffice        MissionType = "LIAISON_OFFICE"
	RepresentativeOffice MissionType = "REPRESENTATIVE_OFFICE"
	TradeOffice          MissionType = "TRADE_OFFICE"
	CulturalOffice       MissionType = "CULTURAL_OFFICE"
	Commission           MissionType = "COMMISSION"
	ResidualMission      MissionType = "RESIDUAL_MISSION"
	OtherMission         MissionType = "OTHER"
)

// MissionTypes lists every mission type.
var MissionTypes = []MissionType{
	Embassy, HighCommission, ConsulateGeneral, Consulate, HonoraryConsulate,
	PermanentMission, Delegation, Nunciature, Legation, InterestsSection,
	LiaisonOffice, RepresentativeOffice, TradeOffice, CulturalOffice,
	Commission, ResidualMission, OtherMission,
}

// ParseMissionType accepts a mission type in GraphQL or kebab-case spelling
// ("CONSULATE_GENERAL", "consulate-general").
func ParseMissionType(s string) (MissionType, error) {
	t := MissionType(enumName(s))
	if !slices.Contains(MissionTypes, t) {
		return "", Errorf(EINVALID, "unknown mission type %q; use one of %s", s, joinNames(MissionTypes))
	}
	return t, nil
}

// OfficialByDefault reports whether a mission of this type has official
// diplomatic status unless its data says otherwise. Representative, trade
// and cultural offices are how states without relations deal with each other
// (model.md's de facto offices), so they are unofficial by default.
func (t MissionType) OfficialByDefault() bool {
	switch t {
	case RepresentativeOffice, TradeOffice, CulturalOffice, OtherMission:
		return false
	}
	return true
}

// RelationType is the type of a relation, spelled as in the GraphQL enum.
type RelationType string

// The relation types of model.md.
const (
	SentBy              RelationType = "SENT_BY"
	AccreditsTo         RelationType = "ACCREDITS_TO"
	LocatedIn           RelationType = "LOCATED_IN"
	Protects            RelationType = "PROTECTS"
	RepresentedBy       RelationType = "REPRESENTED_BY"
	RenamedFrom         RelationType = "RENAMED_FROM"
	UpgradedFrom        RelationType = "UPGRADED_FROM"
	DowngradedFrom      RelationType = "DOWNGRADED_FROM"
	Replaces            RelationType = "REPLACES"
	SectionOf           RelationType = "SECTION_OF"
	OperatedBy          RelationType = "OPERATED_BY"
	HeadedBy            RelationType = "HEADED_BY"
	MemberOf            RelationType = "MEMBER_OF"
	PartOf              RelationType = "PART_OF"
	DiplomaticRelations RelationType = "DIPLOMATIC_RELATIONS"
	EstablishedUnder    RelationType = "ESTABLISHED_UNDER"
	PartyTo             RelationType = "PARTY_TO"
	ReportsTo           RelationType = "REPORTS_TO"
)

// RelationTypes lists every relation type in the order of the GraphQL enum,
// which is also the order in which an entity's relations are listed.
var RelationTypes = []RelationType{
	SentBy, AccreditsTo, LocatedIn, Protects, RepresentedBy,
	RenamedFrom, UpgradedFrom, DowngradedFrom, Replaces, SectionOf,
	OperatedBy, HeadedBy, MemberOf, PartOf, DiplomaticRelations,
	EstablishedUnder, PartyTo, ReportsTo,
}

// ParseRelationType accepts the GraphQL spelling ("ACCREDITS_TO") or the
// kebab-case spelling of data files ("accredits-to").
func ParseRelationType(s string) (RelationType, error) {
	t := RelationType(enumName(s))
	if !slices.Contains(RelationTypes, t) {
		return "", Errorf(EINVALID, "unknown relation type %q; use one of %s", s, kebabNames(RelationTypes))
	}
	return t, nil
}

// Index is the position of t in RelationTypes, or -1.
func (t RelationType) Index() int { return slices.Index(RelationTypes, t) }

// Kebab returns the data-file spelling of t ("accredits-to").
func (t RelationType) Kebab() string {
	return strings.ReplaceAll(strings.ToLower(string(t)), "_", "-")
}

// Symmetric reports whether the relation reads the same from both ends, so
// that it is stored once and found from either.
func (t RelationType) Symmetric() bool { return t == DiplomaticRelations }

// Direction says which way to follow relations from an entity.
type Direction string

// The traversal directions.
const (
	Out  Direction = "OUT"  // from the entity to others
	In   Direction = "IN"   // from others to the entity
	Both Direction = "BOTH" // either way
)

func enumName(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
}

func joinNames[T ~string](names []T) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}

func kebabNames(types []RelationType) string {
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = t.Kebab()
	}
	return strings.Join(parts, ", ")
}
