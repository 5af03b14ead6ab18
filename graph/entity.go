package graph

import (
	"strings"
)

// Well-known attribute keys.
const (
	AttrISO2     = "iso2"     // ISO 3166-1 alpha-2 code of a country or territory
	AttrISO3     = "iso3"     // ISO 3166-1 alpha-3 code of a country or territory
	AttrWikidata = "wikidata" // Wikidata QID, e.g. Q30
)

// Source says where a fact comes from: a document, optionally its URL, and
// the sentence that states the fact (or, for imported data, the row id).
type Source struct {
	Document string `json:"document"`
	URL      string `json:"url,omitempty"`
	Quote    string `json:"quote,omitempty"`
}

// Entity is a node of the graph: a country, territory, organisation,
// mission, city, person or agreement.
type Entity struct {
	ID      ID       `json:"id"`
	Kind    Kind     `json:"kind"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Period
	// MissionType and Official describe missions only.
	MissionType MissionType `json:"missionType,omitempty"`
	Official    bool        `json:"official,omitempty"`
	// Attributes hold codes (see AttrISO2 and friends) and other plain facts.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Note qualifies the entity's facts: how a date was inferred from its
	// sources, say.
	Note    string   `json:"note,omitempty"`
	Sources []Source `json:"sources"`
}

// Names returns the entity's name followed by its aliases.
func (e *Entity) Names() []string {
	return append([]string{e.Name}, e.Aliases...)
}

// Validate checks the entity on its own: id, kind, name, period, mission
// fields and sources. References to other entities are checked where
// relations are.
func (e *Entity) Validate() error {
	if _, err := ParseID(string(e.ID)); err != nil {
		return err
	}
	if e.Kind != e.ID.Kind() {
		return Errorf(EINVALID, "entity %s has kind %s, but its id says %s", e.ID, e.Kind, e.ID.Kind())
	}
	if strings.TrimSpace(e.Name) == "" {
		return Errorf(EINVALID, "entity %s has no name", e.ID)
	}
	for _, a := range e.Aliases {
		if strings.TrimSpace(a) == "" {
			return Errorf(EINVALID, "entity %s has an empty alias", e.ID)
		}
	}
	if err := e.Period.Validate(); err != nil {
		return Errorf(EINVALID, "entity %s: %s", e.ID, ErrorMessage(err))
	}
	switch {
	case e.Kind == Mission && e.MissionType == "":
		return Errorf(EINVALID, "mission %s has no missionType", e.ID)
	case e.Kind != Mission && e.MissionType != "":
		return Errorf(EINVALID, "entity %s is a %s, but only missions have a missionType", e.ID, e.Kind)
	case e.Kind != Mission && e.Official:
		return Errorf(EINVALID, "entity %s is a %s, but only missions are marked official", e.ID, e.Kind)
	}
	if e.MissionType != "" {
		if _, err := ParseMissionType(string(e.MissionType)); err != nil {
			return Errorf(EINVALID, "mission %s: %s", e.ID, ErrorMessage(err))
		}
	}
	for k := range e.Attributes {
		if strings.TrimSpace(k) == "" {
			return Errorf(EINVALID, "entity %s has an attribute with an empty key", e.ID)
		}
	}
	return validateSources("entity "+string(e.ID), e.Sources)
}

func validateSources(what string, sources []Source) error {
	if len(sources) == 0 {
		return Errorf(EINVALID, "%s has no source; every fact must cite a document", what)
	}
	for i, s := range sources {
		if strings.TrimSpace(s.Document) == "" {
			return Errorf(EINVALID, "%s: source %d names no document", what, i+1)
		}
	}
	return nil
}
