package devnet

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// ForkVersion returns the simulator's genesis fork version (beaconsim.GenesisForkVersion) as 0x-hex: the
// cluster definition names it so that deposits and signatures use the simulator's domains. Start checks
// it against the running simulator.
func ForkVersion() string {
	return fmt.Sprintf("%#x", beaconsim.GenesisForkVersion[:])
}

// Devnet addresses for withdrawals and fees (no execution layer pays them out).
const (
	withdrawalAddress = "0x000000000000000000000000000000000000dEaD"
	feeRecipient      = "0x1111111111111111111111111111111111111111"
)

// operatorSetup creates node directories with identities, writes a definition every operator approved,
// and returns it with each node's Ethereum operator address (for the marketplace).
func operatorSetup(o *Options, nodes []NodeInfo, p2pPorts []int) (string, error) {
	ops := make([]cluster.Operator, len(nodes))
	ids := make([]*cluster.Identity, len(nodes))
	for i := range nodes {
		id, err := cluster.CreateIdentity(nodes[i].DataDir, rand.Reader)
		if err != nil {
			return "", fmt.Errorf("create identity of %s: %w", nodes[i].Name, err)
		}
		ids[i] = id
		addr, err := operatorAddress(id)
		if err != nil {
			return "", err
		}
		nodes[i].PeerID, nodes[i].Address = id.PeerID.String(), addr
		ops[i] = cluster.Operator{Name: nodes[i].Name, PeerID: id.PeerID.String(),
			Addresses: []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", p2pPorts[i])}}
	}
	def, err := cluster.NewDefinition(cluster.NewDefinitionParams{
		Name: "stinger devnet", Operators: ops, NumValidators: o.Validators, Network: "stinger-devnet",
		ForkVersion: ForkVersion(), WithdrawalAddresses: []string{withdrawalAddress},
		FeeRecipients: []string{feeRecipient}, Now: time.Now(),
	})
	if err != nil {
		return "", fmt.Errorf("create definition: %w", err)
	}
	for i, id := range ids {
		if err := def.Approve(id.Key); err != nil {
			return "", fmt.Errorf("approve definition as %s: %w", nodes[i].Name, err)
		}
	}
	path := filepath.Join(o.Dir, "cluster-definition.json")
	if err := def.Save(path); err != nil {
		return "", err
	}
	return path, nil
}

// operatorAddress is the Ethereum address of an operator's secp256k1 identity key (the marketplace
// agent signs and is whitelisted with it).
func operatorAddress(id *cluster.Identity) (string, error) {
	raw, err := id.Key.Raw()
	if err != nil {
		return "", fmt.Errorf("operator key: %w", err)
	}
	k, err := ethcrypto.ToECDSA(raw)
	if err != nil {
		return "", fmt.Errorf("operator key: %w", err)
	}
	return ethcrypto.PubkeyToAddress(k.PublicKey).Hex(), nil
}

// runDKG runs one `stinger dkg` process per node at once and waits for all of them.
func runDKG(ctx context.Context, o *Options, nodes []NodeInfo, definition string) error {
	logDir := filepath.Join(o.Dir, "logs")
	children := make([]*child, len(nodes))
	for i, n := range nodes {
		c, err := startChild("dkg-"+n.Name, logDir, o.Binary, []string{"dkg", "--definition", definition,
			"--data-dir", n.DataDir, "--insecure-keys", "--timeout", "5m"}, nil)
		if err != nil {
			for _, c := range children[:i] {
				c.stop(time.Second)
			}
			return err
		}
		children[i] = c
	}
	var errs []error
	for i, c := range children {
		select {
		case <-c.done:
		case <-ctx.Done():
			for _, c := range children {
				c.stop(time.Second)
			}
			return ctx.Err()
		}
		if _, err := c.exited(); err != nil {
			errs = append(errs, fmt.Errorf("dkg of %s: %w (log %s):\n%s", nodes[i].Name, err, c.log, tail(c.log, 1500)))
		}
	}
	return errors.Join(errs...)
}
