package prysm

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// curveOrder is r, the order of the BLS12-381 groups.
var curveOrder, _ = new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)

// InteropKey returns the interop (mock start) secret key of validator index i, the one every consensus
// client derives for test networks: sha256 of i as 32 little-endian bytes, read as a little-endian
// integer, modulo r.
func InteropKey(i uint64) (*bls.SecretKey, error) {
	var in [32]byte
	binary.LittleEndian.PutUint64(in[:8], i)
	h := sha256.Sum256(in[:])
	for l, r := 0, len(h)-1; l < r; l, r = l+1, r-1 {
		h[l], h[r] = h[r], h[l]
	}
	s := new(big.Int).SetBytes(h[:])
	s.Mod(s, curveOrder)
	var be [32]byte
	s.FillBytes(be[:])
	sk, err := bls.SecretKeyFromBytes(be[:])
	if err != nil {
		return nil, fmt.Errorf("interop key %d: %w", i, err)
	}
	return sk, nil
}

// InteropKeys returns the interop secret keys of indices start .. start+n-1.
func InteropKeys(start, n uint64) ([]*bls.SecretKey, error) {
	out := make([]*bls.SecretKey, 0, n)
	for i := start; i < start+n; i++ {
		sk, err := InteropKey(i)
		if err != nil {
			return nil, err
		}
		out = append(out, sk)
	}
	return out, nil
}
