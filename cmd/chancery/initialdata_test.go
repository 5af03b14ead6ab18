package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitialDataRefused checks that every command that fills a new data
// directory refuses a bad --initial-data, or a bad CHANCERY_INITIAL_DATA,
// in the same words, naming the choices, before it touches the directory.
func TestInitialDataRefused(t *testing.T) {
	for _, command := range []string{"serve", "import", "export"} {
		dir := filepath.Join(t.TempDir(), "data")
		var files []string
		if command == "import" {
			files = []string{"world.jsonl"}
		}
		for _, tc := range []struct {
			name string
			args []string
			env  map[string]string
			want string
		}{
			{"Flag", []string{"--initial-data", "seeds"}, nil, `invalid value "seeds" for flag -initial-data: `},
			{"Env", nil, map[string]string{"CHANCERY_INITIAL_DATA": "seeds"}, `invalid value "seeds" for environment variable CHANCERY_INITIAL_DATA: `},
		} {
			t.Run(command+"/"+tc.name, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				args := append(append([]string{command, "--data", dir}, tc.args...), files...)
				code := Run(context.Background(), args, &stdout, &stderr, testEnv(tc.env))
				if code != 2 {
					t.Errorf("exit %d, want 2; stderr %q", code, stderr.String())
				}
				for _, want := range []string{tc.want, "use world", "or curated"} {
					if !strings.Contains(stderr.String(), want) {
						t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
					}
				}
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("the data directory was made: %v", err)
				}
			})
		}
	}
}

// TestInitialDataChosen checks that --initial-data is read whatever its
// case, and that it wins over CHANCERY_INITIAL_DATA.
func TestInitialDataChosen(t *testing.T) {
	var stderr bytes.Buffer
	c := NewImport(&stderr, &stderr, testEnv(map[string]string{"CHANCERY_INITIAL_DATA": "World"}))
	if err := c.ParseFlags([]string{"--data", t.TempDir(), "world.jsonl"}); err != nil || c.InitialData != "world" {
		t.Errorf("from the environment: %q, %v; %s", c.InitialData, err, stderr.String())
	}
	c = NewImport(&stderr, &stderr, testEnv(map[string]string{"CHANCERY_INITIAL_DATA": "world"}))
	if err := c.ParseFlags([]string{"--data", t.TempDir(), "--initial-data", "Curated", "world.jsonl"}); err != nil || c.InitialData != "curated" {
		t.Errorf("from the flag: %q, %v; %s", c.InitialData, err, stderr.String())
	}
}
