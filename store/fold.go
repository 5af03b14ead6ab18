package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// letterFolds spells out letters that do not decompose into a base letter
// and a mark, so that "Straße" and "Strasse" fold alike.
var letterFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i",
}

// Fold reduces a name to the form the name index keys on: lower case,
// accents removed, punctuation turned into single spaces. "Ständige
// Vertretung" and "standige-vertretung" fold alike.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if f, ok := letterFolds[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		case r == '\'' || r == '’' || r == '.':
			// "People's" and "U.S." read as one word.
		default:
			space = true
		}
	}
	return b.String()
}
