// Package wikidata imports the database-of-embassies project's extract of
// Wikidata's diplomatic missions: a ';'-separated file with a header row,
// one mission per row (operator, host country, city, type, creation date,
// coordinates, QIDs, and from 2022 the jurisdictions).
//
// Read checks a file's form; MakePlan maps its rows to missions, matches
// the countries, organisations and cities they name against the graph
// (by QID, then by name), and compares them with what an earlier snapshot
// stored, so that the whole change is known before anything is written.
// Plan.Groups are then written in order by the store.
//
// Every mission is mission:wd-<qid> with the attribute dataset:
// wikidata-embassies, and every fact cites the snapshot ("Wikidata
// diplomatic missions (database-of-embassies, 2022-11-16)") and the row's
// Wikidata page. A mission a newer snapshot no longer lists is closed at
// that snapshot's date, never deleted.
package wikidata
