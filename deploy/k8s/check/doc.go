// Package check validates the Kubernetes manifests of deploy/k8s: its
// tests decode each against the Kubernetes API's own types, refusing
// fields those do not have, and check what a misspelling or a stale name
// would break there without a word (probes, flags, selectors, the
// replicas' primary, the tokens), against the chancery binary built from
// this repository.
//
// It is a module of its own, so that the service's go.mod holds no
// Kubernetes dependencies. Run it with go test in this directory;
// cmd/chancery's TestDeployManifests does, in go test ./....
package check
