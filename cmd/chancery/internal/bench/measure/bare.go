package measure

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// BareServer is a bare Go HTTP server on loopback that reads each request and
// answers with the same fixed body: the most any handler on this machine
// could do with this client, against which a real server is measured.
type BareServer struct {
	// URL is where it listens.
	URL string

	srv    *http.Server
	served chan error
}

// StartBare starts a bare server answering body, on a free port of
// 127.0.0.1.
func StartBare(body []byte) (*BareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot listen on loopback for the bare handler: %w", err)
	}
	length := strconv.Itoa(len(body))
	b := &BareServer{
		URL: "http://" + ln.Addr().String() + "/graphql",
		srv: &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body) // as a real handler reads the query
				h := w.Header()
				h.Set("Content-Type", "application/graphql-response+json; charset=utf-8")
				h.Set("Content-Length", length)
				w.Write(body)
			}),
			ReadHeaderTimeout: 10 * time.Second,
		},
		served: make(chan error, 1),
	}
	go func() { b.served <- b.srv.Serve(ln) }()
	return b, nil
}

// Close stops the server.
func (b *BareServer) Close() error {
	err := b.srv.Close()
	if serr := <-b.served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
