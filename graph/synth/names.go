package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Names are built from syllables so that they can be pronounced, typed and
// mistyped: "Valdoria", "Port Enmark", "Tresh Islands". They never contain
// a word of the mission name templates (reserved), which keeps the ids of
// missions apart (see template).

var (
	onsets       = []string{"b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "r", "s", "sh", "st", "t", "th", "tr", "v", "z", "ch"}
	singleOnsets = []string{"b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"}
	vowels       = []string{"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou"}
	codas        = []string{"", "", "", "", "n", "r", "l", "s", "m", "nd", "rk", "ld", "st"}

	countryEndings = []string{"ia", "ora", "and", "avia", "ene", "ara", "esh", "una", "eth", "ovia", "istra", "mark", "os"}
	cityEndings    = []string{"burg", "haven", "ford", "grad", "polis", "mouth"}
	cityPrefixes   = []string{"Port", "San", "New", "Upper"}
	statePrefixes  = []string{"North", "South", "New"}
	countryStyles  = []string{"Republic of ", "Kingdom of ", "Federal Republic of ", "Principality of ", "Union of "}
)

// reserved holds the words of mission, organisation and agreement names; no
// generated word may be one of them.
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`in of the to and for embassy consulate general consulate-general high
		commission honorary permanent mission delegation apostolic nunciature legation interests section
		liaison office representative economic cultural government trade commercial centre institute house
		residual port san new upper north south saint islands union council community organisation states
		cooperation forum league assembly nations commonwealth exchange foundation chamber commerce external
		affairs treaty convention accord protocol see republic kingdom federal principality`) {
		m[w] = true
	}
	return m
}()

// namer draws names and keeps every name of a place, state or organisation
// unique, so that their slugs are unique too.
type namer struct {
	r    *rand.Rand
	used map[string]bool // slugs taken
}

// word draws one capitalised word of syllables syllables.
func (n *namer) word(syllables int) string {
	for {
		var b strings.Builder
		coda := ""
		for i := range syllables {
			switch {
			case i == 0 && n.r.IntN(100) < 15:
			case coda != "":
				b.WriteString(singleOnsets[n.r.IntN(len(singleOnsets))])
			default:
				b.WriteString(onsets[n.r.IntN(len(onsets))])
			}
			b.WriteString(vowels[n.r.IntN(len(vowels))])
			coda = ""
			if i < syllables-1 || n.r.IntN(2) == 0 {
				coda = codas[n.r.IntN(len(codas))]
			}
			b.WriteString(coda)
		}
		w := b.String()
		if len(w) >= 3 && !reserved[w] {
			return strings.ToUpper(w[:1]) + w[1:]
		}
	}
}

// withEnding joins a root and an ending, dropping the root's last vowel
// before an ending that starts with one ("Tova" + "ia" is "Tovia").
func withEnding(root, ending string) string {
	if isVowel(root[len(root)-1]) && isVowel(ending[0]) {
		root = root[:len(root)-1]
	}
	return root + ending
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// claim takes name if its slug is free and reports whether it did.
func (n *namer) claim(name string) bool {
	s := slugOf(name)
	if n.used[s] {
		return false
	}
	n.used[s] = true
	return true
}

// unique draws names with draw until one is free.
func (n *namer) unique(draw func() string) string {
	for {
		if name := draw(); n.claim(name) {
			return name
		}
	}
}

func (n *namer) country() string {
	return n.unique(func() string {
		name := withEnding(n.word(2), countryEndings[n.r.IntN(len(countryEndings))])
		if n.r.IntN(100) < 7 {
			name = statePrefixes[n.r.IntN(len(statePrefixes))] + " " + name
		}
		return name
	})
}

func (n *namer) territory() string {
	return n.unique(func() string {
		root := n.word(2 + n.r.IntN(2))
		switch x := n.r.IntN(100); {
		case x < 35:
			return root + " Islands"
		case x < 50:
			return "Saint " + root
		default:
			return root
		}
	})
}

func (n *namer) city() string {
	return n.unique(func() string {
		switch x := n.r.IntN(100); {
		case x < 25:
			return cityPrefixes[n.r.IntN(len(cityPrefixes))] + " " + n.word(2)
		case x < 40:
			return withEnding(n.word(2), cityEndings[n.r.IntN(len(cityEndings))])
		default:
			return n.word(2 + n.r.IntN(2))
		}
	})
}

// organisation names an international organisation of the given style.
func (n *namer) organisation(style int) string {
	return n.unique(func() string {
		root := n.word(2 + n.r.IntN(2))
		switch style {
		case orgUniversal:
			return "Assembly of " + root + " Nations"
		case orgCommonwealth:
			return "Commonwealth of " + root
		}
		switch n.r.IntN(6) {
		case 0:
			return root + " Union"
		case 1:
			return root + " Council"
		case 2:
			return root + " Community"
		case 3:
			return "Organisation of " + root + " States"
		case 4:
			return root + " Cooperation Forum"
		default:
			return "League of " + root
		}
	})
}

// agency names the body that acts for a country where it has no official
// relations (the American Institute in Taiwan, KOTRA).
func (n *namer) agency(country string) string {
	styles := []string{" Trade Council", " Exchange Foundation", " Institute for External Affairs", " Chamber of Commerce"}
	i := n.r.IntN(len(styles))
	for {
		if name := country + styles[i%len(styles)]; n.claim(name) {
			return name
		}
		i++
	}
}

// acronym returns the initials of the significant words of name ("CCNAA"),
// or "" when there are fewer than three.
func acronym(name string) string {
	var b [16]byte
	out := b[:0]
	for w := range strings.FieldsSeq(name) {
		if lw := strings.ToLower(w); lw == "of" || lw == "in" || lw == "the" || lw == "to" || lw == "and" || lw == "for" {
			continue
		}
		for part := range strings.SplitSeq(w, "-") {
			if part != "" && len(out) < cap(out) {
				out = append(out, upper(part[0]))
			}
		}
	}
	if len(out) < 3 {
		return ""
	}
	return string(out)
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// appendSlug appends the slug of name to b: lowercase ASCII letters and
// digits, with single hyphens for the spaces and punctuation between them.
func appendSlug(b []byte, name string) []byte {
	hyphen := false
	start := len(b)
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			hyphen = len(b) > start
			continue
		}
		if hyphen {
			b = append(b, '-')
			hyphen = false
		}
		b = append(b, c)
	}
	return b
}

func slugOf(name string) string { return string(appendSlug(nil, name)) }

// Person names come from two fixed tables of syllable-built first and last
// names, each of which can be read back into its parts in only one way, so
// that distinct table positions give distinct names. The n-th person takes
// position (n*personMul + offset) mod the table size: a bijection, so no
// two persons share a name (and an id) until the tables run out, after
// which a numeric suffix keeps ids unique.
var (
	firstOnsets = []string{"", "b", "d", "f", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v", "z", "j"}
	nameVowels  = []string{"a", "e", "i", "o", "u"}
	firstEnds   = []string{"n", "ra", "l", "na", "rek", "sa", "ric", "la", "mir", "v", "dan", "lo", "ta", "ris", "sh", "nia", "ko", "rin"}
	lastMids    = []string{"l", "lv", "r", "rd", "n", "nd", "m", "st", "k", "v", "z", "sh"}
	lastEnds    = []string{"", "n", "sk", "r", "s", "th", "k", "ck"}

	firstNames = len(firstOnsets) * len(nameVowels) * len(firstEnds)
	lastNames  = len(firstOnsets) * len(nameVowels) * len(lastMids) * len(nameVowels) * len(lastEnds)
	personSpan = uint64(firstNames * lastNames)
)

// personMul is prime and shares no factor with personSpan (whose prime
// factors are 2, 3 and 5), so multiplying by it permutes the table.
const personMul = 2654435761

func appendFirstName(b []byte, i int) []byte {
	o, i := i%len(firstOnsets), i/len(firstOnsets)
	v, e := i%len(nameVowels), i/len(nameVowels)
	return appendCapitalised(b, firstOnsets[o], nameVowels[v], firstEnds[e])
}

func appendLastName(b []byte, i int) []byte {
	o, i := i%len(firstOnsets), i/len(firstOnsets)
	v1, i := i%len(nameVowels), i/len(nameVowels)
	m, i := i%len(lastMids), i/len(lastMids)
	v2, e := i%len(nameVowels), i/len(nameVowels)
	return appendCapitalised(b, firstOnsets[o], nameVowels[v1], lastMids[m], nameVowels[v2], lastEnds[e])
}

func appendCapitalised(b []byte, parts ...string) []byte {
	start := len(b)
	for _, p := range parts {
		b = append(b, p...)
	}
	b[start] = upper(b[start])
	return b
}

// personName returns the name and id slug of the n-th person (n from 0).
func (g *gen) personName(n uint64) (name, slug string) {
	x := ((n%personSpan)*personMul + g.personOffset) % personSpan
	b := appendFirstName(g.buf[:0], int(x%uint64(firstNames)))
	b = append(b, ' ')
	b = appendLastName(b, int(x/uint64(firstNames)))
	name = string(b)
	s := appendSlug(append(g.slug[:0], "person:"...), name)
	if k := n / personSpan; k > 0 {
		s = strconv.AppendUint(append(s, '-'), k+1, 10)
	}
	g.buf, g.slug = b, s
	return name, string(s)
}
