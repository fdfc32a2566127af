package bls

import (
	"bytes"
	"fmt"
	"math/big"
)

// Flag bits of the first byte of a compressed point (ZCash serialisation, as
// used by Ethereum).
const (
	flagCompressed = 0x80
	flagInfinity   = 0x40
	flagSort       = 0x20
	flagMask       = flagCompressed | flagInfinity | flagSort
)

// checkCompressed validates the framing of a compressed point of n field
// elements (n = 1 for G1, 2 for G2) before it reaches herumi: exact length,
// compression flag set, canonical infinity, and every coordinate < p.
// It returns isInfinity = true for the canonical encoding of the point at
// infinity.
func checkCompressed(b []byte, n int) (isInfinity bool, err error) {
	want := n * fpLength
	if len(b) != want {
		return false, fmt.Errorf("%w: got %d bytes, want %d", ErrLength, len(b), want)
	}
	if b[0]&flagCompressed == 0 {
		return false, fmt.Errorf("%w: compression flag not set", ErrEncoding)
	}
	if b[0]&flagInfinity != 0 {
		// Infinity: sort flag clear and every other bit zero.
		if b[0] != flagCompressed|flagInfinity || !allZero(b[1:]) {
			return false, fmt.Errorf("%w: infinity flag set with non-zero bits", ErrEncoding)
		}
		return true, nil
	}
	p := lib().p
	for i := range n {
		coord := b[i*fpLength : (i+1)*fpLength]
		x := new(big.Int).SetBytes(coord)
		if i == 0 {
			first := bytes.Clone(coord)
			first[0] &^= flagMask
			x.SetBytes(first)
		}
		if x.Cmp(p) >= 0 {
			return false, fmt.Errorf("%w: coordinate %d not less than the field modulus", ErrEncoding, i)
		}
	}
	return false, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
