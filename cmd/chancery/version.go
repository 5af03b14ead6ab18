package main

import (
	"fmt"
	"runtime/debug"
)

// buildInfo is what a binary knows of the source it was built from, as
// the go command recorded it (runtime/debug.ReadBuildInfo).
//
// With Go 1.26, go build and go install in a git clone record the
// commit, its time and whether the tree had uncommitted changes, and a
// version: the tag at the commit (v0.3.1), else a pseudo-version
// (v0.0.0-20261207145500-3cf303b1abcd), with +dirty for a modified tree.
// go install of a module@version records that version and no commit, as
// the module's download holds none. go run, go test and -buildvcs=false
// record neither: the version is "(devel)". Nor does a build in a git
// worktree or submodule, whose .git is a file: the go command looks for a
// .git directory.
type buildInfo struct {
	// Version is the main module's version, "" when unknown.
	Version string
	// Revision is the commit built from, "" when unknown.
	Revision string
	// Time is the commit's time (RFC 3339, UTC), "" when unknown.
	Time string
	// Modified is whether the tree had changes not committed in Revision.
	Modified bool
}

// thisBuild is the build of this binary.
var thisBuild = readBuildInfo(debug.ReadBuildInfo()).orLinked(linkedVersion, linkedRevision, linkedTime)

// linkedVersion, linkedRevision and linkedTime are set by the linker, as
// deploy/Dockerfile does from its build arguments:
//
//	go build -ldflags "-X main.linkedRevision=$REVISION -X main.linkedTime=$REVISION_TIME -X main.linkedVersion=$VERSION"
//
// A container build copies the tree without .git, so the go command
// records no version control information there. What it does record wins.
var linkedVersion, linkedRevision, linkedTime string

// orLinked fills in what b does not know from what the linker was given.
func (b buildInfo) orLinked(version, revision, time string) buildInfo {
	if b.Version == "" {
		b.Version = version
	}
	if b.Revision == "" && revision != "" {
		b.Revision, b.Time = revision, time
	}
	return b
}

// readBuildInfo reads what a binary's build info says of its source; ok is
// false when the binary holds none.
func readBuildInfo(info *debug.BuildInfo, ok bool) buildInfo {
	var b buildInfo
	if !ok || info == nil {
		return b
	}
	if v := info.Main.Version; v != "(devel)" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// version is the version alone, as the startup log line and traces give
// it: the module's version, or "unknown".
func (b buildInfo) version() string {
	if b.Version == "" {
		return "unknown"
	}
	return b.Version
}

// String is what "chancery version" prints after "chancery ": the version,
// then the revision and its date, or what of them is unknown and why.
func (b buildInfo) String() string {
	v := b.Version
	if v == "" {
		v = "version unknown"
	}
	switch {
	case b.Revision != "":
		date := b.Time
		if date == "" {
			date = "date unknown"
		}
		s := fmt.Sprintf("%s (revision %s, %s", v, b.Revision, date)
		if b.Modified {
			s += ", with uncommitted changes"
		}
		return s + ")"
	case b.Version != "":
		return v + " (revision and date unknown: built from the module's download, which holds no version control information)"
	default:
		return v + " (built without version control information: go build or go install in a git clone " +
			"records the version, revision and date; go run and -buildvcs=false do not)"
	}
}

// logAttrs are the attributes the startup log line gives the build by.
func (b buildInfo) logAttrs() []any {
	revision, date := b.Revision, b.Time
	if revision == "" {
		revision = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	attrs := []any{"version", b.version(), "revision", revision, "revision_time", date}
	if b.Revision != "" {
		attrs = append(attrs, "modified", b.Modified)
	}
	return attrs
}
