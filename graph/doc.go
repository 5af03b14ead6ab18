// Package graph is Chancery's domain: the entities and dated, sourced
// relations of diplomatic representation, the rules that say which relations
// may join which kinds of entity, partial dates and periods with their asOf
// semantics, and the error type every layer speaks.
//
// It imports only the standard library. Storage (package store) and transport
// (package schema) depend on it, never the other way round.
package graph
