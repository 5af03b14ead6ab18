package wikidata

import (
	"strings"
	"unicode"

	"github.com/chancery/chancery/graph"
)

// where says where a mission is, for its name: the city it is in, the
// host country, whether it is accredited to the host, and the first state
// or organisation it is accredited to.
type where struct {
	city, host     string
	hostAccredited bool
	accredited     string
}

// missionName builds a readable name from the type, the sender and the
// place: "Embassy of Afghanistan in Canada", "Consulate General of Germany
// in Bengaluru", "Apostolic Nunciature to Belgium", "Taipei Economic and
// Cultural Representative Office in Belgium". Offices of which a sender
// keeps one per state (embassies, high commissions, nunciatures, interests
// sections) are named after their host; one not accredited to its host
// (an embassy to the Holy See sits in Rome) after its city, since the data
// set lists its jurisdictions in no particular order. Other offices are
// named after their city, or the host when the row names none.
func missionName(mk missionKind, sender string, at where) string {
	place := at.city
	perState := false
	switch mk.Type {
	case graph.Embassy, graph.HighCommission, graph.Nunciature, graph.InterestsSection, graph.Legation:
		perState = true
	case graph.Delegation:
		perState = mk.Phrase == "Apostolic Delegation"
	}
	switch {
	case perState && at.hostAccredited:
		place = at.host
	case perState && (mk.Type == graph.Nunciature || mk.Type == graph.Delegation):
		place = at.accredited // a nunciature is "to" a state, never a city
	}
	for _, p := range []string{at.host, at.accredited} {
		if place == "" {
			place = p
		}
	}
	switch {
	case mk.Type == graph.Nunciature || mk.Phrase == "Apostolic Delegation":
		return mk.Phrase + " to " + withArticle(place)
	case mk.OwnName:
		return mk.Phrase + " in " + withArticle(place)
	}
	return mk.Phrase + " of " + withArticle(sender) + " in " + withArticle(place)
}

// articled are names that read with "the" inside a sentence.
var articled = map[string]bool{
	"Netherlands": true, "Philippines": true, "Bahamas": true, "Gambia": true, "Maldives": true,
	"Comoros": true, "Seychelles": true, "Holy See": true, "Vatican": true, "Congo": true,
	"Central Tibetan Administration": true, "Sovereign Military Order of Malta": true,
}

// withArticle puts "the" before names that take it ("the United States",
// "the Czech Republic"), and lowers a leading "The" of a label.
func withArticle(name string) string {
	if rest, ok := strings.CutPrefix(name, "The "); ok {
		return "the " + rest
	}
	if articled[name] {
		return "the " + name
	}
	for _, p := range []string{"United ", "Republic ", "Democratic Republic", "Federated States", "Kingdom of", "State of",
		"Commonwealth of", "European ", "Government of", "Ministry of", "Organisation ", "Organization "} {
		if strings.HasPrefix(name, p) {
			return "the " + name
		}
	}
	for _, s := range []string{" Republic", " Islands", " Emirates", " Union", " Territories"} {
		if strings.HasSuffix(name, s) {
			return "the " + name
		}
	}
	return name
}

// slug reduces a label to the slug of an id: lowercase ASCII letters and
// digits, accents dropped, apostrophes removed ("People's" is "peoples"),
// every other run of characters a single hyphen, at most 60 bytes. Letters
// of other scripts are dropped, so the result may be empty; the caller then
// names the entity by its QID.
func slug(label string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(label) {
		if r == '\'' || r == '’' {
			continue
		}
		s := asciiFold(r)
		if s == "" {
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteString(s)
	}
	out := b.String()
	if len(out) > 60 {
		cut := out[:60]
		if i := strings.LastIndexByte(cut, '-'); i > 20 && out[60] != '-' {
			cut = cut[:i] // end on a whole word
		}
		out = strings.TrimRight(cut, "-")
	}
	return out
}

// latinFolds spells Latin letters with diacritics in plain ASCII.
var latinFolds = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ð': "d", 'ø': "o", 'ł': "l", 'đ': "d", 'ħ': "h", 'ı': "i"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăąǎ", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęěə", "g": "ĝğġģ", "h": "ĥ",
		"i": "ìíîïĩīĭįǐ", "j": "ĵ", "k": "ķ", "l": "ĺļľŀ", "n": "ñńņňŉ", "o": "òóôõöōŏőǒơ",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűųǔư", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// asciiFold returns r as lowercase ASCII letters or digits, or "" for a
// character that is not one (punctuation, spaces, other scripts).
func asciiFold(r rune) string {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return string(r)
	case r < unicode.MaxASCII:
		return ""
	}
	return latinFolds[r]
}
