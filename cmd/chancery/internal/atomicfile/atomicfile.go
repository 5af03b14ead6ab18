// Package atomicfile writes a file under a temporary name beside its final
// name and renames it into place once it is whole, so that a failed write
// leaves no part of a file behind and does not replace a good one.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Options say how the temporary file is made.
type Options struct {
	// Pattern names the temporary file as os.CreateTemp does; empty
	// gives "." + the final name's base + ".tmp-*", a hidden file.
	Pattern string
	// Perm is the file's permissions; 0 leaves os.CreateTemp's 0600.
	Perm os.FileMode
}

// File is an output file being written under a temporary name. Write to
// it, then Commit; Abort removes it unless it was committed.
type File struct {
	f     *os.File
	final string
	done  bool
}

// Create starts the file final under a temporary name in its directory.
// Its errors name final and, if it is missing, the directory.
func Create(final string, o Options) (*File, error) {
	dir := filepath.Dir(final)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("cannot write %s: the directory %s does not exist", final, dir)
	}
	if fi, err := os.Stat(final); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("cannot write %s: it is a directory", final)
	}
	pattern := o.Pattern
	if pattern == "" {
		pattern = "." + filepath.Base(final) + ".tmp-*"
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", final, cause(err))
	}
	if o.Perm != 0 {
		if err := f.Chmod(o.Perm); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("cannot write %s: %w", final, err)
		}
	}
	return &File{f: f, final: final}, nil
}

// Write writes to the temporary file.
func (p *File) Write(b []byte) (int, error) { return p.f.Write(b) }

// Name is the final name.
func (p *File) Name() string { return p.final }

// TempName is the temporary name the file is written under until Commit.
func (p *File) TempName() string { return p.f.Name() }

// Commit flushes the file to disk, closes it and gives it its final name.
// If any of that fails the temporary file is removed.
func (p *File) Commit() error {
	err := p.f.Sync()
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(p.f.Name(), p.final)
	}
	if err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("cannot write %s: %w", p.final, cause(err))
	}
	p.done = true
	return nil
}

// Abort closes and removes the file unless it was committed. It may be
// called more than once, and after Commit.
func (p *File) Abort() {
	if !p.done {
		p.f.Close()
		os.Remove(p.f.Name())
		p.done = true
	}
}

// cause strips the operation and path an *os.PathError or
// *os.LinkError adds, since the messages here name the file themselves.
func cause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
