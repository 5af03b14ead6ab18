package store

// An import into a store with little or no data need not go through
// Badger's write path at all (write-ahead log, memtable skiplists, then
// compaction after compaction down the levels of the tree). The keys the
// store holds and the keys the import writes or deletes are gathered
// instead in sorted runs on disk, merged in key order, and handed to
// Badger's StreamWriter, which builds the tables of the bottom level
// directly. Memory stays at one run whatever the size of the import.

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// sortRunBytes is how many bytes of keys and values one sorted run holds
// in memory before it is written out. Two runs are in memory at once: one
// being filled, the one before it being sorted and written; with the
// spans that place each key, about 80 MiB each.
var sortRunBytes = 64 << 20

// streamBatchBytes is how much one StreamWriter.Write is given at once.
const streamBatchBytes = 16 << 20

// sortedLoad is a keyWriter that gathers keys for a StreamWriter.
type sortedLoad struct {
	dir   string   // where runs are spilled
	arena []byte   // the current run's keys and values
	kvs   []kvSpan // where each of them is in arena, in the order set
	runs  []string // files of the runs written so far
	// behind, if set, gives the error of the run being sorted and written
	// in the background, once it is written.
	behind chan error
	// spareArena and spareKVs are the buffers of the run written last,
	// for the run after the current one to fill.
	spareArena []byte
	spareKVs   []kvSpan
}

// kvSpan locates one key and value in a run's arena, in 16 bytes: a run
// holds millions of them. An arena stays far below 4 GiB, for it is
// spilled once it holds sortRunBytes.
type kvSpan struct {
	off        uint32
	klen, vlen uint32
	del        bool // the key is deleted, not set
}

// sortDirPattern names the directories of sorted runs in a data directory.
const sortDirPattern = "import-sort-*"

// newSortedLoad makes a directory for the runs in dir, first removing any
// an import stopped part-way left there: the data directory's lock keeps
// any other import out.
func newSortedLoad(dir string) (*sortedLoad, error) {
	stale, err := filepath.Glob(filepath.Join(dir, sortDirPattern))
	if err != nil {
		return nil, err
	}
	for _, d := range stale {
		if err := os.RemoveAll(d); err != nil {
			return nil, fmt.Errorf("remove the runs of an earlier import: %w", err)
		}
	}
	tmp, err := os.MkdirTemp(dir, sortDirPattern)
	if err != nil {
		return nil, fmt.Errorf("make a directory for sorting the import: %w", err)
	}
	return &sortedLoad{dir: tmp}, nil
}

func (s *sortedLoad) Set(k, v []byte) error { return s.add(k, v, false) }

// Delete removes a key set earlier, such as an index key of an entity the
// import replaces.
func (s *sortedLoad) Delete(k []byte) error { return s.add(k, nil, true) }

func (s *sortedLoad) add(k, v []byte, del bool) error {
	s.kvs = append(s.kvs, kvSpan{off: uint32(len(s.arena)), klen: uint32(len(k)), vlen: uint32(len(v)), del: del})
	s.arena = append(append(s.arena, k...), v...)
	if len(s.arena) >= sortRunBytes {
		return s.spillBehind()
	}
	return nil
}

// spillBehind sorts and writes the current run in the background, once
// the run before it is written, and starts the next run in the buffers of
// that one.
func (s *sortedLoad) spillBehind() error {
	if err := s.wait(); err != nil {
		return err
	}
	f, err := s.newRun()
	if err != nil {
		return err
	}
	arena, kvs := s.arena, s.kvs
	s.arena, s.kvs = s.spareArena[:0], s.spareKVs[:0]
	s.spareArena, s.spareKVs = arena, kvs
	done := make(chan error, 1)
	s.behind = done
	go func() { done <- writeRun(f, arena, kvs) }()
	return nil
}

// wait waits for the run being written in the background, if any, and
// returns its error.
func (s *sortedLoad) wait() error {
	if s.behind == nil {
		return nil
	}
	err := <-s.behind
	s.behind = nil
	return err
}

// spill writes the current run, after any being written in the
// background, and empties it.
func (s *sortedLoad) spill() error {
	if err := s.wait(); err != nil {
		return err
	}
	if len(s.kvs) == 0 {
		return nil
	}
	f, err := s.newRun()
	if err != nil {
		return err
	}
	if err := writeRun(f, s.arena, s.kvs); err != nil {
		return err
	}
	s.arena, s.kvs = s.arena[:0], s.kvs[:0]
	return nil
}

// newRun makes the file of the next run, in the order the runs are set.
func (s *sortedLoad) newRun() (*os.File, error) {
	f, err := os.CreateTemp(s.dir, "run-*")
	if err != nil {
		return nil, fmt.Errorf("write a sorted run of the import: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	return f, nil
}

// writeRun sorts the keys of a run and writes them to f, which it closes:
// for each key, a byte saying whether it is set (1) or deleted (0), the
// lengths of key and value as uvarints, then their bytes.
func writeRun(f *os.File, arena []byte, kvs []kvSpan) error {
	keyOf := func(kv kvSpan) []byte { return arena[kv.off : kv.off+kv.klen] }
	pairOf := func(kv kvSpan) []byte { return arena[kv.off : kv.off+kv.klen+kv.vlen] }
	// Of two sets of one key the later stays later: the arena offset
	// breaks ties, which makes the order total.
	slices.SortFunc(kvs, func(a, b kvSpan) int {
		if c := bytes.Compare(keyOf(a), keyOf(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.off, b.off)
	})
	w := bufio.NewWriterSize(f, 1<<20)
	var n [1 + 2*binary.MaxVarintLen64]byte
	for _, kv := range kvs {
		n[0] = 1
		if kv.del {
			n[0] = 0
		}
		l := 1 + binary.PutUvarint(n[1:], uint64(kv.klen))
		l += binary.PutUvarint(n[l:], uint64(kv.vlen))
		w.Write(n[:l])
		w.Write(pairOf(kv))
	}
	err := w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write a sorted run of the import: %w", err)
	}
	return nil
}

// size is how many bytes the runs written so far, and the run in memory,
// hold: about what streaming them writes into the store. It waits for the
// run being written, and fails if that did.
func (s *sortedLoad) size() (uint64, error) {
	if err := s.wait(); err != nil {
		return 0, err
	}
	n := uint64(len(s.arena))
	for _, r := range s.runs {
		if info, err := os.Stat(r); err == nil {
			n += uint64(info.Size())
		}
	}
	return n, nil
}

// close removes the runs, once any being written is.
func (s *sortedLoad) close() error {
	s.wait()
	s.arena, s.kvs, s.spareArena, s.spareKVs = nil, nil, nil, nil
	return os.RemoveAll(s.dir)
}

// streamTo empties bdb and writes into it every key set, in key order, with
// Badger's StreamWriter. Of a key set or deleted more than once, what was
// done last holds. No transaction of bdb may be open.
func (s *sortedLoad) streamTo(bdb *badger.DB) (err error) {
	if err := s.spill(); err != nil {
		return err
	}
	// The merge reads runs through buffers of their own.
	s.arena, s.kvs, s.spareArena, s.spareKVs = nil, nil, nil, nil
	m, err := openMerge(s.runs)
	if err != nil {
		return err
	}
	defer m.close()

	sw := bdb.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		return fmt.Errorf("prepare the store for a sorted load: %w", err)
	}
	defer func() {
		if err != nil {
			sw.Cancel()
		}
	}()
	buf := z.NewBuffer(streamBatchBytes+(1<<20), "chancery.import")
	defer buf.Release()
	kv := &pb.KV{Version: 1}
	for {
		k, v, ok, err := m.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		kv.Key, kv.Value = k, v
		badger.KVToBuffer(kv, buf)
		if buf.LenNoPadding() >= streamBatchBytes {
			if err := sw.Write(buf); err != nil {
				return fmt.Errorf("stream the import into the store: %w", err)
			}
			buf.Reset()
		}
	}
	if err := sw.Write(buf); err != nil {
		return fmt.Errorf("stream the import into the store: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("finish streaming the import into the store: %w", err)
	}
	return nil
}

// merge reads sorted runs in key order.
type merge struct {
	files []*os.File
	h     runHeap
	// k and v are the pair last returned, copied out of the run's reader.
	k, v []byte
}

// runCursor is one run's place in the merge.
type runCursor struct {
	r    *bufio.Reader
	idx  int // the run's number: later runs were set later
	k, v []byte
	del  bool
}

func openMerge(paths []string) (*merge, error) {
	m := &merge{}
	for i, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("read a sorted run of the import: %w", err)
		}
		m.files = append(m.files, f)
		c := &runCursor{r: bufio.NewReaderSize(f, 1<<20), idx: i}
		ok, err := c.advance()
		if err != nil {
			m.close()
			return nil, err
		}
		if ok {
			m.h = append(m.h, c)
		}
	}
	heap.Init(&m.h)
	return m, nil
}

// advance reads the run's next pair; false at its end.
func (c *runCursor) advance() (bool, error) {
	op, err := c.r.ReadByte()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read a sorted run of the import: %w", err)
	}
	c.del = op == 0
	klen, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, fmt.Errorf("read a sorted run of the import: %w", err)
	}
	vlen, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, fmt.Errorf("read a sorted run of the import: %w", err)
	}
	c.k = slices.Grow(c.k[:0], int(klen))[:klen]
	c.v = slices.Grow(c.v[:0], int(vlen))[:vlen]
	if _, err := io.ReadFull(c.r, c.k); err != nil {
		return false, fmt.Errorf("read a sorted run of the import: %w", err)
	}
	if _, err := io.ReadFull(c.r, c.v); err != nil {
		return false, fmt.Errorf("read a sorted run of the import: %w", err)
	}
	return true, nil
}

// next returns the smallest key left that is set in the end, and its
// latest value. The slices are valid until the next call.
func (m *merge) next() (k, v []byte, ok bool, err error) {
	for len(m.h) > 0 {
		m.k = append(m.k[:0], m.h[0].k...)
		del := false
		// Take every run's entry for this key, keeping the latest: runs
		// order by key, then by their number, and a run keeps the order
		// of its entries for one key.
		for len(m.h) > 0 && bytes.Equal(m.h[0].k, m.k) {
			c := m.h[0]
			m.v, del = append(m.v[:0], c.v...), c.del
			more, err := c.advance()
			if err != nil {
				return nil, nil, false, err
			}
			if more {
				heap.Fix(&m.h, 0)
			} else {
				heap.Pop(&m.h)
			}
		}
		if !del {
			return m.k, m.v, true, nil
		}
	}
	return nil, nil, false, nil
}

func (m *merge) close() {
	for _, f := range m.files {
		f.Close()
	}
}

// runHeap orders run cursors by their current key, then by run number.
type runHeap []*runCursor

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	if c := bytes.Compare(h[i].k, h[j].k); c != 0 {
		return c < 0
	}
	return h[i].idx < h[j].idx
}
func (h runHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
