package httpapi

import (
	"mime"
	"strconv"
	"strings"
)

// The media types a GraphQL response is sent as. GraphQL over HTTP prefers
// graphql-response+json: with it, a status other than 2xx says the request
// was refused, where with plain JSON every answer to a well-formed request
// is 200, so that clients can tell it from a proxy's error page.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// responseTypes are the media types a response can take, in the server's
// order of preference.
var responseTypes = []string{mediaGraphQLResponse, mediaJSON}

// requestTypes are the media types a POST body can take. The second is an
// early draft's name for GraphQL requests in JSON, kept for old clients.
var requestTypes = []string{mediaJSON, "application/graphql+json"}

// negotiate picks the media type of the response from the Accept header
// values, as HTTP content negotiation does: the type the client gives the
// highest weight, then the one it names most specifically, then the one it
// lists first, then the server's preference. Without an Accept header it is
// application/graphql-response+json, the specification's default since
// 2025. It returns false when the client accepts neither type.
func negotiate(accept []string) (string, bool) {
	header := strings.TrimSpace(strings.Join(accept, ","))
	if header == "" {
		return mediaGraphQLResponse, true
	}
	ranges := parseAccept(header)
	best, bestMatch := "", acceptMatch{}
	for _, offer := range responseTypes {
		m, ok := matchAccept(ranges, offer)
		if !ok || m.q <= 0 {
			continue
		}
		if best == "" || m.better(bestMatch) {
			best, bestMatch = offer, m
		}
	}
	return best, best != ""
}

// acceptRange is one media range of an Accept header.
type acceptRange struct {
	typ, subtype string
	q            float64
	utf8         bool // no charset, or charset utf-8
}

func parseAccept(header string) []acceptRange {
	var out []acceptRange
	for _, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue // a range that does not parse asks for nothing
		}
		typ, subtype, ok := strings.Cut(mt, "/")
		if !ok {
			continue
		}
		r := acceptRange{typ: typ, subtype: subtype, q: 1, utf8: true}
		if v, ok := params["q"]; ok {
			q, err := strconv.ParseFloat(v, 64)
			if err != nil || q < 0 || q > 1 {
				continue
			}
			r.q = q
		}
		if cs, ok := params["charset"]; ok {
			r.utf8 = isUTF8(cs)
		}
		out = append(out, r)
	}
	return out
}

// acceptMatch is how an Accept header takes one media type: the weight and
// position of the most specific range that matches it.
type acceptMatch struct {
	q           float64
	specificity int // 0 for */*, 1 for application/*, 2 for the type itself
	index       int
}

// better reports whether m is a stronger choice than o; a tie keeps the
// earlier, preferred, type.
func (m acceptMatch) better(o acceptMatch) bool {
	switch {
	case m.q != o.q:
		return m.q > o.q
	case m.specificity != o.specificity:
		return m.specificity > o.specificity
	}
	return m.index < o.index
}

// matchAccept finds the most specific range of ranges that covers offer.
// A range that asks for a charset other than UTF-8 covers nothing: every
// response is UTF-8.
func matchAccept(ranges []acceptRange, offer string) (acceptMatch, bool) {
	typ, subtype, _ := strings.Cut(offer, "/")
	best, found := acceptMatch{}, false
	for i, r := range ranges {
		spec := -1
		switch {
		case r.typ == typ && r.subtype == subtype:
			spec = 2
		case r.typ == typ && r.subtype == "*":
			spec = 1
		case r.typ == "*" && r.subtype == "*":
			spec = 0
		}
		if spec < 0 || !r.utf8 {
			continue
		}
		if !found || spec > best.specificity {
			best, found = acceptMatch{q: r.q, specificity: spec, index: i}, true
		}
	}
	return best, found
}

// isUTF8 reports whether a charset parameter names UTF-8.
func isUTF8(charset string) bool {
	cs := strings.ToLower(strings.TrimSpace(charset))
	return cs == "utf-8" || cs == "utf8"
}
