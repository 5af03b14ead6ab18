package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chancery/chancery/schema"
)

// MinTokenLength is the shortest bearer token a server accepts: shorter
// ones are too easy to guess.
const MinTokenLength = 16

// CheckToken says what is wrong with a token a server is to be started with.
func CheckToken(t string) error {
	if len(t) < MinTokenLength {
		return fmt.Errorf("a token must be at least %d characters (this one has %d); make one with: openssl rand -hex 24", MinTokenLength, len(t))
	}
	if strings.ContainsFunc(t, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("a token may not contain spaces or control characters")
	}
	return nil
}

// ReadTokens gathers the tokens that may write: fromEnv (the value of
// CHANCERY_TOKEN, "" for none) and those of the token file, if one is
// named (see ReadTokenFile). An error names where the bad token is.
func ReadTokens(fromEnv, file string) ([]string, error) {
	var tokens []string
	if t := strings.TrimSpace(fromEnv); t != "" {
		if err := CheckToken(t); err != nil {
			return nil, fmt.Errorf("CHANCERY_TOKEN: %v", err)
		}
		tokens = append(tokens, t)
	}
	if file == "" {
		return tokens, nil
	}
	fromFile, err := ReadTokenFile(file)
	return append(tokens, fromFile...), err
}

// ReadTokenFile reads a token file: one token a line, blank lines and
// lines starting with # skipped. A file with no token, or a token
// CheckToken refuses, is an error naming the file (and line).
func ReadTokenFile(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read the token file: %w", err)
	}
	var tokens []string
	for i, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := CheckToken(t); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		tokens = append(tokens, t)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("the token file %s holds no token, only blank lines and # comments; put one token a line", file)
	}
	return tokens, nil
}

// tokens are the bearer tokens that may write, kept as hashes so that
// comparing them takes the same time whatever the guess.
type tokens [][sha256.Size]byte

func newTokens(ts []string) tokens {
	out := make(tokens, 0, len(ts))
	for _, t := range ts {
		out = append(out, sha256.Sum256([]byte(t)))
	}
	return out
}

// errNoTokens is why writes are refused on a server started without tokens.
const errNoTokens = "writes are disabled on this server: it was started without a token; start chancery serve with CHANCERY_TOKEN set, or with --token-file FILE, and send Authorization: Bearer <token>"

// access decides what r may write. A request without credentials may read;
// one whose credentials are wrong is refused whole.
func (ts tokens) access(r *http.Request) (schema.Access, error) {
	if len(ts) == 0 {
		return schema.Access{Refusal: errNoTokens}, nil
	}
	present, err := ts.authenticate(r)
	switch {
	case err != nil:
		return schema.Access{}, err
	case !present:
		return schema.Access{Refusal: "writes need a token: send the header Authorization: Bearer <token>"}, nil
	case r.Method != http.MethodPost:
		return schema.Access{Refusal: "mutations must be sent with POST"}, nil
	}
	return schema.Access{Allowed: true}, nil
}

// authenticate reports whether r carries credentials, and an error if they
// are not a token this server accepts.
func (ts tokens) authenticate(r *http.Request) (bool, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return false, nil
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return true, errors.New("the Authorization header must be \"Bearer <token>\"")
	}
	if !ts.match(strings.TrimSpace(token)) {
		return true, errors.New("the bearer token is not one this server accepts; check CHANCERY_TOKEN or the token file")
	}
	return true, nil
}

// match compares token with every accepted token, in constant time.
func (ts tokens) match(token string) bool {
	h := sha256.Sum256([]byte(token))
	found := 0
	for _, t := range ts {
		found |= subtle.ConstantTimeCompare(h[:], t[:])
	}
	return found == 1
}

// adminBackup streams a backup of the store to a caller with a token.
func (h *handler) adminBackup(w http.ResponseWriter, r *http.Request) {
	if !h.admit(w, r, "backups", "a backup") {
		return
	}
	h.stream(w, r, "chancery.backup", h.backup)
}

// adminChanges streams to a replica, with a token, the changes since the
// point its query gives (history, since and version; see
// store.FollowPoint), or a full backup when the store cannot follow on
// from there.
func (h *handler) adminChanges(w http.ResponseWriter, r *http.Request) {
	if !h.admit(w, r, "replicas", "following this server") {
		return
	}
	q := r.URL.Query()
	var from ChangesPoint
	from.History = q.Get("history")
	for _, p := range []struct {
		name string
		n    *uint64
	}{{"since", &from.Since}, {"version", &from.Version}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("%s=%q is not a whole number", p.name, v)})
			return
		}
		*p.n = n
	}
	h.stream(w, r, "chancery.changes", func(ctx context.Context, w io.Writer) error {
		return h.changes(ctx, w, from)
	})
}

// admit lets a request with a token through to an admin endpoint, and
// answers any other: what is disabled, for whom, and how to enable it.
func (h *handler) admit(w http.ResponseWriter, r *http.Request, what, needs string) bool {
	fail := func(status int, msg string) {
		writeJSON(w, status, map[string]string{"error": msg})
	}
	if len(h.tokens) == 0 {
		fail(http.StatusServiceUnavailable, what+" over HTTP are disabled on this server: it was started without a token; start it with CHANCERY_TOKEN or --token-file")
		return false
	}
	present, err := h.tokens.authenticate(r)
	if !present || err != nil {
		msg := needs + " needs a token: send Authorization: Bearer <token>"
		if err != nil {
			msg = err.Error()
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="chancery"`)
		fail(http.StatusUnauthorized, msg)
		return false
	}
	return true
}

// stream sends what write writes, as a file of the given name.
func (h *handler) stream(w http.ResponseWriter, r *http.Request, name string, write func(context.Context, io.Writer) error) {
	// A backup of a large store takes longer than the server's write
	// timeout allows an ordinary answer.
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		h.log.WarnContext(r.Context(), "backup: cannot lift the write deadline", "err", err)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := write(r.Context(), w); err != nil {
		// The status is sent; cutting the stream short tells the client.
		h.log.ErrorContext(r.Context(), "streaming "+name+" failed", "err", err)
		panic(http.ErrAbortHandler)
	}
}
