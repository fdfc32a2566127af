package bls

import (
	"encoding/binary"
	"fmt"
	"io"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// BatchItem is one (public key, message, signature) triple to verify. For a
// partial signature the public key is the signer's public share.
type BatchItem struct {
	PublicKey *PublicKey
	Message   []byte
	Signature *Signature
}

// scalarBytes is the size of the random weights: 64-bit weights give a
// forgery probability of at most 2^-64 per batch, as in blst and Lighthouse.
const scalarBytes = 8

// BatchVerify reports whether every triple in items is valid, checking them
// together with a random linear combination:
//
//	e(G1, sum r_i*sig_i) == prod_m e(sum_{i: msg_i = m} r_i*pk_i, H(m))
//
// with non-zero 64-bit weights r_i read from r (use crypto/rand.Reader in
// production; tests may inject a seeded reader). Triples with the same message
// share one Miller loop. It returns false for an empty batch, a nil or
// infinity key or signature, or a failing reader. A false result says only
// that at least one triple is invalid; FindInvalid says which.
func BatchVerify(items []BatchItem, r io.Reader) bool {
	b, bad, err := prepareBatch(items, r)
	if err != nil || len(bad) > 0 {
		return false
	}
	return b.check(allIndices(len(items)))
}

// FindInvalid verifies items like BatchVerify and returns the positions (in
// ascending order) of the invalid triples: none when the whole batch verifies
// in one go, otherwise it bisects the failing batch, re-checking halves with
// the same weights, until every invalid triple is isolated. Triples with a
// nil or infinity key or signature are reported as invalid without pairing.
// This is the fast path for partial signatures: pass each partial with the
// signer's public share, for as many validators and duties as are pending.
// It returns an error only for an empty batch or a failing reader.
func FindInvalid(items []BatchItem, r io.Reader) ([]int, error) {
	b, bad, err := prepareBatch(items, r)
	if err != nil {
		return nil, err
	}
	isBad := make([]bool, len(items))
	for _, i := range bad {
		isBad[i] = true
	}
	todo := make([]int, 0, len(items))
	for i := range items {
		if !isBad[i] {
			todo = append(todo, i)
		}
	}
	if len(todo) > 0 {
		b.bisect(todo, false, isBad)
	}
	var invalid []int
	for i, v := range isBad {
		if v {
			invalid = append(invalid, i)
		}
	}
	return invalid, nil
}

// preparedBatch holds the decoded points, weights and hashed messages of a
// batch so that sub-batches can be re-checked without redoing that work.
type preparedBatch struct {
	pks    []herumi.G1
	sigs   []herumi.G2
	w      []herumi.Fr
	group  []int       // message group of each item
	hashes []herumi.G2 // H(m) per message group
}

// prepareBatch validates items, draws their weights and hashes each distinct
// message once. bad lists the items with a nil or infinity key or signature.
func prepareBatch(items []BatchItem, r io.Reader) (*preparedBatch, []int, error) {
	if len(items) == 0 {
		return nil, nil, fmt.Errorf("batch verify: %w", ErrEmpty)
	}
	if r == nil {
		return nil, nil, fmt.Errorf("batch verify: %w: reader", ErrNilInput)
	}
	lib()
	n := len(items)
	b := &preparedBatch{
		pks: make([]herumi.G1, n), sigs: make([]herumi.G2, n),
		w: make([]herumi.Fr, n), group: make([]int, n),
	}
	var bad []int
	groups := make(map[string]int)
	buf := make([]byte, scalarBytes*n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, nil, fmt.Errorf("batch verify: read randomness: %w", err)
	}
	for i, it := range items {
		if it.PublicKey == nil || it.Signature == nil || it.PublicKey.p.IsZero() || it.Signature.IsInfinity() {
			bad = append(bad, i)
			continue
		}
		b.pks[i] = *herumi.CastFromPublicKey(&it.PublicKey.p)
		b.sigs[i] = *herumi.CastFromSign(&it.Signature.s)
		if err := setWeight(&b.w[i], buf[i*scalarBytes:(i+1)*scalarBytes], r); err != nil {
			return nil, nil, err
		}
		g, ok := groups[string(it.Message)]
		if !ok {
			h, ok := hashToG2(it.Message)
			if !ok {
				return nil, nil, fmt.Errorf("batch verify: hash message %d to G2", i)
			}
			g = len(b.hashes)
			groups[string(it.Message)] = g
			b.hashes = append(b.hashes, h)
		}
		b.group[i] = g
	}
	return b, bad, nil
}

// setWeight sets w from 8 little-endian bytes, redrawing from r while zero.
func setWeight(w *herumi.Fr, le []byte, r io.Reader) error {
	for binary.LittleEndian.Uint64(le) == 0 {
		if _, err := io.ReadFull(r, le); err != nil {
			return fmt.Errorf("batch verify: read randomness: %w", err)
		}
	}
	if err := w.SetLittleEndian(le); err != nil {
		return fmt.Errorf("batch verify: set weight: %w", err)
	}
	return nil
}

// check verifies the sub-batch idx with one multi-pairing.
func (b *preparedBatch) check(idx []int) bool {
	sigs := make([]herumi.G2, len(idx))
	ws := make([]herumi.Fr, len(idx))
	byGroup := make(map[int][]int)
	var order []int
	for k, i := range idx {
		sigs[k] = b.sigs[i]
		ws[k] = b.w[i]
		g := b.group[i]
		if _, ok := byGroup[g]; !ok {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], i)
	}
	var sigSum herumi.G2
	herumi.G2MulVec(&sigSum, sigs, ws)
	g1s := make([]herumi.G1, 0, len(order)+1)
	g2s := make([]herumi.G2, 0, len(order)+1)
	g1s = append(g1s, lib().negG1)
	g2s = append(g2s, sigSum)
	for _, g := range order {
		members := byGroup[g]
		pks := make([]herumi.G1, len(members))
		gw := make([]herumi.Fr, len(members))
		for k, i := range members {
			pks[k] = b.pks[i]
			gw[k] = b.w[i]
		}
		var pkSum herumi.G1
		herumi.G1MulVec(&pkSum, pks, gw)
		g1s = append(g1s, pkSum)
		g2s = append(g2s, b.hashes[g])
	}
	return pairingProductIsOne(g1s, g2s)
}

// bisect marks the invalid items of idx in isBad. knownBad says the caller
// already knows idx fails, so the check can be skipped.
func (b *preparedBatch) bisect(idx []int, knownBad bool, isBad []bool) {
	if !knownBad && b.check(idx) {
		return
	}
	if len(idx) == 1 {
		isBad[idx[0]] = true
		return
	}
	mid := len(idx) / 2
	left, right := idx[:mid], idx[mid:]
	if b.check(left) {
		// The left half is valid, so the failure is in the right half.
		b.bisect(right, true, isBad)
		return
	}
	b.bisect(left, true, isBad)
	b.bisect(right, false, isBad)
}

func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
