package consensus

import (
	"testing"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// The cache keeps at most its size, forgetting the oldest first, and keys
// differ for the same message with another signature.
func TestVerifiedCache_BoundedOldestForgotten(t *testing.T) {
	const size = 8
	c := newVerifiedCache(size)
	keys := make([]verifiedKey, 3*size)
	for i := range keys {
		keys[i] = keyOf(&qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrepare, Round: uint32(i + 1)}, Signature: []byte{1}})
		c.add(keys[i])
		c.add(keys[i]) // adding twice takes one place
		if len(c.set) > size || len(c.ring) > size {
			t.Fatalf("after %d adds: %d keys, %d in ring; bound %d", i+1, len(c.set), len(c.ring), size)
		}
	}
	for i, k := range keys {
		if want := i >= len(keys)-size; c.has(k) != want {
			t.Errorf("key %d: has = %v, want %v", i, c.has(k), want)
		}
	}
	same := qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrepare, Round: 3 * size}, Signature: []byte{2}}
	if c.has(keyOf(&same)) {
		t.Error("same message with another signature found in the cache")
	}
}
