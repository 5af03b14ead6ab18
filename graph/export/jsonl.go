package export

import (
	"io"

	"github.com/chancery/chancery/graph/jsonl"
)

// jsonlWriter is a jsonl.Writer as a Writer.
type jsonlWriter struct{ *jsonl.Writer }

// NewJSONL returns a Writer of JSON Lines, the format of package jsonl, to
// w. Each relation line keeps its id, which chancery import checks against
// what the relation states.
func NewJSONL(w io.Writer) Writer { return jsonlWriter{jsonl.NewWriter(w)} }

// Close flushes what is buffered.
func (w jsonlWriter) Close() error { return w.Flush() }
