package devnet

import (
	"crypto/rand"
	"fmt"
	"sync"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/eth2/keystore"
)

// dealCluster creates the cluster with a trusted dealer instead of a DKG (Options.Dealer): the same
// operator identities and approved definition as operatorSetup, then dkg.Deal draws every validator
// key in this process, splits it and writes each node's lock and share keystores (cheap KDF). It is
// what `stinger create cluster` does, and fast enough for benchmarks with thousands of validators.
// INSECURE: this process sees every whole validator key.
func dealCluster(o *Options, nodes []NodeInfo, definition string) error {
	def, err := cluster.LoadDefinition(definition)
	if err != nil {
		return err
	}
	keys := make([]crypto.PrivKey, len(nodes))
	for i, n := range nodes {
		id, err := cluster.LoadIdentity(n.DataDir)
		if err != nil {
			return err
		}
		keys[i] = id.Key
	}
	secrets, err := clusterSecrets(o)
	if err != nil {
		return err
	}
	lock, shares, err := dkg.Deal(dkg.DealerParams{Definition: def, Keys: keys, Secrets: secrets, Rand: rand.Reader})
	if err != nil {
		return err
	}
	out := dkg.OutputOptions{Rand: rand.Reader, Keystore: []keystore.Option{keystore.WithPBKDF2(2)}}
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() {
			if err := dkg.WriteOutputs(n.DataDir, lock, shares[i], out); err != nil {
				errs[i] = fmt.Errorf("write the dealt keys of %s: %w", n.Name, err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
