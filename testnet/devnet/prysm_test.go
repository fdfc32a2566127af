package devnet

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/testnet/prysm"
)

// Options.Validate names the flag of a wrong beacon choice and of a preset Prysm is not built with.
func TestValidateBeacon(t *testing.T) {
	cases := []struct {
		name, beacon, preset string
		want                 string // "" = valid
	}{
		{"default is the simulator", "", "minimal", ""},
		{"simulator", "sim", "minimal", ""},
		{"prysm on its preset", "prysm", prysm.Preset, ""},
		{"prysm on the minimal preset", "prysm", "minimal", "--preset minimal with --beacon prysm"},
		{"unknown beacon", "lighthouse", "minimal", `--beacon "lighthouse": want sim or prysm`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOptions()
			o.Binary, o.Beacon, o.Preset = "stinger", c.beacon, c.preset
			err := o.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// On a Prysm chain the cluster's keys are the interop keys of indices 0.. (the genesis validators that
// Prysm's validator client leaves alone); on the simulator the dealer draws fresh keys.
func TestClusterSecrets(t *testing.T) {
	o := DefaultOptions()
	o.Validators = 3
	if s, err := clusterSecrets(&o); err != nil || s != nil {
		t.Fatalf("simulator: secrets %v, err %v; want none", s, err)
	}
	o.Beacon = BeaconPrysm
	s, err := clusterSecrets(&o)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 3 {
		t.Fatalf("%d secrets, want 3", len(s))
	}
	for i, sk := range s {
		want, err := prysm.InteropKey(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		if !sk.Equal(want) {
			t.Errorf("secret %d is not interop key %d", i, i)
		}
	}
}

// On a real chain the status shows the beacon node's head and checkpoints instead of a simulator score.
func TestStatusOfARealChain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/eth/v1/beacon/headers/head":
			fmt.Fprint(w, `{"data":{"header":{"message":{"slot":"97"}}}}`)
		case "/eth/v1/beacon/states/head/finality_checkpoints":
			fmt.Fprint(w, `{"data":{"current_justified":{"epoch":"2"},"finalized":{"epoch":"1"}}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	m := &Manifest{Beacon: BeaconInfo{URL: srv.URL}, Prysm: &PrysmInfo{}}
	st := Poll(context.Background(), m)
	want := "head slot 97 justified epoch 2 finalized epoch 1 (real chain: no simulator score)"
	if st.Chain != want || st.SimErr != "" {
		t.Fatalf("chain %q, simulator error %q; want chain %q", st.Chain, st.SimErr, want)
	}
	if line := FormatLine(st); !strings.HasPrefix(line, want) {
		t.Errorf("status line %q", line)
	}
	var screen strings.Builder
	if err := FormatScreen(&screen, m, st); err != nil || !strings.Contains(screen.String(), want) {
		t.Errorf("screen %q, err %v", screen.String(), err)
	}
	srv.Close()
	if st := Poll(context.Background(), m); !strings.HasPrefix(st.Chain, "real chain: ") {
		t.Errorf("unreachable beacon node: chain %q", st.Chain)
	}
}
