package slashing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

// vectorFile is one file of eth-clients/slashing-protection-interchange-tests.
type vectorFile struct {
	Name                  string       `json:"name"`
	GenesisValidatorsRoot string       `json:"genesis_validators_root"`
	Steps                 []vectorStep `json:"steps"`
}

type vectorStep struct {
	ShouldSucceed         bool            `json:"should_succeed"`
	ContainsSlashableData bool            `json:"contains_slashable_data"`
	Interchange           json.RawMessage `json:"interchange"`
	Blocks                []vectorCheck   `json:"blocks"`
	Attestations          []vectorCheck   `json:"attestations"`
}

type vectorCheck struct {
	Pubkey                string  `json:"pubkey"`
	Slot                  string  `json:"slot"`
	SourceEpoch           string  `json:"source_epoch"`
	TargetEpoch           string  `json:"target_epoch"`
	SigningRoot           *string `json:"signing_root"`
	ShouldSucceed         bool    `json:"should_succeed"`
	ShouldSucceedComplete bool    `json:"should_succeed_complete"`
}

// vectorCounts tallies one strategy's run over the vectors.
type vectorCounts struct{ files, steps, checks, skippedSteps, skippedChecks int }

// TestEIP3076VectorsPassUnderBothStrategies runs every official interchange
// vector twice: with the minimal strategy (expecting should_succeed) and the
// complete strategy (expecting should_succeed_complete). Each step's import
// must succeed or fail as the vector says, and every block and attestation
// check must give the expected answer, accepted ones being recorded. A
// complete import may refuse a step that contains slashable data, which the
// vector semantics allow; then the rest of that file is skipped and counted.
func TestEIP3076VectorsPassUnderBothStrategies(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "eip3076", "tests", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no vector files in testdata/eip3076/tests")
	}
	sort.Strings(paths)
	for _, strategy := range []slashing.Strategy{slashing.StrategyMinimal, slashing.StrategyComplete} {
		t.Run(strategy.String(), func(t *testing.T) {
			var n vectorCounts
			for _, p := range paths {
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				var vf vectorFile
				if err := json.Unmarshal(raw, &vf); err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				t.Run(vf.Name, func(t *testing.T) { runVectorFile(t, vf, strategy, &n) })
			}
			t.Logf("eip3076 vectors: %d files, %d steps, %d checks passed (%s strategy; %d steps with %d checks skipped after a refused slashable import)",
				n.files, n.steps, n.checks, strategy, n.skippedSteps, n.skippedChecks)
			if n.files != len(paths) {
				t.Fatalf("only %d of %d vector files ran", n.files, len(paths))
			}
			if strategy == slashing.StrategyMinimal && n.skippedSteps != 0 {
				t.Fatalf("minimal imports must never be refused for slashable data; %d steps skipped", n.skippedSteps)
			}
		})
	}
}

func runVectorFile(t *testing.T, vf vectorFile, strategy slashing.Strategy, n *vectorCounts) {
	ctx := context.Background()
	var gvr phase0.Root
	mustHex(t, vf.GenesisValidatorsRoot, gvr[:])
	st, err := slashing.Open(filepath.Join(t.TempDir(), "sp.db"), gvr, slashing.WithStrategy(strategy))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}()
	for i, step := range vf.Steps {
		_, err := st.Import(ctx, bytes.NewReader(step.Interchange), strategy)
		switch {
		case !step.ShouldSucceed && err == nil:
			t.Fatalf("step %d: import succeeded, want failure", i)
		case step.ShouldSucceed && err != nil && step.ContainsSlashableData && errors.Is(err, slashing.ErrSlashableImport):
			n.skippedSteps += len(vf.Steps) - i
			for _, s := range vf.Steps[i:] {
				n.skippedChecks += len(s.Blocks) + len(s.Attestations)
			}
			t.Logf("step %d: slashable import refused as allowed (%v); rest of file skipped", i, err)
			n.files++
			return
		case step.ShouldSucceed && err != nil:
			t.Fatalf("step %d: import: %v", i, err)
		}
		for j, c := range step.Blocks {
			var pk phase0.BLSPubKey
			mustHex(t, c.Pubkey, pk[:])
			err := st.CheckAndRecordBlock(ctx, pk, phase0.Slot(mustUint(t, c.Slot)), checkRoot(t, c.SigningRoot))
			expectCheck(t, "block", i, j, c, strategy, err)
			n.checks++
		}
		for j, c := range step.Attestations {
			var pk phase0.BLSPubKey
			mustHex(t, c.Pubkey, pk[:])
			err := st.CheckAndRecordAttestation(ctx, pk, phase0.Epoch(mustUint(t, c.SourceEpoch)),
				phase0.Epoch(mustUint(t, c.TargetEpoch)), checkRoot(t, c.SigningRoot))
			expectCheck(t, "attestation", i, j, c, strategy, err)
			n.checks++
		}
		n.steps++
	}
	n.files++
}

func expectCheck(t *testing.T, what string, step, idx int, c vectorCheck, strategy slashing.Strategy, err error) {
	t.Helper()
	want := c.ShouldSucceed
	if strategy == slashing.StrategyComplete {
		want = c.ShouldSucceedComplete
	}
	var se *slashing.SlashableError
	switch {
	case want && err != nil:
		t.Errorf("step %d %s %d (%+v): refused, want accepted: %v", step, what, idx, c, err)
	case !want && err == nil:
		t.Errorf("step %d %s %d (%+v): accepted, want refused", step, what, idx, c)
	case err != nil && !errors.As(err, &se):
		t.Errorf("step %d %s %d: refusal is not a *SlashableError: %v", step, what, idx, err)
	}
}

func checkRoot(t *testing.T, s *string) phase0.Root {
	var r phase0.Root
	if s != nil {
		mustHex(t, *s, r[:])
	}
	return r
}

func mustHex(t *testing.T, s string, out []byte) {
	t.Helper()
	if len(s) != 2+2*len(out) || s[:2] != "0x" {
		t.Fatalf("bad hex %q", s)
	}
	for i := range out {
		v, err := strconv.ParseUint(s[2+2*i:4+2*i], 16, 8)
		if err != nil {
			t.Fatalf("bad hex %q: %v", s, err)
		}
		out[i] = byte(v)
	}
}

func mustUint(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("bad integer %q: %v", s, err)
	}
	return v
}
