package graph

import (
	"strings"
)

// ID identifies an entity: "kind:slug", where kind is the entity kind's id
// prefix (country, territory, org, mission, city, person, agreement) and slug
// is lowercase ASCII letters, digits and single hyphens. Ids never change once
// published.
type ID string

// MaxIDLength bounds an id so that store keys stay small.
const MaxIDLength = 200

// ParseID checks s and returns it as an ID, or an EINVALID error that says
// what is wrong with it.
func ParseID(s string) (ID, error) {
	prefix, slug, ok := strings.Cut(s, ":")
	if !ok {
		return "", Errorf(EINVALID, "id %q has no kind prefix; ids look like %q", s, "country:united-states")
	}
	if len(s) > MaxIDLength {
		return "", Errorf(EINVALID, "id %.40q... is %d bytes long; the limit is %d", s, len(s), MaxIDLength)
	}
	if _, ok := kindByPrefix[prefix]; !ok {
		return "", Errorf(EINVALID, "id %q has unknown kind prefix %q; use one of %s", s, prefix, strings.Join(idPrefixes(), ", "))
	}
	if err := checkSlug(slug); err != nil {
		return "", Errorf(EINVALID, "id %q: %s", s, err.Message)
	}
	return ID(s), nil
}

func checkSlug(slug string) *Error {
	if slug == "" {
		return Errorf(EINVALID, "the slug after the colon is empty")
	}
	for i := 0; i < len(slug); i++ {
		c := slug[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			if i == 0 || i == len(slug)-1 || slug[i-1] == '-' {
				return Errorf(EINVALID, "a hyphen may not start or end the slug or follow another hyphen")
			}
		default:
			return Errorf(EINVALID, "character %q is not allowed; slugs use lowercase a-z, 0-9 and '-'", rune(c))
		}
	}
	return nil
}

// Kind returns the entity kind named by the id's prefix. It is only
// meaningful for an id that ParseID accepted.
func (id ID) Kind() Kind {
	prefix, _, _ := strings.Cut(string(id), ":")
	return kindByPrefix[prefix]
}
