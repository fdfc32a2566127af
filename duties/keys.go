package duties

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/attestantio/go-eth2-client/spec/bellatrix"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/consensus/qbft"
	"github.com/stingerdvt/stinger/eth2/bls"
)

type consensusID = qbft.InstanceID

// clusterKeys are the lock's keys in the forms the stages use.
type clusterKeys struct {
	pubkeys      []PubKey
	groupKeys    map[PubKey]*bls.PublicKey
	publicShares map[PubKey][]*bls.PublicKey // by operator index
	ownShares    map[PubKey]*bls.PublicKey
	secretShares map[PubKey]*bls.SecretKey
	// feeRecipients are the definition's fee recipients per validator.
	feeRecipients map[PubKey]bellatrix.ExecutionAddress
}

func decodeHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.TrimPrefix(s, "0x"))
}

// loadKeys decodes the lock's keys and checks that our shares match our public shares.
func loadKeys(lock *cluster.Lock, self int, shares []*bls.SecretKey) (*clusterKeys, error) {
	k := &clusterKeys{groupKeys: map[PubKey]*bls.PublicKey{}, publicShares: map[PubKey][]*bls.PublicKey{},
		ownShares: map[PubKey]*bls.PublicKey{}, secretShares: map[PubKey]*bls.SecretKey{},
		feeRecipients: map[PubKey]bellatrix.ExecutionAddress{}}
	n := len(lock.Definition.Operators)
	for i, v := range lock.Validators {
		b, err := decodeHex(v.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("lock validator %d public_key: %w", i, err)
		}
		gk, err := bls.PublicKeyFromBytes(b)
		if err != nil {
			return nil, fmt.Errorf("lock validator %d public_key: %w", i, err)
		}
		var pk PubKey
		copy(pk[:], b)
		if _, dup := k.groupKeys[pk]; dup {
			return nil, fmt.Errorf("lock validator %d: public key listed twice", i)
		}
		if len(v.PublicShares) != n {
			return nil, fmt.Errorf("lock validator %d: %d public shares, want %d", i, len(v.PublicShares), n)
		}
		ps := make([]*bls.PublicKey, n)
		for j, s := range v.PublicShares {
			sb, err := decodeHex(s)
			if err != nil {
				return nil, fmt.Errorf("lock validator %d public share %d: %w", i, j, err)
			}
			if ps[j], err = bls.PublicKeyFromBytes(sb); err != nil {
				return nil, fmt.Errorf("lock validator %d public share %d: %w", i, j, err)
			}
		}
		if shares[i] == nil || !shares[i].PublicKey().Equal(ps[self]) {
			return nil, fmt.Errorf("key share of validator %d (%s) does not match operator %d's public share in the lock",
				i, v.PublicKey, self)
		}
		k.pubkeys = append(k.pubkeys, pk)
		k.groupKeys[pk] = gk
		k.publicShares[pk] = ps
		k.ownShares[pk] = ps[self]
		k.secretShares[pk] = shares[i]
		k.feeRecipients[pk] = bellatrix.ExecutionAddress(lock.Definition.FeeRecipient(i))
	}
	return k, nil
}

func sortStrings(s []string) { sort.Strings(s) }
