package bls

import (
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

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
	var msgs [][]byte
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
			g = len(msgs)
			groups[string(it.Message)] = g
			msgs = append(msgs, it.Message)
		}
		b.group[i] = g
	}
	b.hashes = make([]herumi.G2, len(msgs))
	var failed atomic.Bool
	parallel(len(msgs), minHashChunk, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			h, ok := hashToG2(msgs[g])
			if !ok {
				failed.Store(true)
				return
			}
			b.hashes[g] = h
		}
	})
	if failed.Load() {
		return nil, nil, fmt.Errorf("batch verify: hash message to G2")
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

// check verifies the sub-batch idx with one multi-pairing: the weighted sums
// and Miller loops are split across up to GOMAXPROCS goroutines for large
// batches, and the partial products meet in one final exponentiation.
func (b *preparedBatch) check(idx []int) bool {
	var order []int // message groups in first-seen order
	byGroup := make(map[int][]int)
	for _, i := range idx {
		g := b.group[i]
		if _, ok := byGroup[g]; !ok {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], i)
	}
	// g1s[k], g2s[k] for k >= 1 are (sum of weighted keys, H(m)) of group
	// order[k-1]; slot 0 is (-G1, weighted signature sum), filled below.
	g1s := make([]herumi.G1, len(order)+1)
	g2s := make([]herumi.G2, len(order)+1)
	g1s[0] = lib().negG1
	parallel(len(order), minPairChunk, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			members := byGroup[order[k]]
			pks := make([]herumi.G1, len(members))
			ws := make([]herumi.Fr, len(members))
			for m, i := range members {
				pks[m], ws[m] = b.pks[i], b.w[i]
			}
			herumi.G1MulVec(&g1s[k+1], pks, ws)
			g2s[k+1] = b.hashes[order[k]]
		}
	})
	g2s[0] = b.weightedSignatureSum(idx)
	return pairingProductIsOne(g1s, g2s)
}

// weightedSignatureSum returns sum r_i*sig_i over idx, as chunked
// multi-scalar multiplications added together.
func (b *preparedBatch) weightedSignatureSum(idx []int) herumi.G2 {
	chunks := make([]herumi.G2, workers(len(idx), minPairChunk))
	size := (len(idx) + len(chunks) - 1) / len(chunks)
	parallel(len(chunks), 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			part := idx[c*size : min((c+1)*size, len(idx))]
			sigs := make([]herumi.G2, len(part))
			ws := make([]herumi.Fr, len(part))
			for k, i := range part {
				sigs[k], ws[k] = b.sigs[i], b.w[i]
			}
			herumi.G2MulVec(&chunks[c], sigs, ws)
		}
	})
	sum := chunks[0]
	for c := 1; c < len(chunks); c++ {
		herumi.G2Add(&sum, &sum, &chunks[c])
	}
	return sum
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

// Minimum work per goroutine: below these a batch runs on the caller's
// goroutine, since a hash to G2 or a Miller loop costs far more than spawning.
const (
	minHashChunk = 16
	minPairChunk = 64
)

// workers returns how many goroutines to use for n units of work.
func workers(n, minChunk int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/minChunk))
}

// parallel runs f over [0, n) split into contiguous chunks, one goroutine per
// chunk (or inline for one chunk), and returns when all are done.
func parallel(n, minChunk int, f func(lo, hi int)) {
	w := workers(n, minChunk)
	if w == 1 {
		f(0, n)
		return
	}
	size := (n + w - 1) / w
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += size {
		wg.Go(func() { f(lo, min(lo+size, n)) })
	}
	wg.Wait()
}
