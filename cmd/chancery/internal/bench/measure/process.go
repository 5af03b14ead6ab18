package measure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ServerProcess is a chancery serve that bench started.
type ServerProcess struct {
	cmd    *exec.Cmd
	url    string
	dir    string
	log    *logTail
	exited chan struct{} // closed when the process has exited
	err    error         // what Wait returned, once exited is closed
}

// URL is the server's GraphQL endpoint.
func (p *ServerProcess) URL() string { return p.url }

// PID is the server's process id.
func (p *ServerProcess) PID() int { return p.cmd.Process.Pid }

// firstAnswerQuery is the query whose first answer ends the start-up: a
// small read of the store, as a user's first query would be.
const firstAnswerQuery = `{"query":"query BenchFirstAnswer { entities(first: 1) { edges { node { id name } } } }"}`

// StartServer runs "chancery serve" on dir, on a free port of loopback,
// and waits for its first successful GraphQL answer, which it times from
// the moment the process was started.
func StartServer(ctx context.Context, bin, dir string, timeout time.Duration, extra ...string) (*ServerProcess, time.Duration, error) {
	// The port is chosen here rather than by the server (port 0), so that
	// bench can ask from the first moment instead of waiting for the
	// server's log line, which comes only after it has counted the store.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, fmt.Errorf("cannot find a free port on loopback for the server: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()

	p := &ServerProcess{url: "http://" + addr + "/graphql", dir: dir, log: newLogTail(40), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", dir}, extra...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	start := time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("cannot start %s serve: %w", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()

	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	deadline := start.Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url, strings.NewReader(firstAnswerQuery))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && CheckAnswer(resp.StatusCode, body) == nil {
				return p, time.Since(start), nil
			}
			if rerr == nil {
				err = CheckAnswer(resp.StatusCode, body)
			} else {
				err = rerr
			}
			p.Stop()
			return nil, 0, fmt.Errorf("the server on %s answered its first query with an error: %v", dir, err)
		}
		select {
		case <-p.exited:
			return nil, 0, fmt.Errorf("chancery serve stopped before answering (%v); what it said:\n%s", p.err, p.log)
		case <-ctx.Done():
			p.Stop()
			return nil, 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, 0, fmt.Errorf("chancery serve on %s gave no answer within %s (--start-timeout); what it said:\n%s", dir, timeout, p.log)
		}
	}
}

// Stop sends SIGTERM, as an operator would, and waits for the server to
// finish its requests and close the store; after 30 seconds it is killed.
func (p *ServerProcess) Stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.cmd.Process.Kill()
	}
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("chancery serve on %s did not stop within 30s of SIGTERM and was killed", p.dir)
	}
	if p.err != nil {
		return fmt.Errorf("chancery serve on %s stopped with %v; what it said:\n%s", p.dir, p.err, p.log)
	}
	return nil
}

// importLine is the summary chancery import prints for each JSON Lines or
// seed file.
var importLine = regexp.MustCompile(`imported (\d+) entities and (\d+) relations in (\S+) \(`)

// RunImport runs "chancery import" on dir and times it from start to
// exit.
func RunImport(ctx context.Context, bin, dir string, files []string, stderr io.Writer) (*ImportReport, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append([]string{"import", "--data", dir}, files...)...)
	cmd.Stdout = io.MultiWriter(&out, stderr)
	cmd.Stderr = stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("chancery import into %s failed (%v); its messages are above", dir, err)
	}
	im := &ImportReport{Files: files, Seconds: took.Seconds(), PeakRSSBytes: peakRSS(cmd.ProcessState)}
	var own time.Duration
	for _, m := range importLine.FindAllStringSubmatch(out.String(), -1) {
		e, _ := strconv.Atoi(m[1])
		r, _ := strconv.Atoi(m[2])
		d, _ := time.ParseDuration(m[3])
		im.Entities += e
		im.Relations += r
		own += d
	}
	if im.Relations > 0 {
		im.RelationsPerSecond = float64(im.Relations) / took.Seconds()
		if own > 0 {
			im.ReportedRelationsPerSecond = float64(im.Relations) / own.Seconds()
		}
	}
	return im, nil
}

// CheckNewDir makes sure an import starts from nothing, so that it
// measures the import alone.
func CheckNewDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("cannot read the data directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("--import needs a new data directory, so that it measures the import alone, but %s already holds files; remove it or name another with --data", dir)
	}
	return nil
}

// CheckDataDir makes sure there is a data directory to serve, rather than
// letting the server create and seed one unasked.
func CheckDataDir(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("the data directory %s does not exist; fill one with chancery import --data %s FILE.jsonl (chancery gen writes a synthetic world), start chancery serve --data %s once for the default data, or pass --import FILE to import into it first", dir, dir, dir)
	case err != nil:
		return fmt.Errorf("cannot use the data directory: %w", err)
	case !info.IsDir():
		return fmt.Errorf("--data %s is a file, not a data directory", dir)
	}
	return nil
}

// CheckReachable asks the server at url a small query, so that a wrong
// address fails at once with a message that says what to do.
func CheckReachable(ctx context.Context, url string) error {
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(firstAnswerQuery))
	if err != nil {
		return fmt.Errorf("--url %s: %v", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("no server answers at %s (%v); start one with chancery serve --addr HOST:PORT, or let bench start its own with --data DIR", url, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		err = CheckAnswer(resp.StatusCode, body)
	}
	if err != nil {
		return fmt.Errorf("%s did not answer a GraphQL query (%v); is it the /graphql of chancery serve?", url, err)
	}
	return nil
}

// logTail keeps the last lines a process wrote, to show if it fails.
type logTail struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
}

func newLogTail(max int) *logTail { return &logTail{max: max} }

func (t *logTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, p...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, string(t.partial[:i]))
		t.partial = t.partial[i+1:]
		if len(t.lines) > 2*t.max {
			t.lines = append(t.lines[:0], t.lines[len(t.lines)-t.max:]...)
		}
	}
	if len(t.partial) > 64<<10 { // a line this long is cut
		t.partial = t.partial[:0]
	}
	return len(p), nil
}

func (t *logTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(lines) > t.max {
		lines = lines[len(lines)-t.max:]
	}
	if len(t.partial) > 0 {
		lines = append(slices.Clone(lines), string(t.partial))
	}
	if len(lines) == 0 {
		return "  (nothing)"
	}
	return "  " + strings.Join(lines, "\n  ")
}
