package synth

import (
	"github.com/chancery/chancery/graph"
)

// template names a mission: {s} is its sender, {h} its host, {c} its city.
//
// Mission ids are the slug of the name, with "-2", "-3"... for later
// missions of the same template, sender and host. They are unique because
// of three things: every place, state and organisation has a name of its
// own; no name contains a word of the templates (see reserved), so a
// template's words show where its arguments start and end; and no two
// templates share their words. A city belongs to one host, so the count per
// template, sender and host tells apart the missions in any one city too.
type template struct {
	typ  graph.MissionType
	text string
}

const (
	tEmbassy = iota
	tEmbassyCity
	tHighCommission
	tConsulateGeneral
	tConsulateGeneralCity
	tConsulate
	tConsulateCity
	tHonorary
	tPermanentMission
	tPermanentDelegation
	tDelegation
	tDelegationIn
	tNunciature
	tLegation
	tInterestsSection
	tLiaison
	tLiaisonCity
	tRepresentative
	tEconomicCultural
	tGovernmentOffice
	tTrade
	tCommercial
	tEconomicTrade
	tCulturalCentre
	tInstitute
	tCommission
	tCommissionCity
	tResidual
	tHouse
	tOffice
	numTemplates
)

var templates = [numTemplates]template{
	tEmbassy:              {graph.Embassy, "Embassy of {s} in {h}"},
	tEmbassyCity:          {graph.Embassy, "{s} Embassy in {c}"},
	tHighCommission:       {graph.HighCommission, "High Commission of {s} in {h}"},
	tConsulateGeneral:     {graph.ConsulateGeneral, "Consulate-General of {s} in {c}"},
	tConsulateGeneralCity: {graph.ConsulateGeneral, "{s} Consulate-General in {c}"},
	tConsulate:            {graph.Consulate, "Consulate of {s} in {c}"},
	tConsulateCity:        {graph.Consulate, "{s} Consulate in {c}"},
	tHonorary:             {graph.HonoraryConsulate, "Honorary Consulate of {s} in {c}"},
	tPermanentMission:     {graph.PermanentMission, "Permanent Mission of {s} to the {h}"},
	tPermanentDelegation:  {graph.PermanentMission, "Permanent Delegation of {s} to the {h}"},
	tDelegation:           {graph.Delegation, "Delegation of the {s} to {h}"},
	tDelegationIn:         {graph.Delegation, "Delegation of the {s} in {h}"},
	tNunciature:           {graph.Nunciature, "Apostolic Nunciature to {h}"},
	tLegation:             {graph.Legation, "Legation of {s} in {h}"},
	tInterestsSection:     {graph.InterestsSection, "{s} Interests Section in {c}"},
	tLiaison:              {graph.LiaisonOffice, "Liaison Office of {s} in {c}"},
	tLiaisonCity:          {graph.LiaisonOffice, "{s} Liaison Office in {h}"},
	tRepresentative:       {graph.RepresentativeOffice, "{s} Representative Office in {h}"},
	tEconomicCultural:     {graph.RepresentativeOffice, "{s} Economic and Cultural Office in {h}"},
	tGovernmentOffice:     {graph.RepresentativeOffice, "Office of the Government of {s} in {c}"},
	tTrade:                {graph.TradeOffice, "{s} Trade Office in {c}"},
	tCommercial:           {graph.TradeOffice, "{s} Commercial Office in {c}"},
	tEconomicTrade:        {graph.TradeOffice, "{s} Economic and Trade Office in {c}"},
	tCulturalCentre:       {graph.CulturalOffice, "{s} Cultural Centre in {c}"},
	tInstitute:            {graph.CulturalOffice, "{s} Institute in {c}"},
	tCommission:           {graph.Commission, "Commission of {s} in {h}"},
	tCommissionCity:       {graph.Commission, "{s} Commission in {c}"},
	tResidual:             {graph.ResidualMission, "Residual Mission of {s} in {h}"},
	tHouse:                {graph.OtherMission, "{s} House in {c}"},
	tOffice:               {graph.OtherMission, "{s} Office in {c}"},
}

// templatesOf lists, for each mission type, the templates that name it.
var templatesOf = func() map[graph.MissionType][]int {
	m := map[graph.MissionType][]int{}
	for i, t := range templates {
		m[t.typ] = append(m[t.typ], i)
	}
	return m
}()

// roles are the titles of the heads of each type of mission.
var roles = map[graph.MissionType]string{
	graph.Embassy:              "ambassador",
	graph.HighCommission:       "high commissioner",
	graph.ConsulateGeneral:     "consul-general",
	graph.Consulate:            "consul",
	graph.HonoraryConsulate:    "honorary consul",
	graph.PermanentMission:     "permanent representative",
	graph.Delegation:           "head of delegation",
	graph.Nunciature:           "apostolic nuncio",
	graph.Legation:             "minister",
	graph.InterestsSection:     "head of section",
	graph.LiaisonOffice:        "chief of office",
	graph.RepresentativeOffice: "representative",
	graph.TradeOffice:          "director",
	graph.CulturalOffice:       "director",
	graph.Commission:           "commissioner",
	graph.ResidualMission:      "chargé d'affaires",
	graph.OtherMission:         "director",
}

// official reports whether missions of type t have diplomatic status here:
// liaison, representative, trade and cultural offices, and the houses and
// offices of OTHER, are the de facto kind.
func official(t graph.MissionType) bool {
	return t != graph.LiaisonOffice && t.OfficialByDefault()
}

// renderName writes the name of a mission by template t into b.
func renderName(b []byte, t int, sender, host, city string) []byte {
	text := templates[t].text
	for i := 0; i < len(text); i++ {
		if text[i] == '{' && i+2 < len(text) && text[i+2] == '}' {
			switch text[i+1] {
			case 's':
				b = append(b, sender...)
			case 'h':
				b = append(b, host...)
			case 'c':
				b = append(b, city...)
			}
			i += 2
			continue
		}
		b = append(b, text[i])
	}
	return b
}
