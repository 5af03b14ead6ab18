package synth_test

import (
	"context"
	"fmt"

	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/graph/synth"
)

// A world of a thousand relations: its first countries (two former ones,
// then the see that sends nunciatures) and missions, the source every fact
// cites, and how many relations there were.
func ExampleGenerate() {
	countries, missions, relations := 0, 0, 0
	err := synth.Generate(context.Background(), synth.Options{Relations: 1000, Seed: 1}, func(it synth.Item) error {
		switch {
		case it.Relation != nil:
			relations++
		case it.Entity.Kind == graph.Country && countries < 3:
			countries++
			show(it.Entity)
		case it.Entity.Kind == graph.Mission && missions < 4:
			missions++
			show(it.Entity)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(synth.Source(1).Document+":", synth.Source(1).Quote)
	fmt.Println(relations, "relations")
	// Output:
	// country:south-cherpesteth "South Cherpesteth" ?–1962
	// country:dretosos "Dretosos" 1829–1991
	// country:see-of-netrain "See of Netrain" ?– (known from 2024-06-30)
	// mission:sholhesesh-representative-office-in-saint-zerpaind "Sholhesesh Representative Office in Saint Zerpaind" 1916–
	// mission:markzara-consulate-in-port-goulka "Markzara Consulate in Port Goulka" 2012–2013
	// mission:consulate-general-of-markzara-in-port-goulka "Consulate-General of Markzara in Port Goulka" 2013–
	// mission:consulate-general-of-maindnuna-in-ikre "Consulate-General of Maindnuna in Ikre" 2006-09–
	// Chancery synthetic world: generated with seed 1; every name, date and fact in it is invented
	// 1000 relations
}

// show prints an entity's id, name and period ("?" for an unknown start,
// nothing after the dash for an open end), and, for a start known only
// from an attestation, since when it is known to hold.
func show(e *graph.Entity) {
	fmt.Printf("%s %q %s", e.ID, e.Name, e.Period)
	if e.Period.From.IsZero() && !e.Period.AttestedFrom.IsZero() {
		fmt.Printf(" (known from %s)", e.Period.AttestedFrom)
	}
	fmt.Println()
}
