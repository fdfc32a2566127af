package consensus

import (
	"crypto/sha256"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// verifiedCacheSize bounds the verified-message cache: enough for every
// message of a few hundred instances in flight at n = 13; beyond it the
// oldest entries are forgotten (and re-verified if seen again).
const verifiedCacheSize = 4096

// verifiedKey identifies a signed message together with its signature: the
// SHA-256 of its signing bytes (fixed length) followed by the signature.
type verifiedKey [sha256.Size]byte

func keyOf(s *qbft.Signed) verifiedKey {
	var buf [qbft.SigningSize + qbft.MaxSignatureSize]byte
	b := append(s.AppendSigningBytes(buf[:0]), s.Signature...)
	return sha256.Sum256(b)
}

// verifiedCache remembers signed messages whose signatures were verified,
// or that this process signed itself, so that the same bytes seen again (a
// PREPARE received on its own and later inside a ROUND-CHANGE's
// justification, our own COMMIT inside a peer's DECIDED) are not verified
// twice. A hit requires the same message and the same signature bytes, so a
// copy carrying another signature is still verified. FIFO-bounded; owned by
// the Run goroutine.
type verifiedCache struct {
	set  map[verifiedKey]struct{}
	ring []verifiedKey
	next int
}

func newVerifiedCache(size int) *verifiedCache {
	return &verifiedCache{set: make(map[verifiedKey]struct{}, size), ring: make([]verifiedKey, 0, size)}
}

func (c *verifiedCache) has(k verifiedKey) bool {
	_, ok := c.set[k]
	return ok
}

func (c *verifiedCache) add(k verifiedKey) {
	if _, ok := c.set[k]; ok {
		return
	}
	if len(c.ring) < cap(c.ring) {
		c.ring = append(c.ring, k)
	} else {
		delete(c.set, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % len(c.ring)
	}
	c.set[k] = struct{}{}
}
