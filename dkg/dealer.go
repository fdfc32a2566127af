package dkg

import (
	"encoding/hex"
	"fmt"
	"io"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
)

// DealerParams are the inputs of Deal.
type DealerParams struct {
	// Definition is the cluster definition; Deal adds every approval.
	Definition *cluster.Definition
	// Keys are every operator's key, in operator order: the dealer plays all operators.
	Keys []crypto.PrivKey
	// Secrets, when set, are existing validator keys to split (one per
	// validator of the definition); otherwise Deal draws new keys.
	Secrets []*bls.SecretKey
	// Rand is the randomness for keys and polynomials.
	Rand io.Reader
}

// Deal creates a cluster with a trusted dealer: one process draws (or takes)
// every validator key, splits it into shares, signs the deposits with the
// whole key and signs the lock as every operator.
//
// INSECURE for real funds: the dealer's machine holds every whole validator
// key, which is exactly what a distributed validator exists to avoid. It is
// for tests, devnets and for migrating an existing solo validator into a
// cluster (where the whole key exists already). It returns the lock and the
// shares, indexed [operator][validator].
func Deal(p DealerParams) (*cluster.Lock, [][]*bls.SecretKey, error) {
	def := p.Definition
	n, t, nv := len(def.Operators), def.Threshold, def.NumValidators
	if len(p.Keys) != n {
		return nil, nil, fmt.Errorf("deal: %d operator keys for %d operators", len(p.Keys), n)
	}
	if p.Secrets != nil && len(p.Secrets) != nv {
		return nil, nil, fmt.Errorf("deal: %d existing keys for %d validators", len(p.Secrets), nv)
	}
	for _, k := range p.Keys {
		if err := def.Approve(k); err != nil {
			return nil, nil, fmt.Errorf("deal: %w", err)
		}
	}
	shares := make([][]*bls.SecretKey, n)
	for i := range shares {
		shares[i] = make([]*bls.SecretKey, nv)
	}
	dvs := make([]cluster.DistributedValidator, nv)
	for v := range nv {
		secret, err := dealSecret(p, v)
		if err != nil {
			return nil, nil, err
		}
		split, err := bls.Split(secret, n, t, p.Rand)
		if err != nil {
			return nil, nil, fmt.Errorf("deal: validator %d: %w", v, err)
		}
		pk := secret.PublicKey()
		dv := cluster.DistributedValidator{PublicKey: "0x" + hex.EncodeToString(pk.Bytes())}
		for i := range n {
			shares[i][v] = split[uint64(i+1)]
			dv.PublicShares = append(dv.PublicShares, "0x"+hex.EncodeToString(split[uint64(i+1)].PublicKey().Bytes()))
		}
		wc := cluster.WithdrawalCredentials(def.CredentialType, def.WithdrawalAddress(v))
		for _, amount := range def.DepositAmounts {
			d, err := deposit.Sign(def.DepositNetwork(), secret, wc[:], phase0.Gwei(amount))
			if err != nil {
				return nil, nil, fmt.Errorf("deal: validator %d: %w", v, err)
			}
			dv.DepositData = append(dv.DepositData, *d)
		}
		dvs[v] = dv
	}
	lock, err := cluster.NewLock(def, dvs)
	if err != nil {
		return nil, nil, fmt.Errorf("deal: %w", err)
	}
	h, err := lock.Hash()
	if err != nil {
		return nil, nil, fmt.Errorf("deal: %w", err)
	}
	for i, k := range p.Keys {
		if lock.Signatures[i], err = cluster.SignLock(k, h); err != nil {
			return nil, nil, fmt.Errorf("deal: %w", err)
		}
	}
	if err := lock.Verify(); err != nil {
		return nil, nil, fmt.Errorf("deal: the lock does not verify: %w", err)
	}
	return lock, shares, nil
}

func dealSecret(p DealerParams, v int) (*bls.SecretKey, error) {
	if p.Secrets != nil {
		return p.Secrets[v], nil
	}
	sk, err := bls.GenerateSecretKey(p.Rand)
	if err != nil {
		return nil, fmt.Errorf("deal: validator %d: %w", v, err)
	}
	return sk, nil
}
