package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeFirstCommandsRunTheNodeAndTheTests keeps README's promise: its
// first command runs the main job (the local devnet, which devnet_e2e_test.go
// runs as a user would), its second is the test command, and .ci/run runs
// exactly that test command.
func TestReadmeFirstCommandsRunTheNodeAndTheTests(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), 2)
	if len(blocks) < 2 {
		t.Fatalf("README has %d sh code blocks, want at least 2", len(blocks))
	}
	first, second := strings.TrimSpace(blocks[0][1]), strings.TrimSpace(blocks[1][1])
	const runCmd = "make build && ./bin/stinger devnet up"
	if first != runCmd {
		t.Errorf("README's first command = %q, want %q", first, runCmd)
	}
	if _, err := os.Stat("../../examples/stinger.yaml"); err != nil {
		t.Errorf("the first command's config: %v", err)
	}
	if second != "make test" {
		t.Errorf("README's second command = %q, want %q", second, "make test")
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(second) + `$`).Match(ci) {
		t.Errorf(".ci/run does not run the README's test command %q on a line of its own", second)
	}
}
