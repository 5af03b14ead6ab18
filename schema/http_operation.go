package schema

// operationType says whether the operation a request would run is a
// "query", a "mutation" or a "subscription", so that the handler can refuse
// a mutation sent by GET before anything runs, as GraphQL over HTTP
// requires. graphql-go keeps its parser internal, so this reads just enough
// of the document: the top-level definitions, skipping what lies inside
// brackets, strings and comments. It answers "" when it cannot tell (the
// document does not lex, or operationName picks no single operation); then
// graphql-go refuses the document itself, and a mutation by GET is still
// refused by the resolvers.
func operationType(document, operationName string) string {
	type operation struct{ typ, name string }
	var ops []operation
	var open []byte // brackets opened and not yet closed
	start := true   // the next top-level token begins a definition
	named := false  // the last top-level token was an operation keyword
	l := lexer{src: document}
	for {
		tok, ok := l.next()
		if !ok {
			return ""
		}
		if tok == "" {
			break
		}
		if len(open) == 0 {
			switch {
			case start && tok == `"`:
				// A description before the definition.
				continue
			case start:
				start = false
				switch tok {
				case "{":
					ops = append(ops, operation{typ: "query"})
				case "query", "mutation", "subscription":
					ops = append(ops, operation{typ: tok})
					named = true
					continue
				}
			case named:
				named = false
				if isNameStart(tok[0]) {
					ops[len(ops)-1].name = tok
					continue
				}
			}
		}
		switch tok {
		case "{", "(", "[":
			open = append(open, tok[0])
		case "}", ")", "]":
			if len(open) == 0 || open[len(open)-1] != opener(tok[0]) {
				return ""
			}
			open = open[:len(open)-1]
			// A definition ends with its selection set.
			start = len(open) == 0 && tok == "}"
		}
	}
	if len(open) > 0 {
		return ""
	}
	if operationName == "" {
		if len(ops) == 1 {
			return ops[0].typ
		}
		return ""
	}
	for _, op := range ops {
		if op.name == operationName {
			return op.typ
		}
	}
	return ""
}

func opener(closer byte) byte {
	switch closer {
	case '}':
		return '{'
	case ')':
		return '('
	}
	return '['
}

// lexer splits a GraphQL document into the tokens operationType needs:
// names, numbers (as one token), punctuators, and strings (as the token
// `"`), skipping white space, commas, comments and the byte order mark.
type lexer struct {
	src string
	pos int
}

// next returns the next token, "" at the end of the document, and false if
// the document does not lex.
func (l *lexer) next() (string, bool) {
	s := l.src
	for l.pos < len(s) {
		switch c := s[l.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			l.pos++
		case c == '#':
			for l.pos < len(s) && s[l.pos] != '\n' && s[l.pos] != '\r' {
				l.pos++
			}
		case len(s)-l.pos >= 3 && s[l.pos:l.pos+3] == "\ufeff":
			l.pos += 3
		default:
			return l.token()
		}
	}
	return "", true
}

func (l *lexer) token() (string, bool) {
	s, from := l.src, l.pos
	c := s[from]
	switch {
	case isNameStart(c):
		l.pos++
		for l.pos < len(s) && (isNameStart(s[l.pos]) || isDigit(s[l.pos])) {
			l.pos++
		}
		return s[from:l.pos], true
	case isDigit(c) || c == '-':
		l.pos++
		for l.pos < len(s) && (isDigit(s[l.pos]) || isNameStart(s[l.pos]) || s[l.pos] == '.' || s[l.pos] == '+' || s[l.pos] == '-') {
			l.pos++
		}
		return s[from:l.pos], true
	case len(s)-from >= 3 && s[from:from+3] == `"""`:
		for i := from + 3; i < len(s); i++ {
			switch {
			case len(s)-i >= 4 && s[i:i+4] == `\"""`:
				i += 3
			case len(s)-i >= 3 && s[i:i+3] == `"""`:
				l.pos = i + 3
				return `"`, true
			}
		}
		return "", false
	case c == '"':
		for i := from + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				l.pos = i + 1
				return `"`, true
			case '\n', '\r':
				return "", false
			}
		}
		return "", false
	case len(s)-from >= 3 && s[from:from+3] == "...":
		l.pos += 3
		return "...", true
	case c == '!' || c == '$' || c == '&' || c == '(' || c == ')' || c == ':' || c == '=' ||
		c == '@' || c == '[' || c == ']' || c == '{' || c == '|' || c == '}':
		l.pos++
		return s[from:l.pos], true
	}
	return "", false
}

// isNameStart reports whether c may begin a name. GraphQL names are ASCII,
// but graphql-go's scanner also takes other Unicode letters, so any byte of
// a multi-byte character counts too: this must find every operation name
// graphql-go would.
func isNameStart(c byte) bool {
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
