package devnet

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/prysm"
)

// Beacon node kinds (Options.Beacon).
const (
	// BeaconSim is the beacon chain simulator (`stinger devnet beacon`), the default.
	BeaconSim = "sim"
	// BeaconPrysm is a real proof-of-stake chain: geth, Prysm's beacon node and Prysm's validator client
	// (testnet/prysm).
	BeaconPrysm = "prysm"
)

// PrysmInfo describes the real chain of --beacon prysm; its beacon node is the manifest's Beacon.
type PrysmInfo struct {
	// Geth is the execution client of the chain (not the marketplace's geth --dev).
	Geth Process `json:"geth"`
	// ExecutionRPC is its JSON-RPC URL.
	ExecutionRPC string `json:"execution_rpc"`
	// Validator is Prysm's validator client, signing for the interop indices ValidatorStart .. +ValidatorCount-1.
	Validator      Process `json:"validator"`
	ValidatorStart int     `json:"validator_start"`
	ValidatorCount int     `json:"validator_count"`
	// Dir holds the genesis files and the clients' data.
	Dir string `json:"dir"`
}

// clusterSecrets returns the cluster's validator keys for a dealer to split: the interop keys of the
// indices 0 .. Validators-1 on a Prysm chain (whose genesis holds them), nil otherwise (fresh keys).
// Prysm's validator client signs for the indices after them, so no index has two signers.
func clusterSecrets(o *Options) ([]*bls.SecretKey, error) {
	if o.Beacon != BeaconPrysm {
		return nil, nil
	}
	return prysm.InteropKeys(0, uint64(o.Validators))
}

// startPrysm starts geth, Prysm's beacon node and Prysm's validator client (for the ExtraValidators
// interop indices after the cluster's), building the clients first if the cache lacks them.
func (d *Devnet) startPrysm(ctx context.Context) error {
	o := &d.opts
	geth, err := FindGeth(ctx, o.Geth, o.progress)
	if err != nil {
		return err
	}
	bins, err := prysm.Build(ctx, o.progress)
	if err != nil {
		return err
	}
	delay := o.GenesisDelay
	if delay == 0 {
		delay = 45 * time.Second
	}
	dir := filepath.Join(o.Dir, "prysm")
	c, err := prysm.Start(ctx, prysm.Config{Dir: dir, Binaries: bins, Geth: geth,
		Validators: o.Validators + o.ExtraValidators, OwnStart: o.Validators, OwnCount: o.ExtraValidators,
		Slot: o.Slot, GenesisDelay: delay, GenesisForkVersion: beaconsim.GenesisForkVersion,
		FeeRecipient: common.HexToAddress(feeRecipient), Progress: o.Progress})
	if err != nil {
		return fmt.Errorf("start the Prysm chain: %w", err)
	}
	d.mu.Lock()
	d.prysm = c
	d.mu.Unlock()
	info := &PrysmInfo{ExecutionRPC: c.ExecutionRPC, ValidatorStart: o.Validators, ValidatorCount: o.ExtraValidators, Dir: dir}
	for _, p := range c.Processes() {
		proc := Process{PID: p.PID, Log: p.Log}
		switch p.Name {
		case "geth":
			info.Geth = proc
		case "beacon-chain":
			d.manifest.Beacon = BeaconInfo{Process: proc, URL: c.BeaconURL}
		case "validator":
			info.Validator = proc
		}
	}
	d.manifest.Prysm = info
	o.progress("Prysm %s chain: beacon node %s, %d cluster validators (interop indices 0..%d) + %d of Prysm's validator client, %s slots, genesis %s",
		prysm.Version, c.BeaconURL, o.Validators, o.Validators-1, o.ExtraValidators, o.Slot,
		c.Genesis.Time.UTC().Format(time.TimeOnly))
	return nil
}

// pollChain describes a real chain's head and checkpoints from the standard Beacon API, for the status
// (there is no simulator score).
func pollChain(ctx context.Context, url string) string {
	var head struct {
		Data struct {
			Header struct {
				Message struct {
					Slot string `json:"slot"`
				} `json:"message"`
			} `json:"header"`
		} `json:"data"`
	}
	if err := getJSON(ctx, url+"/eth/v1/beacon/headers/head", &head); err != nil {
		return "real chain: " + err.Error()
	}
	var fc struct {
		Data struct {
			Justified struct {
				Epoch string `json:"epoch"`
			} `json:"current_justified"`
			Finalized struct {
				Epoch string `json:"epoch"`
			} `json:"finalized"`
		} `json:"data"`
	}
	if err := getJSON(ctx, url+"/eth/v1/beacon/states/head/finality_checkpoints", &fc); err != nil {
		return "real chain: " + err.Error()
	}
	return fmt.Sprintf("head slot %s justified epoch %s finalized epoch %s (real chain: no simulator score)",
		head.Data.Header.Message.Slot, fc.Data.Justified.Epoch, fc.Data.Finalized.Epoch)
}
