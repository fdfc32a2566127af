package slashing

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
)

// On-disk layout (bbolt). Keys of all validators share three flat buckets,
// so recording one message dirties about one leaf page of its own plus
// branch pages shared with the rest of the batch. Records are keyed by a
// 4-byte validator id (assigned from 1 on first write, kept in the summary)
// rather than the 48-byte public key, which keeps branch pages wide:
//
//	"meta"                        {"schema": 3}
//	"chain/" + gvr (32 bytes)     one bucket per genesis validators root, holding:
//	  "next"                      next validator id (4 bytes)
//	  "s": pubkey                 summary with the validator id (see summary.encode)
//	  "b": id‖slot                block record
//	  "a": id‖target‖source       attestation record, sorted by target
//
// Integers are big-endian. A record is one flag byte (1 = signing root
// known) followed by the 32-byte signing root when known.
const (
	metaBucket      = "meta"
	schemaKey       = "schema"
	summariesBucket = "s"
	blocksBucket    = "b"
	attsBucket      = "a"
	chainPrefix     = "chain/"
	nextIDKey       = "next"
	schemaVersion   = "\x03"
)

const idLen = 4

func chainBucketName(gvr phase0.Root) []byte { return append([]byte(chainPrefix), gvr[:]...) }

// summary is the per-validator digest that keeps every check O(1) in the
// common case: the extremes of the recorded history and the watermarks
// raised by minimal imports.
type summary struct {
	hasBlocks          bool
	minSlot, maxSlot   uint64
	hasAtts            bool
	minSource, maxSrc  uint64
	minTarget, maxTgt  uint64
	wmBlockSet         bool
	wmSlot             uint64
	wmAttSet           bool
	wmSource, wmTarget uint64
	id                 uint32 // 0: none assigned yet (no records)
}

const summaryLen = 1 + 9*8 + idLen

func (s summary) encode() []byte {
	b := make([]byte, summaryLen)
	var flags byte
	for i, f := range []bool{s.hasBlocks, s.hasAtts, s.wmBlockSet, s.wmAttSet} {
		if f {
			flags |= 1 << i
		}
	}
	b[0] = flags
	for i, v := range []uint64{s.minSlot, s.maxSlot, s.minSource, s.maxSrc, s.minTarget, s.maxTgt, s.wmSlot, s.wmSource, s.wmTarget} {
		binary.BigEndian.PutUint64(b[1+8*i:], v)
	}
	binary.BigEndian.PutUint32(b[1+9*8:], s.id)
	return b
}

func decodeSummary(b []byte) (summary, error) {
	if len(b) != summaryLen || b[0]&^0x0f != 0 {
		return summary{}, fmt.Errorf("decode validator summary: %d bytes, flags %#x", len(b), b[0])
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(b[1+8*i:]) }
	return summary{
		hasBlocks: b[0]&1 != 0, hasAtts: b[0]&2 != 0, wmBlockSet: b[0]&4 != 0, wmAttSet: b[0]&8 != 0,
		minSlot: u(0), maxSlot: u(1), minSource: u(2), maxSrc: u(3), minTarget: u(4), maxTgt: u(5),
		wmSlot: u(6), wmSource: u(7), wmTarget: u(8), id: binary.BigEndian.Uint32(b[1+9*8:]),
	}, nil
}

func (s *summary) addBlock(slot uint64) {
	if !s.hasBlocks {
		s.hasBlocks, s.minSlot, s.maxSlot = true, slot, slot
		return
	}
	s.minSlot, s.maxSlot = min(s.minSlot, slot), max(s.maxSlot, slot)
}

func (s *summary) addAttestation(src, tgt uint64) {
	if !s.hasAtts {
		s.hasAtts, s.minSource, s.maxSrc, s.minTarget, s.maxTgt = true, src, src, tgt, tgt
		return
	}
	s.minSource, s.maxSrc = min(s.minSource, src), max(s.maxSrc, src)
	s.minTarget, s.maxTgt = min(s.minTarget, tgt), max(s.maxTgt, tgt)
}

func (v *validator) prefix(n int) []byte {
	return binary.BigEndian.AppendUint32(make([]byte, 0, idLen+n), v.sum.id)
}

func (v *validator) slotKey(slot uint64) []byte {
	return binary.BigEndian.AppendUint64(v.prefix(8), slot)
}

func (v *validator) attKey(tgt, src uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(v.prefix(16), tgt), src)
}

func (v *validator) owns(k []byte) bool {
	return v.sum.id != 0 && len(k) >= idLen && binary.BigEndian.Uint32(k) == v.sum.id
}

// splitAttKey returns target and source of v's attestation key k; ok is false
// when k belongs to another validator (the end of a scan).
func (v *validator) splitAttKey(k []byte) (tgt, src uint64, ok bool, err error) {
	if !v.owns(k) {
		return 0, 0, false, nil
	}
	if len(k) != idLen+16 {
		return 0, 0, false, fmt.Errorf("decode attestation key: %d bytes, want %d", len(k), idLen+16)
	}
	return binary.BigEndian.Uint64(k[idLen:]), binary.BigEndian.Uint64(k[idLen+8:]), true, nil
}

// splitSlotKey is splitAttKey for block keys.
func (v *validator) splitSlotKey(k []byte) (slot uint64, ok bool, err error) {
	if !v.owns(k) {
		return 0, false, nil
	}
	if len(k) != idLen+8 {
		return 0, false, fmt.Errorf("decode block key: %d bytes, want %d", len(k), idLen+8)
	}
	return binary.BigEndian.Uint64(k[idLen:]), true, nil
}

func encodeRecord(root *phase0.Root) []byte {
	if root == nil {
		return []byte{0}
	}
	return append([]byte{1}, root[:]...)
}

func decodeRecord(b []byte) (*phase0.Root, error) {
	switch {
	case len(b) == 1 && b[0] == 0:
		return nil, nil
	case len(b) == 33 && b[0] == 1:
		var r phase0.Root
		copy(r[:], b[1:])
		return &r, nil
	default:
		return nil, fmt.Errorf("decode record: %d bytes", len(b))
	}
}

// knownRoot turns a caller's signing root into a record root: zero means
// unknown.
func knownRoot(r phase0.Root) *phase0.Root {
	if r.IsZero() {
		return nil
	}
	return &r
}

func sameRoot(a, b *phase0.Root) bool { return a != nil && b != nil && *a == *b }

// validator is a view of one validator's history inside a transaction.
type validator struct {
	pubkey phase0.BLSPubKey
	chain  *bolt.Bucket
	sums   *bolt.Bucket
	blocks *bolt.Bucket
	atts   *bolt.Bucket
	sum    summary
}

// chainBuckets opens the three buckets of a chain bucket.
func chainBuckets(chain *bolt.Bucket) (sums, blocks, atts *bolt.Bucket, err error) {
	if chain == nil {
		return nil, nil, nil, errors.New("chain bucket missing")
	}
	sums, blocks, atts = chain.Bucket([]byte(summariesBucket)), chain.Bucket([]byte(blocksBucket)), chain.Bucket([]byte(attsBucket))
	if sums == nil || blocks == nil || atts == nil {
		return nil, nil, nil, errors.New("chain bucket incomplete")
	}
	return sums, blocks, atts, nil
}

func loadValidator(chain *bolt.Bucket, pubkey phase0.BLSPubKey) (*validator, error) {
	sums, blocks, atts, err := chainBuckets(chain)
	if err != nil {
		return nil, err
	}
	v := &validator{pubkey: pubkey, chain: chain, sums: sums, blocks: blocks, atts: atts}
	if raw := sums.Get(pubkey[:]); raw != nil {
		s, err := decodeSummary(raw)
		if err != nil {
			return nil, fmt.Errorf("validator %#x: %w", pubkey[:], err)
		}
		v.sum = s
	}
	return v, nil
}

// ensureID assigns the validator an id on its first write (ids start at 1,
// so keys of id 0 never exist).
func (v *validator) ensureID() error {
	if v.sum.id != 0 {
		return nil
	}
	next := uint32(1)
	if raw := v.chain.Get([]byte(nextIDKey)); raw != nil {
		if len(raw) != idLen {
			return fmt.Errorf("decode next validator id: %d bytes", len(raw))
		}
		next = binary.BigEndian.Uint32(raw)
	}
	if next == 0 {
		return errors.New("validator ids exhausted")
	}
	if err := v.chain.Put([]byte(nextIDKey), binary.BigEndian.AppendUint32(nil, next+1)); err != nil {
		return fmt.Errorf("write next validator id: %w", err)
	}
	v.sum.id = next
	return nil
}

func (v *validator) saveSummary() error {
	if err := v.ensureID(); err != nil {
		return err
	}
	if err := v.sums.Put(v.pubkey[:], v.sum.encode()); err != nil {
		return fmt.Errorf("write validator summary: %w", err)
	}
	return nil
}

func (v *validator) putBlock(slot uint64, root *phase0.Root) error {
	if err := v.ensureID(); err != nil {
		return err
	}
	if err := v.blocks.Put(v.slotKey(slot), encodeRecord(root)); err != nil {
		return fmt.Errorf("write block record: %w", err)
	}
	v.sum.addBlock(slot)
	return v.saveSummary()
}

func (v *validator) putAttestation(src, tgt uint64, root *phase0.Root) error {
	if err := v.ensureID(); err != nil {
		return err
	}
	if err := v.atts.Put(v.attKey(tgt, src), encodeRecord(root)); err != nil {
		return fmt.Errorf("write attestation record: %w", err)
	}
	v.sum.addAttestation(src, tgt)
	return v.saveSummary()
}
