package measure

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var r Result
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := r.Percentile(tc.p); got != tc.want {
			t.Errorf("p%.0f = %s, want %s", tc.p*100, got, tc.want)
		}
	}
	if got := (Result{}).Percentile(0.5); got != 0 {
		t.Errorf("p50 of nothing = %s", got)
	}
}

func TestCheckAnswer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string // "" for no error
	}{
		{"OK", 200, `{"data":{"entity":{"name":"Cuba"}}}`, ""},
		{"FieldError", 200, `{"errors":[{"message":"there is no entity country:x","extensions":{"code":"NOT_FOUND"}}],"data":{"paths":null}}`, "NOT_FOUND: there is no entity country:x"},
		{"Refused", 400, `{"errors":[{"message":"too costly","extensions":{"code":"QUERY_TOO_COMPLEX"}}]}`, "status 400: QUERY_TOO_COMPLEX: too costly"},
		{"NotGraphQL", 502, "Bad Gateway\n", "status 502: Bad Gateway"},
		{"NotJSON", 200, `"errors": oops`, "not JSON"},
		{"ErrorsInData", 200, `{"data":{"search":[{"matched":"\"errors\":"}]}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckAnswer(tc.status, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

// TestLoadBare drives the bare handler with real HTTP on loopback.
func TestLoadBare(t *testing.T) {
	body := []byte(`{"data":{"entity":{"name":"` + strings.Repeat("x", 1000) + `"}}}`)
	bare, err := StartBare(body)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	client := NewClient(4)
	defer client.CloseIdleConnections()
	res := Load{Client: client, URL: bare.URL, Bodies: [][]byte{[]byte(`{"query":"{ a }"}`), []byte(`{"query":"{ b }"}`)},
		Concurrency: 4, Requests: 50}.Run(context.Background())
	if res.Done != 50 || res.Errors != 0 || res.CutShort() || len(res.Latencies) != 50 || res.MeanBytes() != int64(len(body)) {
		t.Fatalf("%+v", res)
	}
	if !slices.IsSorted(res.Latencies) || res.PerSecond() <= 0 || res.Percentile(0.99) < res.Percentile(0.5) {
		t.Errorf("latencies %v, %f/s", res.Latencies, res.PerSecond())
	}
	f := NewFigures(res)
	if f.Done != 50 || f.P50Ms <= 0 || f.MaxMs < f.P99Ms || f.Bytes != int64(len(body)) {
		t.Errorf("%+v", f)
	}

	// A time limit already past stops the load before it sends anything.
	res = Load{Client: client, URL: bare.URL, Bodies: [][]byte{[]byte(`{}`)}, Concurrency: 2, Requests: 10, TimeLimit: time.Nanosecond}.Run(context.Background())
	if !res.CutShort() || res.Done > 2 {
		t.Errorf("with a time limit: %+v", res)
	}
}

func TestReadMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("resident memory is read from /proc")
	}
	m, err := ReadMemory(os.Getpid())
	if err != nil || m.RSS <= 0 || m.Peak < m.RSS || m.Anon <= 0 || m.Anon+m.File > m.RSS {
		t.Errorf("%+v, %v", m, err)
	}
	s := SampleMemory(os.Getpid(), time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if peak := s.Stop(); peak.RSS <= 0 || peak.Anon <= 0 || peak.Anon+peak.File > peak.RSS {
		t.Errorf("peak %+v", peak)
	}
	if _, err := ReadMemory(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
