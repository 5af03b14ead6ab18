// Package measure holds chancery bench's instruments and the reports it
// fills with them: a load of a fixed number of requests at a fixed
// concurrency over real HTTP, with its throughput, latency percentiles
// and errors; a bare handler answering a fixed body, to show what the
// machine allows; clients sending costly queries; a chancery serve or
// chancery import process started and timed; and what a process holds
// in memory and a directory on disk. It knows nothing of the queries,
// which are package mix's.
package measure

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// NewClient returns an HTTP client for a load of the given concurrency:
// it keeps a connection alive for every request in flight, and asks for
// no compression, so that a real server and the bare handler are read
// alike.
func NewClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        0, // no limit
			MaxIdleConnsPerHost: max(2*concurrency, 64),
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// Load is one measurement: Requests requests, Concurrency at a time, each
// a POST of the next of Bodies in turn.
type Load struct {
	Client      *http.Client
	URL         string
	Bodies      [][]byte
	Concurrency int
	Requests    int
	// TimeLimit, if set, stops sending new requests once it has passed,
	// so that a slow query cannot hold a run for hours; the result says
	// so.
	TimeLimit time.Duration
}

// Result is what a load measured.
type Result struct {
	Concurrency int
	// Requests is how many were asked for, Done how many were sent and
	// answered (or failed); fewer when the time limit cut the load short.
	Requests, Done int
	Errors         int
	FirstError     string
	Elapsed        time.Duration
	// Latencies of every request done, successful or not, sorted.
	Latencies []time.Duration
	// Bytes is the total size of the answers' bodies.
	Bytes int64
}

// CutShort reports whether the time limit stopped the load early.
func (r Result) CutShort() bool { return r.Done < r.Requests }

// PerSecond is the throughput: requests done per second of the load.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Done) / r.Elapsed.Seconds()
}

// Percentile returns the latency that a fraction p (0.5 for the median)
// of the requests did not exceed, by nearest rank.
func (r Result) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(n))) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// MeanBytes is the average size of an answer's body.
func (r Result) MeanBytes() int64 {
	if r.Done == 0 {
		return 0
	}
	return r.Bytes / int64(r.Done)
}

// Run sends the load and waits for every answer.
func (l Load) Run(ctx context.Context) Result {
	res := Result{Concurrency: l.Concurrency, Requests: l.Requests}
	if l.Requests <= 0 || len(l.Bodies) == 0 {
		return res
	}
	lat := make([]time.Duration, l.Requests)
	var (
		next       atomic.Int64
		done       atomic.Int64
		errs       atomic.Int64
		bytesRead  atomic.Int64
		firstError sync.Once
		wg         sync.WaitGroup
	)
	start := time.Now()
	var deadline time.Time
	if l.TimeLimit > 0 {
		deadline = start.Add(l.TimeLimit)
	}
	var last atomic.Int64 // nanoseconds since start at which the last answer came
	for range max(l.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= l.Requests || (!deadline.IsZero() && time.Now().After(deadline)) {
					return
				}
				t0 := time.Now()
				err := l.do(ctx, l.Bodies[i%len(l.Bodies)], &buf)
				end := time.Now()
				lat[i] = end.Sub(t0)
				done.Add(1)
				bytesRead.Add(int64(buf.Len()))
				for {
					old := last.Load()
					if d := int64(end.Sub(start)); d <= old || last.CompareAndSwap(old, d) {
						break
					}
				}
				if err != nil {
					errs.Add(1)
					firstError.Do(func() { res.FirstError = err.Error() })
				}
			}
		}()
	}
	wg.Wait()
	// Requests are taken in order, so those done are the first Done, but
	// a slot taken after the deadline was never filled: keep the filled.
	n := int(done.Load())
	kept := lat[:0]
	for _, d := range lat {
		if d > 0 {
			kept = append(kept, d)
		}
	}
	slices.Sort(kept)
	res.Done = n
	res.Errors = int(errs.Load())
	res.Bytes = bytesRead.Load()
	res.Elapsed = time.Duration(last.Load())
	res.Latencies = kept
	return res
}

// do sends one request and reads the whole answer into buf, so that the
// connection is kept alive; an answer that is not 200, or that carries
// GraphQL errors, is an error.
func (l Load) do(ctx context.Context, body []byte, buf *bytes.Buffer) error {
	buf.Reset()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	resp, err := l.Client.Do(req)
	if err != nil {
		return err
	}
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	return CheckAnswer(resp.StatusCode, buf.Bytes())
}

// CheckAnswer returns an error for a GraphQL answer that failed: a status
// other than 200, or an errors array, whose first message it gives.
func CheckAnswer(status int, body []byte) error {
	// The errors array comes before the data, so a quick look first
	// spares decoding every good answer in full.
	if status == http.StatusOK && !bytes.Contains(body, []byte(`"errors":`)) {
		return nil
	}
	var r struct {
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	jerr := json.Unmarshal(body, &r)
	switch {
	case len(r.Errors) > 0:
		e := r.Errors[0]
		msg := e.Message
		if e.Extensions.Code != "" {
			msg = e.Extensions.Code + ": " + msg
		}
		if status != http.StatusOK {
			msg = fmt.Sprintf("status %d: %s", status, msg)
		}
		return fmt.Errorf("%s", msg)
	case status != http.StatusOK:
		return fmt.Errorf("status %d: %s", status, snippet(body))
	case jerr != nil:
		return fmt.Errorf("the answer is not JSON: %v", jerr)
	}
	return nil
}

// snippet is the start of a body, on one line, for an error message.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
