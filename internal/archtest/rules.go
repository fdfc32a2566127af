package archtest

import (
	"fmt"
	"sort"
	"strings"
)

// Module is the module path whose packages the rules cover.
const Module = "github.com/stingerdvt/stinger"

// Layers maps each package group (a path relative to Module, matched by
// longest prefix) to its layer. Imports flow to lower layers only, or
// within one group (eth2/deposit → eth2/bls), or along SameLayerAllowed.
func Layers() map[string]int {
	return map[string]int{
		"cmd":            5,
		"app":            4,
		"testnet":        4,
		"dkg":            3,
		"consensus/qbft": 3,
		"consensus":      3,
		"duties":         3,
		"marketplace":    3,
		"api":            3,
		"p2p":            2,
		"cluster":        1,
		"eth2":           1,
		"config":         1,
		"internal":       0,
	}
}

// SameLayerAllowed lists the imports between different groups of the same
// layer that the architecture permits (importer group → imported group).
func SameLayerAllowed() map[string][]string {
	return map[string][]string{
		"cluster":   {"eth2"},                        // lock files carry deposit data and BLS public keys
		"consensus": {"consensus/qbft"},              // the runner around the pure state machine
		"duties":    {"consensus", "consensus/qbft"}, // the pipeline's consensus stage and its value types
	}
}

// StdlibOnly lists groups that may import nothing but the standard library.
func StdlibOnly() []string { return []string{"consensus/qbft"} }

// group returns the longest group prefix of rel (a module-relative path).
func group(rel string, layers map[string]int) (string, bool) {
	best := ""
	for g := range layers {
		if (rel == g || strings.HasPrefix(rel, g+"/")) && len(g) > len(best) {
			best = g
		}
	}
	return best, best != ""
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// Check returns one message per rule violation in imports, which maps each
// package import path to its direct production imports. Messages are sorted.
func Check(imports map[string][]string) []string {
	layers := Layers()
	same := SameLayerAllowed()
	var out []string
	for pkg, deps := range imports {
		rel, ok := strings.CutPrefix(pkg, Module+"/")
		if !ok {
			continue
		}
		from, ok := group(rel, layers)
		if !ok {
			out = append(out, fmt.Sprintf("%s: package is in no layer: add it to the layer table (docs/architecture.md, internal/archtest)", rel))
			continue
		}
		stdlibOnly := false
		for _, g := range StdlibOnly() {
			stdlibOnly = stdlibOnly || g == from
		}
		for _, dep := range deps {
			if stdlibOnly && !isStdlib(dep) {
				out = append(out, fmt.Sprintf("%s imports %s: %s may import only the standard library", rel, dep, from))
				continue
			}
			depRel, ok := strings.CutPrefix(dep, Module+"/")
			if !ok {
				continue
			}
			to, ok := group(depRel, layers)
			if !ok || to == from {
				continue // unknown groups are reported for the importee itself
			}
			if layers[to] < layers[from] || contains(same[from], to) {
				continue
			}
			out = append(out, fmt.Sprintf("%s (layer %d) imports %s (layer %d): imports must flow to lower layers", rel, layers[from], depRel, layers[to]))
		}
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
