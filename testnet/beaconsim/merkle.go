package beaconsim

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// zeroHashes[i] is the root of a depth-i tree of zero chunks.
func zeroHashes(depth int) [][32]byte {
	z := make([][32]byte, depth+1)
	for i := 1; i <= depth; i++ {
		z[i] = hashPair(z[i-1], z[i-1])
	}
	return z
}

func hashPair(a, b [32]byte) [32]byte {
	var buf [64]byte
	copy(buf[:32], a[:])
	copy(buf[32:], b[:])
	return sha256.Sum256(buf[:])
}

// merkleizeList is the SSZ hash_tree_root of a list whose element roots are leaves and whose limit (in
// chunks) is limit: merkleize to depth ceil(log2(limit)) and mix in the length.
func merkleizeList(leaves [][32]byte, limit uint64) [32]byte {
	depth := 0
	if limit > 1 {
		depth = bits.Len64(limit - 1)
	}
	zero := zeroHashes(depth)
	layer := append([][32]byte(nil), leaves...)
	for d := range depth {
		if len(layer)%2 == 1 {
			layer = append(layer, zero[d])
		}
		next := make([][32]byte, len(layer)/2)
		for i := range next {
			next[i] = hashPair(layer[2*i], layer[2*i+1])
		}
		layer = next
	}
	root := zero[depth]
	if len(layer) > 0 {
		root = layer[0]
	}
	var length [32]byte
	binary.LittleEndian.PutUint64(length[:8], uint64(len(leaves)))
	return hashPair(root, length)
}
