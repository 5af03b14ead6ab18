package main

import (
	"flag"
	"fmt"

	"github.com/chancery/chancery/seeds/initial"
)

// initialDataEnv gives --initial-data's default.
const initialDataEnv = "CHANCERY_INITIAL_DATA"

// initialDataFlag adds --initial-data to fs, filling d when fs is parsed:
// the flag's choice, else CHANCERY_INITIAL_DATA's, else initial.Default.
// fs refuses a bad flag value as it does any other's. A bad
// CHANCERY_INITIAL_DATA is refused here, written to fs's output as fs
// writes its own errors, before any flag is parsed.
func initialDataFlag(fs *flag.FlagSet, getenv func(string) string, d *initial.Data) error {
	*d = initial.Default
	if v := getenv(initialDataEnv); v != "" {
		if err := d.Set(v); err != nil {
			err = fmt.Errorf("invalid value %q for environment variable %s: %w", v, initialDataEnv, err)
			fmt.Fprintln(fs.Output(), err)
			return err
		}
	}
	fs.Var(d, "initial-data", initial.Usage+" (env "+initialDataEnv+")")
	return nil
}
