package jsonl

import (
	"bufio"
	"bytes"
	"runtime"
	"sync"
)

// batchLines is how many lines one batch holds: enough that handing a
// batch from one goroutine to another costs little next to decoding it.
const batchLines = 256

// A pipeline reads the lines of an input in one goroutine and decodes
// them in others, one per core, a batch of lines at a time. The batches
// reach order in the order of the input, each to be waited for (done)
// until it is decoded; a few batches are read ahead, no more.
type pipeline struct {
	fast     Decoder
	order    chan *batch
	jobs     chan *batch
	stopped  chan struct{}
	stopOnce sync.Once
}

// A batch is a run of lines of the input and what they decode to.
type batch struct {
	first int    // the number of its first line
	data  []byte // the bytes of its lines, one after another
	ends  []int  // where each line ends in data
	lines []decoded
	// err is the error that ended the input after these lines, as the
	// scanner gives it; nil for a batch that the input goes on after,
	// or the last of an input read to its end.
	err  error
	done chan struct{} // closed once lines is decoded
}

// decoded is one line as a worker decoded it.
type decoded struct {
	line
	blank bool
	err   error // the sentence that says why the line is not of the format
}

func startPipeline(sc *bufio.Scanner, fast Decoder) *pipeline {
	workers := min(runtime.GOMAXPROCS(0), 8)
	p := &pipeline{
		fast:    fast,
		order:   make(chan *batch, 2*workers),
		jobs:    make(chan *batch, 2*workers),
		stopped: make(chan struct{}),
	}
	go p.read(sc)
	for range workers {
		go p.decode()
	}
	return p
}

// stop makes the pipeline's goroutines end, the reading first.
func (p *pipeline) stop() { p.stopOnce.Do(func() { close(p.stopped) }) }

// read splits the input into batches of lines.
func (p *pipeline) read(sc *bufio.Scanner) {
	defer close(p.order)
	defer close(p.jobs)
	n := 0
	for {
		b := &batch{first: n + 1, done: make(chan struct{})}
		for len(b.ends) < batchLines && sc.Scan() {
			n++
			b.data = append(b.data, sc.Bytes()...)
			b.ends = append(b.ends, len(b.data))
		}
		last := len(b.ends) < batchLines
		if last {
			b.err = sc.Err()
			if len(b.ends) == 0 && b.err == nil {
				return
			}
		}
		// The batch goes to the workers first, so that whoever waits
		// for it in order is sure to see it decoded.
		select {
		case p.jobs <- b:
		case <-p.stopped:
			return
		}
		select {
		case p.order <- b:
		case <-p.stopped:
			return
		}
		if last {
			return
		}
	}
}

// decode decodes the batches it is given.
func (p *pipeline) decode() {
	for b := range p.jobs {
		b.lines = make([]decoded, len(b.ends))
		start := 0
		for i, end := range b.ends {
			l := bytes.TrimSpace(b.data[start:end])
			start = end
			if len(l) == 0 {
				b.lines[i].blank = true
				continue
			}
			b.lines[i].line, b.lines[i].err = decodeLine(l, p.fast)
		}
		b.data = nil
		close(b.done)
	}
}
