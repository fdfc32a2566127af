package slashing

import (
	"encoding/binary"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
)

// On-disk layout (bbolt):
//
//	"meta"                      {"schema": 1}
//	"chain/" + gvr (32 bytes)   one bucket per genesis validators root
//	  pubkey (48 bytes)         one bucket per validator
//	    "s"                     summary (see summary.encode)
//	    "b"/slot (8 bytes BE)   block record
//	    "a"/target‖source (BE)  attestation record, sorted by target
//
// A record is one flag byte (1 = signing root known) followed by the 32-byte
// signing root when known.
var (
	metaBucket    = []byte("meta")
	schemaKey     = []byte("schema")
	summaryKey    = []byte("s")
	blocksBucket  = []byte("b")
	attsBucket    = []byte("a")
	chainPrefix   = "chain/"
	schemaVersion = []byte{1}
)

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
}

const summaryLen = 1 + 9*8

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
		wmSlot: u(6), wmSource: u(7), wmTarget: u(8),
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

func slotKey(slot uint64) []byte { return binary.BigEndian.AppendUint64(nil, slot) }

func attKey(tgt, src uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(make([]byte, 0, 16), tgt), src)
}

func splitAttKey(k []byte) (tgt, src uint64, err error) {
	if len(k) != 16 {
		return 0, 0, fmt.Errorf("decode attestation key: %d bytes, want 16", len(k))
	}
	return binary.BigEndian.Uint64(k), binary.BigEndian.Uint64(k[8:]), nil
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
// bkt is nil when the validator has no history yet.
type validator struct {
	pubkey phase0.BLSPubKey
	bkt    *bolt.Bucket
	sum    summary
}

func loadValidator(chain *bolt.Bucket, pubkey phase0.BLSPubKey) (*validator, error) {
	v := &validator{pubkey: pubkey}
	if chain == nil {
		return v, nil
	}
	v.bkt = chain.Bucket(pubkey[:])
	if v.bkt == nil {
		return v, nil
	}
	if raw := v.bkt.Get(summaryKey); raw != nil {
		s, err := decodeSummary(raw)
		if err != nil {
			return nil, fmt.Errorf("validator %#x: %w", pubkey[:], err)
		}
		v.sum = s
	}
	return v, nil
}

// ensure creates the validator's buckets (write transactions only).
func (v *validator) ensure(chain *bolt.Bucket) error {
	if v.bkt != nil {
		return nil
	}
	b, err := chain.CreateBucketIfNotExists(v.pubkey[:])
	if err != nil {
		return fmt.Errorf("create validator bucket: %w", err)
	}
	for _, name := range [][]byte{blocksBucket, attsBucket} {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create validator bucket: %w", err)
		}
	}
	v.bkt = b
	return nil
}

func (v *validator) blocks() *bolt.Bucket {
	if v.bkt == nil {
		return nil
	}
	return v.bkt.Bucket(blocksBucket)
}

func (v *validator) atts() *bolt.Bucket {
	if v.bkt == nil {
		return nil
	}
	return v.bkt.Bucket(attsBucket)
}

func (v *validator) saveSummary() error {
	if err := v.bkt.Put(summaryKey, v.sum.encode()); err != nil {
		return fmt.Errorf("write validator summary: %w", err)
	}
	return nil
}

func (v *validator) putBlock(chain *bolt.Bucket, slot uint64, root *phase0.Root) error {
	if err := v.ensure(chain); err != nil {
		return err
	}
	if err := v.blocks().Put(slotKey(slot), encodeRecord(root)); err != nil {
		return fmt.Errorf("write block record: %w", err)
	}
	v.sum.addBlock(slot)
	return v.saveSummary()
}

func (v *validator) putAttestation(chain *bolt.Bucket, src, tgt uint64, root *phase0.Root) error {
	if err := v.ensure(chain); err != nil {
		return err
	}
	if err := v.atts().Put(attKey(tgt, src), encodeRecord(root)); err != nil {
		return fmt.Errorf("write attestation record: %w", err)
	}
	v.sum.addAttestation(src, tgt)
	return v.saveSummary()
}

func bigEndian(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
