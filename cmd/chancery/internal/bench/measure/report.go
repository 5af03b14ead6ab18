package measure

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Header begins every report of chancery bench, as written in JSON: how
// it was run, when, against which server and store, and on which machine.
type Header struct {
	Command []string  `json:"command"`
	Time    time.Time `json:"time"`
	// URL is the GraphQL endpoint measured; DataDir is the directory of
	// the server the benchmark started, if it started one.
	URL     string  `json:"url"`
	DataDir string  `json:"data_dir,omitempty"`
	Machine Machine `json:"machine"`
	Store   Store   `json:"store"`
}

// write writes the lines every table of a report begins with; server and
// store are added to the lines of the URL and of the store's counts.
func (h *Header) write(b *strings.Builder, server, store string) {
	fmt.Fprintf(b, "%s\n", strings.Join(h.Command, " "))
	fmt.Fprintf(b, "run      %s\n", h.Time.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(b, "server   %s%s\n", h.URL, server)
	fmt.Fprintf(b, "store    %s entities, %s relations%s\n", Thousands(int64(h.Store.Entities)), Thousands(int64(h.Store.Relations)), store)
	m := h.Machine
	fmt.Fprintf(b, "machine  %s, %d CPUs, GOMAXPROCS %d, %s %s/%s\n", m.CPUModel, m.CPUs, m.GOMAXPROCS, m.GoVersion, m.OS, m.Arch)
}

// Report is everything one run of the mix measured, as written in JSON.
// Figures that could not be measured are null.
type Report struct {
	Header
	// StartedServer says whether the benchmark started the server itself,
	// on DataDir.
	StartedServer bool     `json:"started_server"`
	Settings      Settings `json:"settings"`
	// Bare is the bare handler, answering a fixed body the size of the
	// first query's answer, driven by the same client.
	Bare    BareReport    `json:"bare"`
	Queries []QueryReport `json:"queries"`
	Server  ServerReport  `json:"server"`
	Import  *ImportReport `json:"import"`
	Disk    *DiskReport   `json:"disk"`
	// Baseline is the report the p50s were compared with, if any.
	Baseline string `json:"baseline,omitempty"`
}

// Store is what the store holds.
type Store struct {
	Entities  int `json:"entities"`
	Relations int `json:"relations"`
}

// Settings are the benchmark's parameters.
type Settings struct {
	Requests         int     `json:"requests"`
	Warmup           int     `json:"warmup"`
	Concurrency      []int   `json:"concurrency"`
	Seed             uint64  `json:"seed"`
	Inputs           int     `json:"inputs"`
	TimeLimitSeconds float64 `json:"time_limit_seconds"`
}

// Figures are one load's results.
type Figures struct {
	Concurrency int `json:"concurrency"`
	// Requests were asked for; Done were sent and answered, fewer when
	// the time limit cut the load short.
	Requests          int     `json:"requests"`
	Done              int     `json:"done"`
	CutShort          bool    `json:"cut_short"`
	Errors            int     `json:"errors"`
	FirstError        string  `json:"first_error,omitempty"`
	RequestsPerSecond float64 `json:"requests_per_second"`
	P50Ms             float64 `json:"p50_ms"`
	P99Ms             float64 `json:"p99_ms"`
	MeanMs            float64 `json:"mean_ms"`
	MaxMs             float64 `json:"max_ms"`
	Seconds           float64 `json:"seconds"`
	// Bytes is the mean size of an answer's body.
	Bytes int64 `json:"bytes"`
	// VsBare is this load's requests per second over the bare handler's
	// at the same concurrency.
	VsBare *float64 `json:"vs_bare"`
	// P50VsBaseline is this p50 over the baseline report's, for the same
	// query and concurrency.
	P50VsBaseline *float64 `json:"p50_vs_baseline,omitempty"`
}

// NewFigures sums up a result.
func NewFigures(r Result) Figures {
	var sum time.Duration
	for _, d := range r.Latencies {
		sum += d
	}
	f := Figures{
		Concurrency:       r.Concurrency,
		Requests:          r.Requests,
		Done:              r.Done,
		CutShort:          r.CutShort(),
		Errors:            r.Errors,
		FirstError:        r.FirstError,
		RequestsPerSecond: r.PerSecond(),
		P50Ms:             ms(r.Percentile(0.50)),
		P99Ms:             ms(r.Percentile(0.99)),
		Seconds:           r.Elapsed.Seconds(),
		Bytes:             r.MeanBytes(),
	}
	if n := len(r.Latencies); n > 0 {
		f.MeanMs = ms(sum / time.Duration(n))
		f.MaxMs = ms(r.Latencies[n-1])
	}
	return f
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BareReport is the bare handler's part of a report.
type BareReport struct {
	Bytes   int       `json:"bytes"`
	Results []Figures `json:"results"`
}

// QueryReport is one query of the mix.
type QueryReport struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Inputs is how many different arguments the requests cycle through.
	Inputs int `json:"inputs"`
	// Skipped says why the query was not run, when the data has nothing
	// to ask it about.
	Skipped string    `json:"skipped,omitempty"`
	Results []Figures `json:"results"`
}

// ServerReport is what was measured of the server process.
type ServerReport struct {
	PID int `json:"pid,omitempty"`
	// FirstAnswerMs is the time from starting the process to its first
	// successful GraphQL answer.
	FirstAnswerMs *float64 `json:"first_answer_ms"`
	// Resident memory in bytes: after startup and choosing the inputs,
	// the most seen while the load ran, and the most since the process
	// started (the kernel's high-water mark).
	RSSIdleBytes           *int64 `json:"rss_idle_bytes"`
	RSSPeakUnderLoadBytes  *int64 `json:"rss_peak_under_load_bytes"`
	RSSPeakSinceStartBytes *int64 `json:"rss_peak_since_start_bytes"`
	// The peak under load split into the server's own memory and the
	// pages of the store's files it has mapped, which are page cache the
	// kernel may take back (RssAnon and RssFile at that reading).
	RSSPeakUnderLoadAnonBytes *int64 `json:"rss_peak_under_load_anon_bytes,omitempty"`
	RSSPeakUnderLoadFileBytes *int64 `json:"rss_peak_under_load_file_bytes,omitempty"`
	// Note says why a figure is missing.
	Note string `json:"note,omitempty"`
}

// ImportReport is what was measured of chancery import, when the
// benchmark ran it.
type ImportReport struct {
	Files     []string `json:"files"`
	Entities  int      `json:"entities"`
	Relations int      `json:"relations"`
	// FromStore says that Relations is the store's count after the
	// import, the seeds' included, because the import did not say how
	// many it wrote (a Wikidata snapshot's summary does not).
	FromStore bool `json:"relations_from_store,omitempty"`
	// Seconds is the import's whole run, from starting the process to its
	// exit; RelationsPerSecond divides the relations by it.
	Seconds            float64 `json:"seconds"`
	RelationsPerSecond float64 `json:"relations_per_second"`
	// ReportedRelationsPerSecond is the rate the import printed, which
	// leaves out opening and seeding the store; 0 if it printed none.
	ReportedRelationsPerSecond float64 `json:"reported_relations_per_second"`
	PeakRSSBytes               int64   `json:"peak_rss_bytes"`
}

// DiskReport is the data directory's size, measured with no process
// using it.
type DiskReport struct {
	Bytes            int64   `json:"bytes"`
	ApparentBytes    int64   `json:"apparent_bytes"`
	BytesPerRelation float64 `json:"bytes_per_relation"`
}

// WriteTable writes the report for people, as aligned columns.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	var server, store string
	if r.StartedServer {
		server = fmt.Sprintf(", started here on %s", r.DataDir)
		if r.Server.PID != 0 {
			server += fmt.Sprintf(" (pid %d)", r.Server.PID)
		}
	}
	if r.Disk != nil {
		store = fmt.Sprintf("; %s on disk, %.0f bytes per relation", size(r.Disk.Bytes), r.Disk.BytesPerRelation)
	}
	r.Header.write(&b, server, store)
	s := r.Settings
	fmt.Fprintf(&b, "load     %d requests per query and concurrency after %d to warm up, over %d inputs each, seed %d, at most %s each\n",
		s.Requests, s.Warmup, s.Inputs, s.Seed, time.Duration(s.TimeLimitSeconds*float64(time.Second)))
	if r.Baseline != "" {
		fmt.Fprintf(&b, "baseline %s\n", r.Baseline)
	}

	width := len("bare handler")
	for _, q := range r.Queries {
		width = max(width, len(q.Name))
	}
	for _, c := range s.Concurrency {
		fmt.Fprintf(&b, "\n%-*s  %6s  %6s  %9s  %8s  %8s  %7s  %7s", width, fmt.Sprintf("concurrency %d", c),
			"done", "errors", "req/s", "p50 ms", "p99 ms", "vs bare", "bytes")
		if r.Baseline != "" {
			b.WriteString("  p50/base")
		}
		b.WriteString("\n")
		row := func(name string, f *Figures) {
			if f == nil {
				return
			}
			done := fmt.Sprint(f.Done)
			if f.CutShort {
				done += "*"
			}
			fmt.Fprintf(&b, "%-*s  %6s  %6d  %9s  %8s  %8s  %7s  %7d", width, name,
				done, f.Errors, rate(f.RequestsPerSecond), millis(f.P50Ms), millis(f.P99Ms), ratio(f.VsBare), f.Bytes)
			if r.Baseline != "" {
				fmt.Fprintf(&b, "  %8s", ratio(f.P50VsBaseline))
			}
			b.WriteString("\n")
		}
		row("bare handler", at(r.Bare.Results, c))
		for _, q := range r.Queries {
			if q.Skipped != "" {
				continue
			}
			row(q.Name, at(q.Results, c))
		}
	}
	if r.cutShort() {
		b.WriteString("\n* cut short by the time limit (--time-limit)\n")
	}

	fmt.Fprintf(&b, "\n%-*s  what each request asks\n", width, "query")
	fmt.Fprintf(&b, "%-*s  a fixed answer of %d bytes, the size of an answer of %s\n", width, "bare handler", r.Bare.Bytes, r.firstQuery())
	for _, q := range r.Queries {
		if q.Skipped != "" {
			fmt.Fprintf(&b, "%-*s  %s: not run, %s\n", width, q.Name, q.Description, q.Skipped)
			continue
		}
		inputs := "1 input"
		if q.Inputs != 1 {
			inputs = fmt.Sprintf("%d inputs", q.Inputs)
		}
		fmt.Fprintf(&b, "%-*s  %s (%s)\n", width, q.Name, q.Description, inputs)
	}

	b.WriteString("\n")
	sv := r.Server
	if sv.FirstAnswerMs != nil {
		fmt.Fprintf(&b, "first answer     %s ms after the server process started\n", millis(*sv.FirstAnswerMs))
	} else {
		b.WriteString("first answer     unknown: measured only when bench starts the server (--data)\n")
	}
	if sv.RSSPeakUnderLoadBytes != nil {
		fmt.Fprintf(&b, "resident memory  %s peak under load", size(*sv.RSSPeakUnderLoadBytes))
		if sv.RSSPeakUnderLoadAnonBytes != nil && sv.RSSPeakUnderLoadFileBytes != nil {
			fmt.Fprintf(&b, " (%s its own, %s mapped files)", size(*sv.RSSPeakUnderLoadAnonBytes), size(*sv.RSSPeakUnderLoadFileBytes))
		}
		if sv.RSSIdleBytes != nil {
			fmt.Fprintf(&b, ", %s before it", size(*sv.RSSIdleBytes))
		}
		if sv.RSSPeakSinceStartBytes != nil {
			fmt.Fprintf(&b, ", %s peak since start", size(*sv.RSSPeakSinceStartBytes))
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(&b, "resident memory  unknown: %s\n", sv.Note)
	}
	if im := r.Import; im != nil {
		fmt.Fprintf(&b, "import           %s relations in %s: %s relations/s", Thousands(int64(im.Relations)),
			(time.Duration(im.Seconds * float64(time.Second))).Round(time.Millisecond), Thousands(int64(im.RelationsPerSecond+0.5)))
		if im.FromStore {
			b.WriteString(" (relations counted in the store, the seeds' included)")
		}
		if im.ReportedRelationsPerSecond > 0 {
			fmt.Fprintf(&b, " (%s/s by the import's own clock)", Thousands(int64(im.ReportedRelationsPerSecond+0.5)))
		}
		if im.PeakRSSBytes > 0 {
			fmt.Fprintf(&b, ", peak resident memory %s", size(im.PeakRSSBytes))
		}
		b.WriteString("\n")
	}
	if r.Disk != nil {
		fmt.Fprintf(&b, "disk             %s, %.0f bytes per relation\n", size(r.Disk.Bytes), r.Disk.BytesPerRelation)
	}

	var errs []string
	add := func(name string, res []Figures) {
		for _, f := range res {
			if f.Errors > 0 {
				errs = append(errs, fmt.Sprintf("%s, concurrency %d: %d errors; the first: %s", name, f.Concurrency, f.Errors, f.FirstError))
			}
		}
	}
	add("bare handler", r.Bare.Results)
	for _, q := range r.Queries {
		add(q.Name, q.Results)
	}
	return writeWithErrors(w, &b, errs)
}

// writeWithErrors writes a table and, under it, the errors it met.
func writeWithErrors(w io.Writer, table *strings.Builder, errs []string) error {
	if len(errs) > 0 {
		table.WriteString("\nerrors\n")
		for _, e := range errs {
			table.WriteString("  " + e + "\n")
		}
	}
	_, err := io.WriteString(w, table.String())
	return err
}

func (r *Report) cutShort() bool {
	for _, f := range r.Bare.Results {
		if f.CutShort {
			return true
		}
	}
	for _, q := range r.Queries {
		for _, f := range q.Results {
			if f.CutShort {
				return true
			}
		}
	}
	return false
}

func (r *Report) firstQuery() string {
	if len(r.Queries) > 0 {
		return r.Queries[0].Name
	}
	return "the first query"
}

// at finds the figures of concurrency c.
func at(fs []Figures, c int) *Figures {
	for i := range fs {
		if fs[i].Concurrency == c {
			return &fs[i]
		}
	}
	return nil
}

// rate writes requests a second as the tables do.
func rate(v float64) string {
	if v >= 100 {
		return Thousands(int64(v + 0.5))
	}
	return fmt.Sprintf("%.1f", v)
}

// millis writes milliseconds as the tables do: three figures or so.
func millis(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return Thousands(int64(v + 0.5))
	}
}

func ratio(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *v)
}

// Thousands writes n with commas between groups of three digits.
func Thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// size writes a count of bytes in binary units.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n), 0
	for v >= unit && u < 4 {
		v /= unit
		u++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[u-1])
}
