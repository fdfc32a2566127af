package devnet

import (
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
