// Package progress shows how a long command is getting on, for the person
// waiting: a bar when the output is a terminal, and otherwise a plain
// line at most once a second, which reads well in logs and CI.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/chancery/chancery/store"
)

// Import shows how an import of one file is getting on through its passes
// (store.ImportOptions.Progress): checking, writing, and loading sorted
// keys.
type Import struct {
	w     io.Writer
	name  string
	tty   bool
	bar   *progressbar.ProgressBar
	pass  string
	total int // items the check pass counted: the write pass's total
	last  time.Time
}

// NewImport shows the import of the file name on w.
func NewImport(w io.Writer, name string) *Import {
	f, ok := w.(*os.File)
	return &Import{w: w, name: name, tty: ok && term.IsTerminal(int(f.Fd())), last: time.Now()}
}

// Update is store.ImportOptions.Progress: the import is in pass and has
// gone through s.
func (p *Import) Update(pass string, s store.ImportStats) {
	n := s.Entities + s.Relations
	if !p.tty {
		if now := time.Now(); now.Sub(p.last) >= time.Second {
			p.last = now
			fmt.Fprintf(p.w, "%s: %s: %d entities, %d relations\n", p.name, pass, s.Entities, s.Relations)
		}
		if pass == "check" {
			p.total = n
		}
		return
	}
	if pass != p.pass {
		p.Finish()
		p.pass = pass
		max := int64(-1) // the check pass does not know how much is coming
		desc := p.name + ": checking"
		switch pass {
		case "write":
			max, desc = int64(p.total), p.name+": writing"
		case "sort":
			desc = p.name + ": loading the sorted keys into the store"
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("items"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if pass == "check" {
		p.total = n
	}
	p.bar.Set64(int64(n))
}

// Finish clears the bar, if there is one; call it when the import is done.
func (p *Import) Finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
