package graph

// Search limits.
const (
	DefaultSearchResults = 20
	MaxSearchResults     = 100
	MaxSearchText        = 200 // bytes
)

// SearchQuery asks for the entities whose names best match Text.
type SearchQuery struct {
	Text  string
	Kinds []Kind // empty: every kind
	First int    // 1..MaxSearchResults
}

// Validate checks the query's limits.
func (q SearchQuery) Validate() error {
	switch {
	case len(q.Text) > MaxSearchText:
		return Errorf(EINVALID, "the search text is %d bytes long; the limit is %d", len(q.Text), MaxSearchText)
	case q.First < 1 || q.First > MaxSearchResults:
		return Errorf(EINVALID, "first is %d; ask for between 1 and %d results", q.First, MaxSearchResults)
	}
	return nil
}

// How a search hit matched, best first. The score of a hit is the score of
// its kind of match, less a little for each typo, and less for a former name.
const (
	ScoreExactName   = 1.0  // the text is the entity's name
	ScoreExactAlias  = 0.95 // an alias or code
	ScorePrefix      = 0.8  // a name or alias starts with the text
	ScoreWords       = 0.7  // every word of the text starts a word of a name
	ScoreTypo        = 0.6  // a name, alias or word is one or two edits away
	TypoPenalty      = 0.1  // taken off ScoreTypo for each edit
	FormerNameFactor = 0.9  // a body found through a name it had before
	// ScorePlace is the best score of a mission found through the names
	// of its sender, host or city: below every match of an entity's own
	// names, a former name's included (ScoreTypo-2*TypoPenalty, times
	// FormerNameFactor).
	ScorePlace = 0.35
	// PlacePenalty is taken off ScorePlace in proportion to the words of
	// the text that the mission's own names (or, for a word such as
	// "embassy", its type) do not hold.
	PlacePenalty = 0.05
)

// SearchHit is one entity a search found, the name or alias that matched,
// and how well.
type SearchHit struct {
	Entity  *Entity
	Matched string
	Score   float64
}
