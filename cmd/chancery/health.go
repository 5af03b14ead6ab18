package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// Defaults of chancery health.
const (
	// DefaultHealthURL is the liveness check of a server listening on
	// port 8080, as the container image's does.
	DefaultHealthURL     = "http://127.0.0.1:8080/healthz"
	DefaultHealthTimeout = 5 * time.Second
)

// Health is the health command: it asks a running server's health check
// and exits 0 when it answers 200, else 1 with what was wrong. It is the
// container image's HEALTHCHECK, for an image that has no shell or curl.
type Health struct {
	URL     string
	Timeout time.Duration

	stdout, stderr io.Writer
	getenv         func(string) string
}

// NewHealth returns the health command writing to the given streams and
// reading defaults from getenv.
func NewHealth(stdout, stderr io.Writer, getenv func(string) string) *Health {
	return &Health{stdout: stdout, stderr: stderr, getenv: getenv}
}

// ParseFlags reads the flags; health takes no arguments.
func (c *Health) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery health", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	def := DefaultHealthURL
	if v := c.getenv("CHANCERY_HEALTH_URL"); v != "" {
		def = v
	}
	fs.StringVar(&c.URL, "url", def, "the health check's `URL` (env CHANCERY_HEALTH_URL)")
	fs.DurationVar(&c.Timeout, "timeout", DefaultHealthTimeout, "how `long` to wait for the whole answer")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery health [--url URL] [--timeout 5s]

Asks a running server's health check with GET and exits with status 0 when
it answers 200, else with status 1 and one line saying what was wrong: no
server listening, no answer in time, or the status and the first line of
the answer. /healthz says whether the server is alive, /readyz whether it
should be sent requests. It is the container image's HEALTHCHECK, which
has no shell or curl to ask with.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "chancery health takes no arguments, but was given %q; give the URL with --url\n", fs.Args())
		fs.Usage()
		return errors.New("bad arguments")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(c.stderr, "invalid value %q for -url: give an http:// or https:// URL with a host, such as %s\n", c.URL, DefaultHealthURL)
		return errors.New("bad URL")
	}
	if c.Timeout <= 0 {
		fmt.Fprintf(c.stderr, "invalid value %s for -timeout: give a duration above zero, such as 5s\n", c.Timeout)
		return errors.New("bad timeout")
	}
	return nil
}

// Run asks the URL once.
func (c *Health) Run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return fmt.Errorf("%s: %v", c.URL, err)
	}
	client := &http.Client{
		// A proxy from the environment has no business between a
		// container and its own server.
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		// A redirect is an answer other than 200, and is reported as one.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return c.requestError(ctx, err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(io.LimitReader(resp.Body, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s answered %s, but its answer could not be read: %v", c.URL, resp.Status, c.requestError(ctx, err))
	}
	line = strings.TrimSpace(line)
	if len(line) > 200 {
		line = line[:200] + "..."
	}
	if resp.StatusCode != http.StatusOK {
		if line == "" {
			return fmt.Errorf("%s answered %s, with an empty body", c.URL, resp.Status)
		}
		return fmt.Errorf("%s answered %s: %s", c.URL, resp.Status, line)
	}
	fmt.Fprintf(c.stdout, "%s answered %s: %s\n", c.URL, resp.Status, line)
	return nil
}

// requestError says why a request got no answer, and what to look at.
func (c *Health) requestError(ctx context.Context, err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || os.IsTimeout(err):
		return fmt.Errorf("%s gave no answer within %s: the server is stuck or overloaded; give more time with --timeout", c.URL, c.Timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s: connection refused: no server listens there; start chancery serve, or point --url (CHANCERY_HEALTH_URL) at its --addr", c.URL)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%s: the host %s is not known: %v; check --url (CHANCERY_HEALTH_URL)", c.URL, dnsErr.Name, dnsErr.Err)
	default:
		return fmt.Errorf("%s: %v", c.URL, err)
	}
}

// Close releases nothing: health holds nothing open.
func (c *Health) Close() error { return nil }
