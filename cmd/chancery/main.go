// Command chancery runs the Chancery graph service and its tools.
//
//	chancery serve    serve the GraphQL API and playground
//	chancery check    check seed files for problems
//	chancery seeds report  count what the seeds hold
//	chancery import   load JSON Lines or Wikidata CSV files into a data directory
//	chancery export   write the graph as JSON Lines, CSV or GraphML
//	chancery backup   write a backup of a data directory
//	chancery restore  load a backup into a data directory
//	chancery verify   check a data directory, and repair its indexes
//	chancery gen      write a synthetic world for benchmarks
//	chancery bench    measure a server with a fixed query mix
//	chancery health   ask a running server's health check, for a container
//	chancery version  print the version, and the revision built from
//
// Run "chancery help" or "chancery <command> -h" for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// exitError carries an exit status for errors that have already been
// reported, such as seed files with problems.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// command is one subcommand: it parses its flags, runs until it is done or
// ctx is cancelled, and releases what it holds in Close.
type command interface {
	ParseFlags(args []string) error
	Run(ctx context.Context) error
	Close() error
}

// Run runs the subcommand named by args[0] and returns the process's exit
// status. Errors are printed as one line for people, never as a stack.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var cmd command
	switch args[0] {
	case "serve":
		cmd = NewServe(stdout, stderr, getenv)
	case "check":
		cmd = NewCheck(stdout, stderr)
	case "seeds":
		cmd = NewSeedsReport(stdout, stderr)
	case "import":
		cmd = NewImport(stdout, stderr, getenv)
	case "gen":
		cmd = NewGen(stdout, stderr)
	case "bench":
		cmd = NewBench(stdout, stderr)
	case "export":
		cmd = NewExport(stdout, stderr, getenv)
	case "backup":
		cmd = NewBackup(stdout, stderr, getenv)
	case "restore":
		cmd = NewRestore(stdout, stderr, getenv)
	case "verify":
		cmd = NewVerify(stdout, stderr, getenv)
	case "health":
		cmd = NewHealth(stdout, stderr, getenv)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "chancery", thisBuild)
		return 0
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "chancery: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.ParseFlags(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package has printed the problem and the usage
	}
	err := cmd.Run(ctx)
	if cerr := cmd.Close(); err == nil {
		err = cerr
	}
	return report(stderr, err)
}

// report prints err for people and returns the exit status it means.
func report(stderr io.Writer, err error) int {
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit)
	default:
		fmt.Fprintln(stderr, "chancery:", err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Chancery is a graph knowledge service of diplomatic representation.

Usage:

  chancery serve [flags]      serve the GraphQL API and playground
  chancery check [FILE...]    check seed files (default: the built-in seeds)
  chancery seeds report [FILE...]
                              count what the seed files hold
  chancery import FILE.jsonl|FILE.csv...
                              load JSON Lines or Wikidata missions CSV files
  chancery export [--format jsonl|csv|graphml] [--out FILE]
                              write the graph, or a part of it, for other tools
  chancery backup [--data DIR] [--token-file FILE] FILE
                              write a backup of the data directory (- for stdout)
  chancery restore [--data DIR] [--force] FILE
                              replace the data directory's contents with a backup
  chancery verify [--data DIR] [--repair]
                              check every record, index and count of the data
                              directory; --repair rebuilds the indexes and counts
  chancery gen [--relations N] [--seed S] [--out FILE.jsonl]
                              write a synthetic world for benchmarks
  chancery bench [--url URL | --data DIR] [--json FILE]
                              measure a server with a fixed query mix
  chancery health [--url URL] ask a running server's health check: exit 0 when
                              it answers 200 (default http://127.0.0.1:8080/healthz)
  chancery version            print the version, and the revision built from
  chancery help               print this help

Run "chancery <command> -h" for a command's flags.
`)
}
