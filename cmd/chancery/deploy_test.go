package main

import (
	"context"
	"os/exec"
	"path/filepath"
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
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", ".")
	cmd.Dir = filepath.Join("..", "..", "deploy", "k8s", "check")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in deploy/k8s/check: %v\n%s", err, out)
	}
}
