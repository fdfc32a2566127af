package dkg

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
)

// justify answers complaints against us by revealing the shares in question,
// and checks every other accused dealer's answer. A dealer whose revealed
// shares fail its commitments, or who reveals nothing, is blamed. It then
// combines the shares into our share of each validator's key.
func (c *ceremony) justify(ctx context.Context) error {
	ours := &justification{reveals: make(map[int][]*bls.SecretKey)}
	for _, j := range c.complaints[c.me] {
		shares, err := c.sharesOf(j)
		if err != nil {
			return err
		}
		ours.reveals[j] = shares
	}
	got, err := c.cfg.Transport.Exchange(ctx, RoundJustify, encodeJustification(ours, c.n))
	if err != nil {
		return err
	}
	var bad []int
	for dealer, accusers := range c.complaints {
		m, err := decodeJustification(got[dealer], c.n, c.v)
		if err != nil {
			bad = append(bad, dealer)
			continue
		}
		for _, j := range accusers {
			revealed, ok := m.reveals[j]
			if !ok || checkShares(revealed, c.dealings[dealer].commitments, uint64(j+1)) >= 0 {
				c.log.Warn("Dealer failed to justify its shares", zap.Int("dealer", dealer), zap.Int("recipient", j))
				bad = append(bad, dealer)
				break
			}
			if j == c.me {
				c.shares[dealer] = revealed
			}
		}
	}
	if len(bad) > 0 {
		return blame(RoundJustify, "dealt shares that do not match its commitments", bad...)
	}
	return c.combine()
}

// combine sums the shares from every dealer into our share of each validator.
func (c *ceremony) combine() error {
	c.final = make([]*bls.SecretKey, c.v)
	for v := range c.v {
		parts := make([]*bls.SecretKey, c.n)
		for i := range c.n {
			parts[i] = c.shares[i][v]
		}
		sum, err := bls.AddSecretKeys(parts...)
		if err != nil {
			return fmt.Errorf("combine shares of validator %d: %w", v, err)
		}
		c.final[v] = sum
	}
	return nil
}

// groupKeys returns each validator's group public key and every operator's
// public share, from the sum of all dealers' commitments.
func (c *ceremony) groupKeys() ([]*bls.PublicKey, [][]*bls.PublicKey, error) {
	group := make([]*bls.PublicKey, c.v)
	pubShares := make([][]*bls.PublicKey, c.v)
	for v := range c.v {
		sum := make([]*bls.PublicKey, c.t)
		for k := range c.t {
			parts := make([]*bls.PublicKey, c.n)
			for i := range c.n {
				parts[i] = c.dealings[i].commitments[v][k]
			}
			s, err := bls.AggregatePublicKeys(parts)
			if err != nil {
				return nil, nil, fmt.Errorf("sum commitments of validator %d: %w", v, err)
			}
			sum[k] = s
		}
		group[v] = sum[0]
		pubShares[v] = make([]*bls.PublicKey, c.n)
		for j := range c.n {
			ps, err := bls.PublicShareFromCommitments(sum, uint64(j+1))
			if err != nil {
				return nil, nil, fmt.Errorf("public share %d of validator %d: %w", j, v, err)
			}
			pubShares[v][j] = ps
		}
		if !c.final[v].PublicKey().Equal(pubShares[v][c.me]) {
			return nil, nil, fmt.Errorf("validator %d: our share does not match our public share", v)
		}
	}
	return group, pubShares, nil
}

// unsignedDeposits returns, per validator and deposit amount, the deposit
// message to sign and its signing root.
func (c *ceremony) unsignedDeposits(group []*bls.PublicKey) ([][]*deposit.Unsigned, error) {
	network := c.def.DepositNetwork()
	out := make([][]*deposit.Unsigned, c.v)
	for v := range c.v {
		wc := cluster.WithdrawalCredentials(c.def.CredentialType, c.def.WithdrawalAddress(v))
		for _, amount := range c.def.DepositAmounts {
			u, err := deposit.NewUnsigned(network, group[v], wc[:], phase0.Gwei(amount))
			if err != nil {
				return nil, fmt.Errorf("deposit of validator %d: %w", v, err)
			}
			out[v] = append(out[v], u)
		}
	}
	return out, nil
}

// deposits exchanges partial deposit signatures, checks each against its
// operator's public share, combines them and verifies the result.
func (c *ceremony) deposits(ctx context.Context) ([]*Validator, error) {
	group, pubShares, err := c.groupKeys()
	if err != nil {
		return nil, err
	}
	unsigned, err := c.unsignedDeposits(group)
	if err != nil {
		return nil, err
	}
	a := len(c.def.DepositAmounts)
	roots := make([][]phase0.Root, c.v)
	partials := make([]*bls.Signature, 0, c.v*a)
	for v := range c.v {
		for k := range a {
			roots[v] = append(roots[v], unsigned[v][k].SigningRoot)
			partials = append(partials, c.final[v].Sign(rootBytes(unsigned[v][k].SigningRoot)))
		}
	}
	got, err := c.cfg.Transport.Exchange(ctx, RoundDeposit, encodeSignatures(partials))
	if err != nil {
		return nil, err
	}
	all, err := c.checkPartials(got, pubShares, roots)
	if err != nil {
		return nil, err
	}
	out := make([]*Validator, c.v)
	for v := range c.v {
		val := &Validator{PublicKey: group[v], PublicShares: pubShares[v]}
		for k := range a {
			parts := make(map[uint64]*bls.Signature, c.t)
			for j := 0; j < c.t; j++ {
				parts[uint64(j+1)] = all[j][v*a+k]
			}
			sig, err := bls.RecoverSignature(parts)
			if err != nil {
				return nil, fmt.Errorf("combine deposit signature of validator %d: %w", v, err)
			}
			// Complete verifies the combined signature under the group key.
			d, err := unsigned[v][k].Complete(sig)
			if err != nil {
				return nil, fmt.Errorf("combined deposit signature of validator %d: %w", v, err)
			}
			val.Deposits = append(val.Deposits, *d)
		}
		out[v] = val
	}
	return out, nil
}

// checkPartials decodes every operator's partial deposit signatures and
// verifies them all in one batch (one Miller loop per deposit message, shared
// by the operators); if the batch fails it finds the operators at fault.
func (c *ceremony) checkPartials(got map[int][]byte, pubShares [][]*bls.PublicKey, roots [][]phase0.Root) ([][]*bls.Signature, error) {
	a := len(c.def.DepositAmounts)
	all := make([][]*bls.Signature, c.n)
	bad := make(map[int]bool)
	items := make([]bls.BatchItem, 0, c.n*c.v*a)
	owner := make([]int, 0, c.n*c.v*a)
	for j := range c.n {
		sigs, err := decodeSignatures(got[j], c.v*a)
		if err != nil {
			c.log.Warn("Malformed partial deposit signatures", zap.Int("operator", j), zap.Error(err))
			bad[j] = true
			continue
		}
		all[j] = sigs
		for v := range c.v {
			for k := range a {
				if sigs[v*a+k] == nil {
					bad[j] = true
					continue
				}
				items = append(items, bls.BatchItem{PublicKey: pubShares[v][j], Message: rootBytes(roots[v][k]), Signature: sigs[v*a+k]})
				owner = append(owner, j)
			}
		}
	}
	if len(items) > 0 {
		invalid, err := bls.FindInvalid(items, c.cfg.Rand)
		if err != nil {
			return nil, fmt.Errorf("check partial deposit signatures: %w", err)
		}
		for _, k := range invalid {
			bad[owner[k]] = true
		}
	}
	if len(bad) > 0 {
		ops := make([]int, 0, len(bad))
		for j := range bad {
			ops = append(ops, j)
		}
		return nil, blame(RoundDeposit, "sent partial deposit signatures that do not verify under its public shares", ops...)
	}
	return all, nil
}

// lock builds the lock, exchanges every operator's signature over its hash,
// and verifies them all.
func (c *ceremony) lock(ctx context.Context, validators []*Validator) (*cluster.Lock, error) {
	dvs := make([]cluster.DistributedValidator, len(validators))
	for v, val := range validators {
		dv := cluster.DistributedValidator{PublicKey: "0x" + hex.EncodeToString(val.PublicKey.Bytes())}
		for _, ps := range val.PublicShares {
			dv.PublicShares = append(dv.PublicShares, "0x"+hex.EncodeToString(ps.Bytes()))
		}
		dv.DepositData = val.Deposits
		dvs[v] = dv
	}
	lock, err := cluster.NewLock(c.def, dvs)
	if err != nil {
		return nil, err
	}
	h, err := lock.Hash()
	if err != nil {
		return nil, err
	}
	sig, err := cluster.SignLock(c.cfg.Key, h)
	if err != nil {
		return nil, err
	}
	got, err := c.cfg.Transport.Exchange(ctx, RoundLock, []byte(sig))
	if err != nil {
		return nil, err
	}
	var bad []int
	for j := range c.n {
		if err := lock.VerifyLockSignature(j, h, string(got[j])); err != nil {
			bad = append(bad, j)
			continue
		}
		lock.Signatures[j] = string(got[j])
	}
	if len(bad) > 0 {
		return nil, blame(RoundLock, "did not sign the same lock (its lock differs, or its signature is invalid)", bad...)
	}
	return lock, nil
}

// rootBytes copies a root into a fresh slice (cgo must never see a slice
// into a Go struct).
func rootBytes(r phase0.Root) []byte {
	return append([]byte(nil), r[:]...)
}
