package wikidata

import (
	"fmt"
	"strings"

	"github.com/chancery/chancery/graph"
)

// missionKind is what a type string of the data set means.
type missionKind struct {
	Type     graph.MissionType
	Official bool
	// Phrase names the office in a mission's name: "Consulate General" in
	// "Consulate General of Germany in Bengaluru".
	Phrase string
	// OwnName: the phrase is a name of its own, which already says whose
	// office it is ("Taipei Economic and Cultural Representative Office in
	// Belgium", not "... of Taiwan in Belgium").
	OwnName bool
}

func kind(t graph.MissionType, phrase string) missionKind {
	return missionKind{Type: t, Official: t.OfficialByDefault(), Phrase: phrase}
}

func unofficial(t graph.MissionType, phrase string) missionKind {
	return missionKind{Type: t, Phrase: phrase}
}

func ownName(t graph.MissionType, phrase string) missionKind {
	return missionKind{Type: t, Phrase: phrase, OwnName: true}
}

// missionKinds maps the data set's type strings, normalised by
// normaliseType, to mission types. The strings are Wikidata's labels of
// the type items, so they are a mix of classes ("consulate general"),
// names ("Taipei Economic and Cultural Representative Office") and
// one-offs ("Consulate General of Sweden").
var missionKinds = map[string]missionKind{
	"embassy":         kind(graph.Embassy, "Embassy"),
	"high commission": kind(graph.HighCommission, "High Commission"),
	// Deputy and assistant high commissions are what consulates-general
	// and consulates are called between Commonwealth countries.
	"deputy high commission":     kind(graph.ConsulateGeneral, "Deputy High Commission"),
	"assistant high commission":  kind(graph.Consulate, "Assistant High Commission"),
	"consulate general":          kind(graph.ConsulateGeneral, "Consulate General"),
	"general consulate":          kind(graph.ConsulateGeneral, "Consulate General"),
	"consulate":                  kind(graph.Consulate, "Consulate"),
	"consulates":                 kind(graph.Consulate, "Consulate"),
	"vice consulate":             kind(graph.Consulate, "Vice Consulate"),
	"consular office":            kind(graph.Consulate, "Consular Office"),
	"consular agency":            kind(graph.Consulate, "Consular Agency"),
	"honorary consulate":         kind(graph.HonoraryConsulate, "Honorary Consulate"),
	"honorary consulate general": kind(graph.HonoraryConsulate, "Honorary Consulate General"),
	"apostolic nunciature":       kind(graph.Nunciature, "Apostolic Nunciature"),
	"nunciature":                 kind(graph.Nunciature, "Apostolic Nunciature"),
	// An apostolic delegate represents the Holy See to the Church of a
	// country, not to its government: no diplomatic status.
	"apostolic delegation":     unofficial(graph.Delegation, "Apostolic Delegation"),
	"delegation":               kind(graph.Delegation, "Delegation"),
	"legation":                 kind(graph.Legation, "Legation"),
	"permanent mission":        kind(graph.PermanentMission, "Permanent Mission"),
	"permanent representation": kind(graph.PermanentMission, "Permanent Representation"),
	"interests section":        kind(graph.InterestsSection, "Interests Section"),
	"liaison office":           kind(graph.LiaisonOffice, "Liaison Office"),
	// De facto embassies and consulates are the offices states keep where
	// they have no diplomatic relations: representative offices without
	// official status.
	"de facto embassy":               unofficial(graph.RepresentativeOffice, "Representative Office"),
	"de facto consulate":             unofficial(graph.RepresentativeOffice, "Representative Office"),
	"representative office":          unofficial(graph.RepresentativeOffice, "Representative Office"),
	"overseas representative office": unofficial(graph.RepresentativeOffice, "Representative Office"),
	"trade office":                   unofficial(graph.TradeOffice, "Trade Office"),
	"cultural office":                unofficial(graph.CulturalOffice, "Cultural Office"),
	"taipei economic and cultural representative office": ownName(graph.RepresentativeOffice, "Taipei Economic and Cultural Representative Office"),
	"taipei economic and cultural office":                ownName(graph.RepresentativeOffice, "Taipei Economic and Cultural Office"),
	"taipei representative office":                       ownName(graph.RepresentativeOffice, "Taipei Representative Office"),
	// The seeds model Quebec's offices as unofficial delegations.
	"quebec government office": ownName(graph.Delegation, "Quebec Government Office"),
	// A diplomatic mission of no stated kind is official by definition.
	"diplomatic mission": {Type: graph.OtherMission, Official: true, Phrase: "Diplomatic Mission"},
}

// refusedKinds are type strings that name a mission the graph cannot state
// truthfully from the row alone.
var refusedKinds = map[string]string{
	"defunct diplomatic mission": "the mission is defunct, but the row gives no date it closed; add it by hand with its dates",
}

// normaliseType reduces a type string to the keys of missionKinds: lower
// case, single spaces, hyphens as spaces, and anything after " of "
// dropped ("Consulate General of Sweden" is a consulate general).
func normaliseType(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "-", " "))
	s = strings.Join(strings.Fields(s), " ")
	if before, _, ok := strings.Cut(s, " of "); ok {
		s = before
	}
	return s
}

// classify maps a type string to a mission kind, or says why it cannot.
// A leading word that is not part of a known type is taken for a
// nationality ("British High Commission", "Australian High Commission").
func classify(typ string) (missionKind, string) {
	key := normaliseType(typ)
	if key == "" {
		return missionKind{}, "the row has no type"
	}
	for _, k := range []string{key, dropFirstWord(key)} {
		if why, ok := refusedKinds[k]; ok {
			return missionKind{}, fmt.Sprintf("type %q: %s", typ, why)
		}
		if mk, ok := missionKinds[k]; ok {
			return mk, ""
		}
	}
	return missionKind{}, fmt.Sprintf("unknown mission type %q", typ)
}

func dropFirstWord(s string) string {
	_, rest, _ := strings.Cut(s, " ")
	return rest
}
