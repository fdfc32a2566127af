package duties_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// TestExitThresholdSignedStoredAndAccepted signs a voluntary exit with three of four shares plus one
// forged partial, combines it (the forged one is ignored), stores and reloads it, and broadcasts it to the
// beacon simulator, which verifies the signature.
func TestExitThresholdSignedStoredAndAccepted(t *testing.T) {
	_, lock, shares := dealCluster(t, 4, 1, 9)
	b, err := decodeHexT(lock.Validators[0].PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var pk phase0.BLSPubKey
	copy(pk[:], b)
	cfg := beaconsim.DefaultConfig()
	cfg.Validators = []phase0.BLSPubKey{pk}
	cfg.ExtraValidators = 7
	cfg.GenesisTime = time.Now().Add(-time.Hour)
	sim, err := beaconsim.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	ctx := context.Background()
	pool, err := beacon.New(ctx, beacon.Config{Addresses: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	network, err := duties.NetworkFromBeacon(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	current := phase0.Epoch(uint64(sim.CurrentSlot()) / network.SlotsPerEpoch)
	exit := &phase0.VoluntaryExit{Epoch: current, ValidatorIndex: 0}
	var partials []*duties.PartialExit
	for op := range 3 {
		p, err := duties.SignExitPartial(network, current, exit, pk, op, shares[op][0])
		if err != nil {
			t.Fatal(err)
		}
		partials = append(partials, p)
	}
	forged, err := duties.SignExitPartial(network, current, exit, pk, 2, shares[3][0]) // share 4 claiming index 3
	if err != nil {
		t.Fatal(err)
	}
	if _, err := duties.CombineExit(lock, network, current, append([]*duties.PartialExit{forged}, partials[:2]...)); err == nil {
		t.Fatal("combined from two valid partials and a forged one")
	}
	signed, err := duties.CombineExit(lock, network, current, append(partials, forged))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "exits", "exit.json")
	if err := duties.SaveExit(path, signed); err != nil {
		t.Fatal(err)
	}
	if err := duties.SaveExit(path, signed); err == nil {
		t.Fatal("SaveExit overwrote an existing file")
	}
	loaded, err := duties.LoadExit(path)
	if err != nil || *loaded.Message != *signed.Message || loaded.Signature != signed.Signature {
		t.Fatalf("reload: %v", err)
	}
	if err := duties.BroadcastExit(ctx, pool, loaded); err != nil {
		t.Fatalf("simulator refused the exit: %v", err)
	}
	if st := sim.Stats(); st.Totals.InvalidSignatures != 0 {
		t.Fatalf("simulator counted %d invalid signatures", st.Totals.InvalidSignatures)
	}
	other := *exit
	other.Epoch++
	bad, err := duties.SignExitPartial(network, current, &other, pk, 3, shares[3][0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := duties.CombineExit(lock, network, current, append(partials, bad)); !errors.Is(err, duties.ErrExitMismatch) {
		t.Fatalf("mixed exits: got %v, want ErrExitMismatch", err)
	}
}
