package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chancery/chancery/cmd/chancery/internal/backup"
	"github.com/chancery/chancery/graph"
	"github.com/chancery/chancery/store"
)

// Backup is the backup command: it writes a backup of a data directory to
// a file or standard output. When a server holds the directory, it asks
// that server for the backup instead.
type Backup struct {
	DataDir   string
	TokenFile string
	File      string // "-" is standard output

	stdout, stderr io.Writer
	getenv         func(string) string
	db             *store.DB
}

// NewBackup returns the backup command writing to the given streams and
// reading defaults from getenv.
func NewBackup(stdout, stderr io.Writer, getenv func(string) string) *Backup {
	return &Backup{stdout: stdout, stderr: stderr, getenv: getenv}
}

// ParseFlags reads the flags and the file.
func (c *Backup) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery backup", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.DataDir, "data", dataDefault(c.getenv), "data `directory` to back up (env CHANCERY_DATA)")
	fs.StringVar(&c.TokenFile, "token-file", "", "`file` whose first line that is not blank or a # comment is the admin token for a server that holds the directory (default: env CHANCERY_TOKEN)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery backup [--data DIR] [--token-file FILE] FILE

Writes a backup of the data directory to FILE, or to standard output if
FILE is -. A backup is a snapshot of everything in the store; chancery
restore loads it. FILE is written under a temporary name and renamed when
the backup is whole, so a failed backup leaves no file behind.

If a chancery serve holds the directory, the backup is taken by that server
while it goes on serving: it is downloaded from GET /admin/backup at the
address the server recorded in the directory, with the admin token from
--token-file or CHANCERY_TOKEN.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	file, err := oneFile(fs, c.stderr, "backup")
	if err != nil {
		return err
	}
	c.File = file
	return nil
}

// Run backs the directory up, directly or through the server holding it.
func (c *Backup) Run(ctx context.Context) error {
	if !store.IsDataDir(c.DataDir) {
		return fmt.Errorf("there is no data directory at %s to back up; pass --data with the directory chancery serve uses", c.DataDir)
	}
	db, err := store.Open(store.Options{Dir: c.DataDir})
	if err != nil {
		if graph.ErrorCode(err) != graph.ECONFLICT {
			return describe(err)
		}
		h, herr := store.ReadHolder(c.DataDir)
		if herr != nil || h.Address == "" {
			return describe(err) // the message names the holder
		}
		return c.download(ctx, h)
	}
	c.db = db
	if err := db.Announce("chancery backup", ""); err != nil {
		return err
	}
	info, err := backup.Write(c.File, c.stdout, func(w io.Writer) (store.BackupInfo, error) { return db.Backup(ctx, w) })
	if err != nil {
		return err
	}
	c.report(info, "")
	return nil
}

// download fetches the backup from the server that holds the directory.
func (c *Backup) download(ctx context.Context, h store.Holder) error {
	token, from, err := backup.Token(c.TokenFile, c.getenv)
	if err != nil {
		return err
	}
	if token == "" {
		return fmt.Errorf("data directory %s is held by %s (pid %d) at %s; give an admin token with CHANCERY_TOKEN or --token-file to back it up through that server, or stop the server first",
			c.DataDir, h.Command, h.PID, h.Address)
	}
	d, err := backup.Fetch(ctx, h, c.DataDir, token, from)
	if err != nil {
		return err
	}
	defer d.Close()
	info, err := backup.Write(c.File, c.stdout, func(w io.Writer) (store.BackupInfo, error) { return d.CopyTo(ctx, w) })
	if err != nil {
		return err
	}
	c.report(info, d.Base)
	return nil
}

// report says what the backup holds: on standard output, unless the
// backup itself went there.
func (c *Backup) report(info store.BackupInfo, server string) {
	w, to := c.stdout, c.File
	if c.File == "-" {
		w, to = c.stderr, "standard output"
	}
	via := ""
	if server != "" {
		via = " through the server at " + server
	}
	fmt.Fprintf(w, "backed up %s%s to %s: %s\n", c.DataDir, via, to, backup.Describe(info))
}

// Close closes the data directory if the backup opened it.
func (c *Backup) Close() error {
	if c.db == nil {
		return nil
	}
	return c.db.Close()
}

// Restore is the restore command: it replaces the contents of a data
// directory with a backup. It never goes through a server: a server must
// be stopped first.
type Restore struct {
	DataDir string
	Force   bool
	File    string // "-" is Stdin
	// Stdin is read when File is "-"; NewRestore sets it to os.Stdin.
	Stdin io.Reader

	stdout, stderr io.Writer
	getenv         func(string) string
	db             *store.DB
}

// NewRestore returns the restore command writing to the given streams and
// reading defaults from getenv.
func NewRestore(stdout, stderr io.Writer, getenv func(string) string) *Restore {
	return &Restore{Stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: getenv}
}

// ParseFlags reads the flags and the file.
func (c *Restore) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("chancery restore", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.DataDir, "data", dataDefault(c.getenv), "data `directory` to restore into, created if absent (env CHANCERY_DATA)")
	fs.BoolVar(&c.Force, "force", false, "replace everything in a data directory that is not empty")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chancery restore [--data DIR] [--force] FILE

Loads a backup written by chancery backup from FILE, or from standard input
if FILE is -, into the data directory. A directory that holds anything is
refused unless --force is given, which replaces everything in it.

The backup is checked whole (that it is a backup, that it is not cut short,
and its checksum) before the directory is touched; a bad file leaves the
directory as it was. Should loading fail after that (a full disk, say), the
directory is left empty rather than half restored, and the message says so.
Stop the server that uses the directory first: restore does not go through
a server.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	file, err := oneFile(fs, c.stderr, "restore")
	if err != nil {
		return err
	}
	c.File = file
	return nil
}

// Run restores the backup.
func (c *Restore) Run(ctx context.Context) error {
	in, name := c.Stdin, "standard input"
	if c.File != "-" {
		f, err := os.Open(c.File)
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", c.File, errors.Unwrap(err))
		}
		defer f.Close()
		in, name = f, c.File
	}
	_, statErr := os.Stat(c.DataDir)
	created := errors.Is(statErr, os.ErrNotExist)
	// A store an import or restore left part-way is what a restore is
	// for: it opens, and --force replaces what it holds.
	db, err := store.Open(store.Options{Dir: c.DataDir, Replace: true})
	if err != nil {
		return describe(err) // a held directory: the message names the server
	}
	c.db = db
	if err := db.Announce("chancery restore", ""); err != nil {
		return err
	}
	info, err := db.Restore(ctx, in, c.Force)
	if err != nil {
		if created { // leave nothing behind that was not there
			c.db.Close()
			c.db = nil
			os.RemoveAll(c.DataDir)
		}
		if graph.ErrorCode(err) == graph.EINVALID {
			return fmt.Errorf("cannot restore from %s: %s", name, describe(err))
		}
		return describe(err)
	}
	v, err := db.Version(ctx)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(c.stdout, "restored %s into %s: %s; data version now %d\n", name, c.DataDir, backup.Describe(info), v)
	return nil
}

// Close closes the data directory.
func (c *Restore) Close() error {
	if c.db == nil {
		return nil
	}
	return c.db.Close()
}

// dataDefault is the default of --data: CHANCERY_DATA, else
// DefaultDataDir.
func dataDefault(getenv func(string) string) string {
	if v := getenv("CHANCERY_DATA"); v != "" {
		return v
	}
	return DefaultDataDir
}

// oneFile returns the one file argument of backup or restore.
func oneFile(fs *flag.FlagSet, stderr io.Writer, cmd string) (string, error) {
	switch args := fs.Args(); {
	case len(args) == 1 && args[0] != "":
		return args[0], nil
	case len(args) == 0 || len(args) == 1:
		fmt.Fprintf(stderr, "chancery %s: name the backup file, or - for standard %s\n", cmd, map[string]string{"backup": "output", "restore": "input"}[cmd])
	case strings.HasPrefix(args[1], "-") && args[1] != "-":
		fmt.Fprintf(stderr, "chancery %s: flags go before the file, but %q comes after it\n", cmd, args[1])
	default:
		fmt.Fprintf(stderr, "chancery %s takes one file, but was given %q\n", cmd, args)
	}
	fs.Usage()
	return "", errors.New("bad arguments")
}
