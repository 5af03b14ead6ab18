package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/store"
)

// follower keeps a replica's store a copy of its primary's: every interval
// it asks the primary for the changes since the point it holds
// (GET /admin/changes) and applies them (store.DB.Follow).
type follower struct {
	db       *store.DB
	primary  string // the primary's base URL, ending in /
	token    string
	interval time.Duration
	maxLag   time.Duration
	client   *http.Client
	log      *slog.Logger

	mu sync.Mutex
	// caughtUp is when the last request for changes that was applied
	// began: the replica holds every write the primary committed before
	// it. Zero until the replica holds a copy.
	caughtUp      time.Time
	version       uint64 // the replica's data version
	lastErr       error  // of the last attempt; nil after a success
	full, applied int    // full copies loaded, changes applied
	failures      int    // attempts that failed
}

func newFollower(db *store.DB, primary, token string, interval, maxLag time.Duration, log *slog.Logger) *follower {
	return &follower{db: db, primary: strings.TrimRight(primary, "/") + "/", token: token,
		interval: interval, maxLag: maxLag, log: log,
		// No overall timeout: a full copy of a large store takes as long
		// as it takes. A primary that stops answering is noticed by the
		// transport's timeouts and by the context.
		client: &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			ResponseHeaderTimeout: 2 * time.Minute,
			IdleConnTimeout:       time.Minute,
		}}}
}

// run follows the primary until ctx ends.
func (f *follower) run(ctx context.Context) {
	for {
		f.step(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(f.interval):
		}
	}
}

// step asks for the changes once and applies them, starting over with a
// full copy when they are too large to apply at once.
func (f *follower) step(ctx context.Context) {
	err := f.fetch(ctx, false)
	if errors.Is(err, store.ErrStartOver) {
		f.log.Info("following: the changes are too large to apply at once; loading a full copy", "primary", f.primary)
		err = f.fetch(ctx, true)
	}
	if ctx.Err() != nil {
		return
	}
	f.mu.Lock()
	was := f.lastErr
	f.lastErr = err
	if err != nil {
		f.failures++
	}
	f.mu.Unlock()
	switch {
	case err != nil && (was == nil || was.Error() != err.Error()):
		lag, known := f.status().lag()
		f.log.Warn("following: cannot bring this replica up to date; it serves what it holds", "primary", f.primary, "err", err, "lag", lagText(lag, known))
	case err == nil && was != nil:
		f.log.Info("following: up to date again", "primary", f.primary, "version", f.status().version)
	}
}

// fetch asks the primary for what changed since this replica's point (a
// full copy if full is set or the replica holds none) and applies it.
func (f *follower) fetch(ctx context.Context, full bool) error {
	p, err := f.db.Point(ctx)
	if err != nil {
		return err
	}
	if full {
		p = store.FollowPoint{}
	}
	q := url.Values{}
	if p.History != "" {
		q.Set("history", p.History)
		q.Set("since", strconv.FormatUint(p.Since, 10))
		q.Set("version", strconv.FormatUint(p.Version, 10))
	}
	began := time.Now()
	// A primary that stops sending (a machine paused, a network that
	// drops packets) is given up on after a while with nothing, and
	// asked again at the next step.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(stalledAfter, func() {
		cancel(fmt.Errorf("the primary sent nothing for %s", stalledAfter))
	})
	defer idle.Stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.primary+"admin/changes?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := f.client.Do(req)
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
			err = cause
		}
		return fmt.Errorf("the primary does not answer: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(body))
		}
		if resp.StatusCode == http.StatusNotFound {
			e.Error = "it serves no /admin/changes: is it a chancery serve of this release, and not itself a replica?"
		}
		return fmt.Errorf("the primary answered %s: %s", resp.Status, e.Error)
	}
	res, err := f.db.Follow(ctx, &watched{r: resp.Body, idle: idle})
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
			return cause
		}
		return err
	}
	f.mu.Lock()
	f.caughtUp, f.version = began, res.Version
	if res.Full {
		f.full++
	} else {
		f.applied++
	}
	f.mu.Unlock()
	if res.Full {
		f.log.Info("following: loaded a full copy of the primary's data", "primary", f.primary,
			"version", res.Version, "entities", res.Info.Entities, "relations", res.Info.Relations, "took", time.Since(began).Round(time.Millisecond).String())
	}
	return nil
}

// stalledAfter is how long a replica waits for the next bytes of its
// primary's answer before it gives up on it.
const stalledAfter = time.Minute

// watched is a reader that puts off its idle timer whenever it reads.
type watched struct {
	r    io.Reader
	idle *time.Timer
}

func (w *watched) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.idle.Reset(stalledAfter)
	}
	return n, err
}

// followStatus is what the follower knows, at one moment.
type followStatus struct {
	caughtUp                time.Time
	version                 uint64
	lastErr                 error
	full, applied, failures int
}

func (f *follower) status() followStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return followStatus{f.caughtUp, f.version, f.lastErr, f.full, f.applied, f.failures}
}

// lag is how far behind its primary the replica may be: it holds every
// write the primary committed before now minus lag. It is not known (0,
// false) until the replica has caught up once since it started.
func (st followStatus) lag() (time.Duration, bool) {
	if st.caughtUp.IsZero() {
		return 0, false
	}
	return time.Since(st.caughtUp), true
}

// ready says why the replica should not be sent requests, or nil: it
// holds no copy yet, or lags by more than maxLag.
func (f *follower) ready() error { return f.readyAt(f.status()) }

func (f *follower) readyAt(st followStatus) error {
	why := ""
	if st.lastErr != nil {
		why = "; the last attempt to follow failed: " + st.lastErr.Error()
	}
	lag, known := st.lag()
	switch {
	case f.db.Copying():
		return fmt.Errorf("loading a full copy of the primary's data from %s", f.primary)
	case !known:
		return fmt.Errorf("not yet caught up with the primary at %s%s", f.primary, why)
	case lag > f.maxLag:
		return fmt.Errorf("lagging: this replica holds the primary's writes up to %s ago, more than --max-lag %s (data version %d)%s",
			lag.Round(time.Millisecond), f.maxLag, st.version, why)
	}
	return nil
}

// healthy says whether the replica's store can be read, without reading
// it while a full copy is loaded.
func (f *follower) healthy(ctx context.Context) error { return f.db.Healthy(ctx) }

// metrics reports the follower's status for /metrics.
func (f *follower) metrics() httpapi.ReplicaStatus {
	st := f.status()
	lag, known := st.lag()
	return httpapi.ReplicaStatus{Lag: lag, LagKnown: known, Version: st.version, Ready: f.readyAt(st) == nil,
		Changes: st.applied, Full: st.full, Failed: st.failures}
}

// lagText writes a lag for people.
func lagText(lag time.Duration, known bool) string {
	if !known {
		return "unknown (not caught up since this server started)"
	}
	return lag.Round(time.Millisecond).String()
}
