package progress

import (
	"strings"
	"testing"
	"time"

	"github.com/chancery/chancery/store"
)

// TestImportWritesLinesAtMostOnceASecond checks what a log or CI gets: a
// plain line, no more than once a second.
func TestImportWritesLinesAtMostOnceASecond(t *testing.T) {
	var out strings.Builder
	p := NewImport(&out, "world.jsonl")
	p.Update("check", store.ImportStats{Entities: 1, Relations: 2})
	if out.Len() > 0 {
		t.Fatalf("a line before a second had passed: %q", out.String())
	}
	time.Sleep(time.Second)
	p.Update("write", store.ImportStats{Entities: 3, Relations: 4})
	p.Update("write", store.ImportStats{Entities: 5, Relations: 6})
	p.Finish()
	if got, want := out.String(), "world.jsonl: write: 3 entities, 4 relations\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}
