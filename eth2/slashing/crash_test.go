package slashing_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

// crashChildEnv makes the test binary act as the crashing signer.
const crashChildEnv = "STINGER_SLASHING_CRASH_CHILD"

// TestCrashNeverLosesASafeAnswer re-executes this test binary as a signer
// that checks-and-records blocks and attestations for 8 validators from 8
// goroutines and prints every safe answer, as a signer would sign right
// after it. The parent SIGKILLs the child at a random moment, reopens the
// database, and shows that every printed answer is recorded and that every
// conflicting signing (double block, double vote, surround) is refused. It
// does this for several rounds on the same database.
func TestCrashNeverLosesASafeAnswer(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		runCrashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3076, 1))
	for round := range 3 {
		killAfter := time.Duration(150+rng.IntN(450)) * time.Millisecond
		lines := runAndKill(t, dir, round, killAfter)
		if len(lines) == 0 {
			t.Fatalf("round %d: child printed no safe answer before it was killed", round)
		}
		verifyAfterCrash(t, dir, round, lines)
		t.Logf("round %d: killed after %v; %d safe answers verified", round, killAfter, len(lines))
	}
}

func runAndKill(t *testing.T, dir string, round int, killAfter time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashNeverLosesASafeAnswer$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "STINGER_SLASHING_CRASH_ROUND="+strconv.Itoa(round))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}()
	// Wait for the child to be signing before the clock starts.
	time.Sleep(killAfter)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := cmd.Wait(); err == nil {
		t.Fatal("child exited cleanly; it should have been killed")
	}
	// A line cut by the kill has no "." terminator: it was never complete.
	complete := lines[:0]
	for _, l := range lines {
		if strings.HasSuffix(l, " .") {
			complete = append(complete, l)
		}
	}
	return complete
}

// runCrashChild signs forever; only SIGKILL stops it.
func runCrashChild(dir string) {
	round, _ := strconv.Atoi(os.Getenv("STINGER_SLASHING_CRASH_ROUND"))
	s, err := slashing.Open(filepath.Join(dir, "sp.db"), testGVR)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	say := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = os.Stdout.WriteString(line + " .\n")
	}
	ctx := context.Background()
	base := uint64(round) * 1_000_000
	var wg sync.WaitGroup
	for v := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := base + 1; ; i++ {
				r := root(i*16 + uint64(v))
				if err := s.CheckAndRecordBlock(ctx, pubkey(byte(v)), phase0.Slot(i), r); err == nil {
					say(fmt.Sprintf("B %d %d %d", v, i, i*16+uint64(v)))
				}
				if err := s.CheckAndRecordAttestation(ctx, pubkey(byte(v)), phase0.Epoch(i-1), phase0.Epoch(i), r); err == nil {
					say(fmt.Sprintf("A %d %d %d %d", v, i-1, i, i*16+uint64(v)))
				}
			}
		}()
	}
	wg.Wait()
}

func verifyAfterCrash(t *testing.T, dir string, round int, lines []string) {
	t.Helper()
	s, err := slashing.Open(filepath.Join(dir, "sp.db"), testGVR)
	if err != nil {
		t.Fatalf("round %d: reopen after kill: %v", round, err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
	ic, err := s.ExportInterchange(context.Background(), slashing.StrategyComplete)
	if err != nil {
		t.Fatal(err)
	}
	blocks, atts := map[string]phase0.Root{}, map[string]phase0.Root{}
	for _, d := range ic.Data {
		for _, b := range d.SignedBlocks {
			if b.SigningRoot != nil {
				blocks[fmt.Sprintf("%x/%d", d.Pubkey[47], b.Slot)] = *b.SigningRoot
			}
		}
		for _, a := range d.SignedAttestations {
			if a.SigningRoot != nil {
				atts[fmt.Sprintf("%x/%d/%d", d.Pubkey[47], a.SourceEpoch, a.TargetEpoch)] = *a.SigningRoot
			}
		}
	}
	ctx := context.Background()
	for _, l := range lines {
		f := strings.Fields(l)
		n := make([]uint64, len(f)-2)
		for i := range n {
			n[i], _ = strconv.ParseUint(f[i+1], 10, 64)
		}
		v := byte(n[0])
		switch f[0] {
		case "B":
			slot, r := n[1], root(n[2])
			if blocks[fmt.Sprintf("%x/%d", v, slot)] != r {
				t.Fatalf("round %d: printed safe block %q is not in the store", round, l)
			}
			if err := s.CheckAndRecordBlock(ctx, pubkey(v), phase0.Slot(slot), root(n[2]+1)); !errors.Is(err, slashing.ErrDoubleBlock) {
				t.Fatalf("round %d: double block after %q: %v", round, l, err)
			}
		case "A":
			src, tgt, r := n[1], n[2], root(n[3])
			if atts[fmt.Sprintf("%x/%d/%d", v, src, tgt)] != r {
				t.Fatalf("round %d: printed safe attestation %q is not in the store", round, l)
			}
			if err := s.CheckAndRecordAttestation(ctx, pubkey(v), phase0.Epoch(src), phase0.Epoch(tgt), root(n[3]+1)); !errors.Is(err, slashing.ErrDoubleVote) {
				t.Fatalf("round %d: double vote after %q: %v", round, l, err)
			}
			if src > 0 {
				err := s.CheckAndRecordAttestation(ctx, pubkey(v), phase0.Epoch(src-1), phase0.Epoch(tgt+1), root(1<<40))
				var se *slashing.SlashableError
				if !errors.As(err, &se) {
					t.Fatalf("round %d: surround of %q was not refused: %v", round, l, err)
				}
			}
		default:
			t.Fatalf("round %d: unexpected line %q", round, l)
		}
	}
}
