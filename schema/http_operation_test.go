package schema

import "testing"

func TestOperationType(t *testing.T) {
	for _, tc := range []struct {
		name, document, operationName, want string
	}{
		{"Shorthand", `{ entity(id: "country:cuba") { name } }`, "", "query"},
		{"Query", `query { __typename }`, "", "query"},
		{"NamedQuery", `query Q { __typename }`, "", "query"},
		{"Mutation", `mutation { deleteEntity(id: "city:x") }`, "", "mutation"},
		{"NamedMutation", `mutation M($id: ID!) { deleteEntity(id: $id) }`, "", "mutation"},
		{"Subscription", `subscription S { changes }`, "", "subscription"},
		{"KeywordAsName", `mutation query { __typename }`, "query", "mutation"},
		{"ChosenMutation", `query Q { __typename } mutation M { __typename }`, "M", "mutation"},
		{"ChosenQuery", `query Q { __typename } mutation M { __typename }`, "Q", "query"},
		{"ShorthandBesideNamed", `{ __typename } mutation M { __typename }`, "M", "mutation"},
		{"FragmentFirst", `fragment F on Query { __typename } mutation { ...F }`, "", "mutation"},
		{"FragmentLast", `mutation { ...F } fragment F on Query { __typename }`, "", "mutation"},
		{"FragmentNamedMutation", `fragment mutation on Query { __typename } query { ...mutation }`, "", "query"},
		{"Directives", `mutation M @live(if: true) { __typename }`, "M", "mutation"},
		{"ObjectDefault", `query Q($in: In = {a: {b: "}"}}) { __typename } mutation M { __typename }`, "M", "mutation"},
		{"ListDefault", `query Q($l: [Int] = [1, -2.5e3]) { __typename }`, "Q", "query"},
		{"BraceInString", `query Q { search(text: "} mutation X {") { matched } }`, "X", ""},
		{"EscapedQuote", `query Q { search(text: "\" }") { matched } } mutation M { __typename }`, "M", "mutation"},
		{"BlockString", `query Q { search(text: """ } \""" { """) { matched } } mutation M { __typename }`, "M", "mutation"},
		{"Comments", "# mutation M { x }\nquery Q { __typename # }\n}", "", "query"},
		{"CommentOnly", "# query Q { x }\nmutation M { __typename }", "", "mutation"},
		{"Description", `"Changes things." mutation M { __typename }`, "", "mutation"},
		{"BlockDescription", `"""Changes things."""` + "\nmutation M { __typename }", "", "mutation"},
		{"ByteOrderMark", "\ufeffmutation { __typename }", "", "mutation"},
		{"CommasAndTabs", "mutation,\tM\r\n{ __typename }", "M", "mutation"},
		{"UnicodeName", `mutation Änderung { __typename }`, "Änderung", "mutation"},
		// Where graphql-go will refuse the document anyway, there is no answer.
		{"TwoWithoutName", `query A { __typename } mutation B { __typename }`, "", ""},
		{"UnknownName", `mutation M { __typename }`, "N", ""},
		{"Unclosed", `mutation M { __typename`, "", ""},
		{"Mismatched", `mutation M { __typename )`, "", ""},
		{"UnterminatedString", `mutation M { search(text: "abc) { matched } }`, "", ""},
		{"StringAcrossLines", "mutation M { search(text: \"a\nb\") { matched } }", "", ""},
		{"UnknownCharacter", `mutation M { __typename } %`, "", ""},
		{"Empty", ``, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := operationType(tc.document, tc.operationName); got != tc.want {
				t.Errorf("operationType(%q, %q) = %q, want %q", tc.document, tc.operationName, got, tc.want)
			}
		})
	}
}
