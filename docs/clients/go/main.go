// Command ask asks a Chancery server every way one country is represented
// in another on a date, through a client genqlient generated from the
// schema and representation.graphql, and prints one tab-separated line for
// each: the kind, the mission's id and name, and the third party's id and
// name (empty when there is none).
//
//	go run . [URL [OF IN AS_OF]]
//
// URL defaults to http://localhost:8080/graphql; the question to the United
// States in Cuba in 1990. After changing representation.graphql, run
// "go tool genqlient" here to regenerate generated.go.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/Khan/genqlient/graphql"
)

// entity is what the generated types of an entity, whichever its kind,
// have in common in this query.
type entity interface {
	GetId() string
	GetName() string
}

func main() {
	args := os.Args[1:]
	url, of, in, asOf := "http://localhost:8080/graphql", "country:united-states", "country:cuba", "1990"
	switch len(args) {
	case 0:
	case 1:
		url = args[0]
	case 4:
		url, of, in, asOf = args[0], args[1], args[2], args[3]
	default:
		fmt.Fprintln(os.Stderr, "usage: go run . [URL [OF IN AS_OF]]")
		os.Exit(2)
	}

	client := graphql.NewClient(url, http.DefaultClient)
	answer, err := Representation(context.Background(), client, of, in, asOf)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	for _, r := range answer.Representation {
		fields := []string{string(r.Kind)}
		fields = append(fields, idAndName(r.Mission)...)
		fields = append(fields, idAndName(r.Via)...)
		fmt.Println(strings.Join(fields, "\t"))
	}
}

// idAndName returns an entity's id and name, or two empty strings for an
// entity the answer does not give.
func idAndName(e entity) []string {
	if e == nil {
		return []string{"", ""}
	}
	return []string{e.GetId(), e.GetName()}
}
