package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDeployManifests runs the checks of the Kubernetes manifests in
// deploy/k8s, which are a module of their own (deploy/k8s/check), so that
// this module needs no Kubernetes packages: each manifest decoded strictly
// against the Kubernetes API's types, and its probes, flags, selectors,
// Services and tokens checked against a chancery built from this tree.
func TestDeployManifests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// go vet ./... does not reach another module: vet it here.
	for _, args := range [][]string{{"vet", "."}, {"test", "-count=1", "."}} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = filepath.Join("..", "..", "deploy", "k8s", "check")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in deploy/k8s/check: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
