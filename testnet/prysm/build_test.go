package prysm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The embedded module builds the pinned Prysm release with its replace directive, and blank-imports
// every program the devnet runs.
func TestEmbeddedToolsModulePinsPrysm(t *testing.T) {
	mod, err := tools.ReadFile("tools/go.mod.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"require " + module + " " + Version,
		"replace github.com/json-iterator/go => github.com/prestonvanloon/go"} {
		if !strings.Contains(string(mod), want) {
			t.Errorf("go.mod.txt lacks %q", want)
		}
	}
	sum, err := tools.ReadFile("tools/go.sum.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sum), module+" "+Version+" h1:") {
		t.Errorf("go.sum.txt does not pin %s %s", module, Version)
	}
	src, err := tools.ReadFile("tools/tools.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(string(src), `_ "`+module+"/cmd/"+c+`"`) {
			t.Errorf("tools.go.txt does not import %s", c)
		}
	}
}

// A cache counts only with every binary and the stamp of the embedded module.
func TestCachedNeedsStampAndEveryBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := stamp()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range commands {
		write(c, "#!/bin/sh\n")
	}
	if _, err := cached(dir); err == nil {
		t.Fatal("cache without a stamp accepted")
	}
	write("STAMP", "0123\n")
	if _, err := cached(dir); err == nil || !strings.Contains(err.Error(), "build-clients") {
		t.Fatalf("cache with another module's stamp: err %v", err)
	}
	write("STAMP", st+"\n")
	b, err := cached(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.BeaconChain != filepath.Join(bin, "beacon-chain") || b.Prysmctl != filepath.Join(bin, "prysmctl") {
		t.Errorf("binaries %+v", b)
	}
	if err := os.Remove(filepath.Join(bin, "validator")); err != nil {
		t.Fatal(err)
	}
	if _, err := cached(dir); err == nil {
		t.Error("cache without the validator binary accepted")
	}
}
