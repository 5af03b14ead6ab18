// Package jsonl reads and writes Chancery's interchange format: JSON Lines,
// one entity or relation per line, as
//
//	{"entity": {"id": "country:cuba", "kind": "COUNTRY", "name": "Cuba", "sources": [...]}}
//	{"relation": {"type": "SENT_BY", "from": "mission:...", "to": "country:cuba", "sources": [...]}}
//
// with the fields of graph.Entity and graph.Relation. A relation's id may be
// left out: it is derived from what the relation states. Every entity a
// relation names must come before it in the file or already be stored, so a
// file can be checked and loaded in one pass. It is the format of
// "chancery gen" and of "chancery import".
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"unicode/utf8"

	"github.com/chancery/chancery/graph"
)

// maxLine is the longest line a Reader accepts; a longer one is an error
// rather than a slow read of a runaway file.
const maxLine = 4 << 20

// line is one line of the format.
type line struct {
	Entity   *graph.Entity   `json:"entity,omitempty"`
	Relation *graph.Relation `json:"relation,omitempty"`
}

// Writer writes entities and relations as JSON Lines.
type Writer struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewWriter returns a Writer on w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{w: bw, enc: enc}
}

// Entity writes one entity line.
func (w *Writer) Entity(e *graph.Entity) error { return w.enc.Encode(line{Entity: e}) }

// Relation writes one relation line.
func (w *Writer) Relation(r *graph.Relation) error { return w.enc.Encode(line{Relation: r}) }

// Flush writes what is buffered.
func (w *Writer) Flush() error { return w.w.Flush() }

// Reader reads JSON Lines written by a Writer, or by hand. It decodes the
// lines ahead of Next, on every core (pipeline.go), and hands them out in
// the order of the input.
type Reader struct {
	name string
	sc   *bufio.Scanner
	p    *pipeline // started by the first Next
	cur  *batch    // the batch Next hands out, or nil
	i    int       // the next line of cur to hand out
	n    int       // the line read last
	fast Decoder   // tried before encoding/json; nil for none
}

// NewReader returns a Reader on r; name (a file name) starts every error
// message, with the line number. It decodes with encoding/json.
func NewReader(r io.Reader, name string) *Reader {
	return NewReaderWith(r, name, nil)
}

// A Decoder decodes b, which must be exactly one JSON value, into v,
// refusing any field v does not have, as encoding/json's Decoder with
// DisallowUnknownFields does.
type Decoder func(b []byte, v any) error

// NewReaderWith is NewReader decoding each line with fast first (if not
// nil). A line fast refuses, or that is not valid UTF-8, is decoded
// again with encoding/json, whose errors the messages describe and whose
// reading of the format is the reference: a faster decoder that reads
// what it accepts as encoding/json does changes how fast a Reader reads,
// never what it reads. (The store's decoder is one, and a test holds it
// to that.)
func NewReaderWith(r io.Reader, name string, fast Decoder) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	return &Reader{name: name, sc: sc, fast: fast}
}

// Line returns the number of the line read last.
func (r *Reader) Line() int { return r.n }

// Close stops the decoding ahead of Next: call it when done with a Reader
// not read to its end (the error or io.EOF). It does not close the input.
func (r *Reader) Close() error {
	if r.p != nil {
		r.p.stop()
	}
	return nil
}

// Next returns the next entity or relation (exactly one is set), skipping
// blank lines, or io.EOF at the end. A line that is not one entity or one
// relation of the format is an EINVALID error naming the file and line.
// Next checks the form of a line only; what it says is checked where it is
// loaded.
func (r *Reader) Next() (*graph.Entity, *graph.Relation, error) {
	if r.p == nil {
		r.p = startPipeline(r.sc, r.fast)
		// A Reader dropped before its end stops the pipeline too.
		runtime.AddCleanup(r, (*pipeline).stop, r.p)
	}
	for {
		if r.cur == nil || r.i == len(r.cur.lines) {
			if r.cur != nil && r.cur.err != nil {
				return nil, nil, r.inputError(r.cur)
			}
			b, ok := <-r.p.order
			if !ok {
				r.cur = nil
				return nil, nil, io.EOF
			}
			<-b.done
			r.cur, r.i = b, 0
			continue
		}
		l := &r.cur.lines[r.i]
		r.n = r.cur.first + r.i
		r.i++
		switch {
		case l.blank:
			continue
		case l.err != nil:
			return nil, nil, r.errorf("%s", l.err)
		case l.Entity != nil && l.Relation != nil:
			return nil, nil, r.errorf("the line has both an entity and a relation; give each its own line")
		case l.Entity == nil && l.Relation == nil:
			return nil, nil, r.errorf(`the line has neither "entity" nor "relation"`)
		}
		return l.Entity, l.Relation, nil
	}
}

// inputError is the error of reading the input after the lines of b,
// which is b.err.
func (r *Reader) inputError(b *batch) error {
	r.n = b.first + len(b.lines) - 1
	if errors.Is(b.err, bufio.ErrTooLong) {
		r.n++
		return r.errorf("the line is longer than %d bytes; is this a JSON Lines file?", maxLine)
	}
	return fmt.Errorf("read %s after line %d: %w", r.name, r.n, b.err)
}

// decodeLine decodes one line that is not blank: with fast, if it is
// given and takes the line, else with encoding/json (decodeLineStd). The
// error is the sentence for the message, without the file and line.
func decodeLine(b []byte, fast Decoder) (line, error) {
	if fast != nil && utf8.Valid(b) {
		var l line
		if err := fast(b, &l); err == nil {
			return l, nil
		}
	}
	return decodeLineStd(b)
}

// decodeLineStd decodes one line with encoding/json.
func decodeLineStd(b []byte) (line, error) {
	var l line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return line{}, errors.New(describeJSONError(err))
	}
	if dec.More() {
		return line{}, errors.New("more than one JSON value on the line; put each entity or relation on a line of its own")
	}
	return l, nil
}

// Errorf returns an EINVALID error about the line read last.
func (r *Reader) Errorf(format string, args ...any) error { return r.errorf(format, args...) }

func (r *Reader) errorf(format string, args ...any) error {
	return graph.Errorf(graph.EINVALID, "%s:%d: %s", r.name, r.n, fmt.Sprintf(format, args...))
}

// describeJSONError turns the decoder's errors into sentences.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var domain *graph.Error
	switch {
	case errors.As(err, &domain):
		// A value the domain rejects, such as a date: its message alone,
		// not Error's "chancery: invalid: " inside ours.
		return domain.Message
	case errors.As(err, &syntax):
		return fmt.Sprintf("not valid JSON at byte %d: %v", syntax.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the line ends in the middle of a JSON value (is the file cut short?)"
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Sprintf(`the line is a JSON %s; write an object with "entity" or "relation"`, typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q should be a %s, not a JSON %s", typ.Field, typ.Type, typ.Value)
	}
	return err.Error()
}
