// Package backup holds what chancery backup and restore do beyond parsing
// flags: reading the admin token, downloading a backup from the server
// that holds a data directory, and writing a backup whole or not at all.
package backup

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/chancery/chancery/cmd/chancery/internal/atomicfile"
	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/schema/httpapi"
	"github.com/chancery/chancery/store"
)

// Token returns the admin token and where it came from: the file named
// tokenFile, else CHANCERY_TOKEN from getenv, else "".
func Token(tokenFile string, getenv func(string) string) (token, from string, err error) {
	if tokenFile != "" {
		tokens, err := httpapi.ReadTokenFile(tokenFile)
		if err != nil {
			return "", "", err
		}
		return tokens[0], tokenFile, nil
	}
	if t := strings.TrimSpace(getenv("CHANCERY_TOKEN")); t != "" {
		return t, "CHANCERY_TOKEN", nil
	}
	return "", "", nil
}

// client downloads backups: no overall time limit, since a backup takes
// as long as the store is large, but a server that does not start
// answering within a minute is given up on.
var client = &http.Client{Transport: func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return t
}()}

// Download is a backup being fetched from the server that holds a data
// directory, whose answer has been checked to be a backup.
type Download struct {
	// Base is the server's address as a URL.
	Base string
	url  string
	resp *http.Response
}

// Fetch asks the server h, which holds dataDir, for a backup with the
// admin token (from names where the token came from, for messages). An
// answer other than a backup is an error that says what to do.
func Fetch(ctx context.Context, h store.Holder, dataDir, token, from string) (*Download, error) {
	base := h.Address
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	url := strings.TrimSuffix(base, "/") + "/admin/backup"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("the server holding %s recorded the address %q, which is not a URL: %v", dataDir, h.Address, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot reach %s (pid %d), which holds %s, at %s: %v", h.Command, h.PID, dataDir, url, errors.Unwrap(err))
	}
	if err := status(resp, url, from); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return &Download{Base: base, url: url, resp: resp}, nil
}

// CopyTo writes the backup to w, checking as it goes that it is whole.
func (d *Download) CopyTo(ctx context.Context, w io.Writer) (store.BackupInfo, error) {
	tw := &trackedWriter{w: w}
	info, err := store.VerifyBackup(ctx, io.TeeReader(d.resp.Body, tw))
	if tw.err != nil {
		return info, tw.err
	}
	if err != nil {
		return info, fmt.Errorf("the backup downloaded from %s is not whole: %s", d.url, describe(err))
	}
	return info, nil
}

// Close ends the download.
func (d *Download) Close() error { return d.resp.Body.Close() }

// status turns an answer of the backup endpoint other than a backup into
// an error that says what to do.
func status(resp *http.Response, url, tokenFrom string) error {
	if resp.StatusCode == http.StatusOK {
		if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
			return fmt.Errorf("%s answered with %q, not a backup; is a chancery server listening there?", url, ct)
		}
		return nil
	}
	var body struct {
		Error string `json:"error"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body)
	why := body.Error
	if why == "" {
		why = resp.Status
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("the server at %s refused the admin token from %s: %s; check the token", url, tokenFrom, why)
	case http.StatusServiceUnavailable:
		return fmt.Errorf("the server at %s takes no backups over HTTP: %s; configure admin tokens on it, or stop it and run chancery backup again", url, why)
	case http.StatusNotFound:
		return fmt.Errorf("the server at %s has no backup endpoint (it answered %s); it may run an older chancery: stop it and run chancery backup again", url, resp.Status)
	default:
		return fmt.Errorf("the server at %s answered %s: %s", url, resp.Status, why)
	}
}

// Write runs produce with the output: stdout if file is "-", or else a
// temporary file beside file that is renamed to it once produce has
// succeeded and removed if it has not.
func Write(file string, stdout io.Writer, produce func(io.Writer) (store.BackupInfo, error)) (store.BackupInfo, error) {
	if file == "-" {
		bw := bufio.NewWriterSize(stdout, 1<<20)
		info, err := produce(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			return info, fmt.Errorf("%s; what was written to standard output is not a whole backup", describe(err))
		}
		return info, nil
	}
	out, err := atomicfile.Create(file, atomicfile.Options{Pattern: filepath.Base(file) + ".*.partial"})
	if err != nil {
		return store.BackupInfo{}, err
	}
	defer out.Abort()
	bw := bufio.NewWriterSize(out, 1<<20)
	info, err := produce(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		if err = out.Commit(); err != nil {
			err = errors.Unwrap(err) // Commit's error names file too
		}
	}
	if err != nil {
		return info, fmt.Errorf("no backup written to %s: %s", file, describe(err))
	}
	return info, nil
}

// Describe says in one line what a backup holds.
func Describe(info store.BackupInfo) string {
	s := fmt.Sprintf("%d entities, %d relations, data version %d", info.Entities, info.Relations, info.DataVersion)
	if info.Seeds != "" {
		s += ", seeded with " + info.Seeds
	}
	return s + fmt.Sprintf(", taken %s, %d bytes", info.Created.Format(time.RFC3339), info.Bytes)
}

// trackedWriter keeps the first error of its writer, so that a download
// that could not be written is not reported as a bad download.
type trackedWriter struct {
	w   io.Writer
	err error
}

func (t *trackedWriter) Write(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.w.Write(p)
	t.err = err
	return n, err
}

// describe gives a store error's message for people, without its code.
func describe(err error) error {
	var ge *graph.Error
	if errors.As(err, &ge) {
		return errors.New(ge.Message)
	}
	return err
}
