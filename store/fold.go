package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return foldUnicode(s)
		}
	}
	return foldASCII(s)
}

// foldASCII is Fold for a string of ASCII alone, which has no accents to
// take off: a search folds the names of every candidate it ranks, and most
// are ASCII.
func foldASCII(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '\'' || c == '.':
			continue
		default:
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}

func foldUnicode(s string) string {
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
