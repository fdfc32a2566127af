package beaconsim

import (
	"encoding/binary"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// sszUint64 is an SSZ uint64 (the object of RANDAO reveals and selection proofs).
type sszUint64 uint64

// HashTreeRoot is the SSZ root of a uint64: its little-endian bytes padded to 32.
func (u sszUint64) HashTreeRoot() ([32]byte, error) {
	var r [32]byte
	binary.LittleEndian.PutUint64(r[:8], uint64(u))
	return r, nil
}

// sszRoot is an SSZ Bytes32 (the object of sync committee messages).
type sszRoot phase0.Root

// HashTreeRoot is the root itself.
func (r sszRoot) HashTreeRoot() ([32]byte, error) { return r, nil }
