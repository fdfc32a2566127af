package duties

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// ParSigTransport carries partial-signature batches between operators. p2p.Node fits through
// NewP2PTransport; NewInmemParSigNetwork connects in-process pipelines.
type ParSigTransport interface {
	// Broadcast sends payload to every other operator.
	Broadcast(ctx context.Context, payload []byte) error
	// Receive registers fn for every payload received; from is the authenticated sender's operator index.
	Receive(fn func(ctx context.Context, from int, payload []byte))
}

// Wire format of a batch (all integers big-endian):
//
//	slot uint64 | duty type uint16 | count uint32 | count × entry
//	entry: pubkey [48] | root [32] | signature [96]
//	entry of a type performed by subcommittee (DutyType.BySubcommittee):
//	       pubkey [48] | subcommittee uint8 | root [32] | signature [96]
//
// Entries are sorted by public key (then subcommittee) and unique, and a subcommittee is below
// SyncCommitteeSubnetCount, so one batch has exactly one encoding.
const (
	parSigHeader = 8 + 2 + 4
	parSigEntry  = 48 + 32 + 96
	// parSigSubEntry is an entry with its subcommittee byte.
	parSigSubEntry = parSigEntry + 1
	// MaxParSigBatch bounds the entries in one batch, so that a batch fits the p2p layer's message cap
	// (p2p.MaxPayloadSize).
	MaxParSigBatch = 1 << 15
)

// MaxParSigPayload is the largest encoded batch.
const MaxParSigPayload = parSigHeader + MaxParSigBatch*parSigSubEntry

// parSigEntrySize is the size of one entry of a batch of type t.
func parSigEntrySize(t DutyType) int {
	if t.BySubcommittee() {
		return parSigSubEntry
	}
	return parSigEntry
}

// EncodeParSigs encodes one batch.
func EncodeParSigs(duty Duty, set ParSignedSet) ([]byte, error) {
	if len(set) > MaxParSigBatch {
		return nil, fmt.Errorf("encode partial signatures: %d entries, at most %d", len(set), MaxParSigBatch)
	}
	bySub := duty.Type.BySubcommittee()
	keys := make([]Key, 0, len(set))
	for k := range set {
		if (bySub && k.Subcommittee >= SyncCommitteeSubnetCount) || (!bySub && k.Subcommittee != 0) {
			return nil, fmt.Errorf("encode partial signatures of %s: %s: subcommittee %d not allowed", duty, k,
				k.Subcommittee)
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	b := make([]byte, parSigHeader, parSigHeader+len(set)*parSigEntrySize(duty.Type))
	binary.BigEndian.PutUint64(b, uint64(duty.Slot))
	binary.BigEndian.PutUint16(b[8:], uint16(duty.Type))
	binary.BigEndian.PutUint32(b[10:], uint32(len(set)))
	for _, k := range keys {
		ps := set[k]
		b = append(b, k.PubKey[:]...)
		if bySub {
			b = append(b, byte(k.Subcommittee))
		}
		b = append(b, ps.Root[:]...)
		b = append(b, ps.Signature[:]...)
	}
	return b, nil
}

// ErrMalformedParSigs wraps every DecodeParSigs error.
var ErrMalformedParSigs = errors.New("malformed partial signature batch")

// DecodeParSigs decodes one batch strictly: exact length, known duty type, sorted unique keys, and
// subcommittees in range.
func DecodeParSigs(b []byte) (Duty, ParSignedSet, error) {
	if len(b) < parSigHeader {
		return Duty{}, nil, fmt.Errorf("%w: %d bytes, header needs %d", ErrMalformedParSigs, len(b), parSigHeader)
	}
	duty := Duty{Slot: phase0.Slot(binary.BigEndian.Uint64(b)), Type: DutyType(binary.BigEndian.Uint16(b[8:]))}
	if !duty.Type.Valid() {
		return Duty{}, nil, fmt.Errorf("%w: duty type %d", ErrMalformedParSigs, duty.Type)
	}
	n := binary.BigEndian.Uint32(b[10:])
	size, bySub := parSigEntrySize(duty.Type), duty.Type.BySubcommittee()
	if n > MaxParSigBatch || len(b) != parSigHeader+int(n)*size {
		return Duty{}, nil, fmt.Errorf("%w: %d entries in %d bytes", ErrMalformedParSigs, n, len(b))
	}
	set := make(ParSignedSet, n)
	var prev Key
	for i := range int(n) {
		e := b[parSigHeader+i*size:]
		var k Key
		copy(k.PubKey[:], e[:48])
		e = e[48:]
		if bySub {
			if k.Subcommittee = uint64(e[0]); k.Subcommittee >= SyncCommitteeSubnetCount {
				return Duty{}, nil, fmt.Errorf("%w: entry %d: subcommittee %d, want < %d", ErrMalformedParSigs, i,
					k.Subcommittee, SyncCommitteeSubnetCount)
			}
			e = e[1:]
		}
		if i > 0 && !prev.less(k) {
			return Duty{}, nil, fmt.Errorf("%w: entry %d: keys not sorted and unique", ErrMalformedParSigs, i)
		}
		prev = k
		var ps ParSig
		copy(ps.Root[:], e[:32])
		copy(ps.Signature[:], e[32:128])
		set[k] = ps
	}
	return duty, set, nil
}

// exchange is the ParSigExchange.
type exchange struct {
	transport ParSigTransport
	// shares[pk][i] is operator i's public share of validator pk.
	shares  map[PubKey][]*bls.PublicKey
	rand    io.Reader
	log     *zap.Logger
	invalid *prometheus.CounterVec
	// onInvalid attributes a dropped partial to its operator (the tracker).
	onInvalid func(duty Duty, from int, key Key, reason string)
	subsMu    sync.Mutex
	subs      []func(context.Context, Duty, int, ParSignedSet)
}

func newExchange(t ParSigTransport, shares map[PubKey][]*bls.PublicKey, r io.Reader, log *zap.Logger,
	invalid *prometheus.CounterVec, onInvalid func(Duty, int, Key, string),
) *exchange {
	e := &exchange{transport: t, shares: shares, rand: r, log: log, invalid: invalid, onInvalid: onInvalid}
	t.Receive(e.receive)
	return e
}

func (e *exchange) Broadcast(ctx context.Context, duty Duty, set ParSignedSet) error {
	b, err := EncodeParSigs(duty, set)
	if err != nil {
		return err
	}
	if err := e.transport.Broadcast(ctx, b); err != nil {
		return fmt.Errorf("broadcast partial signatures of %s: %w", duty, err)
	}
	return nil
}

func (e *exchange) Subscribe(fn func(context.Context, Duty, int, ParSignedSet)) {
	e.subsMu.Lock()
	defer e.subsMu.Unlock()
	e.subs = append(e.subs, fn)
}

// receive decodes a batch, verifies every partial against the sender's public share, drops (and attributes)
// the bad ones and delivers the rest.
func (e *exchange) receive(ctx context.Context, from int, payload []byte) {
	duty, set, err := DecodeParSigs(payload)
	if err != nil {
		e.invalid.WithLabelValues(fmt.Sprint(from), "malformed").Inc()
		e.log.Warn("malformed partial signatures from operator", zap.Int("operator", from), zap.Error(err))
		return
	}
	valid := e.verify(duty, from, set)
	if len(valid) == 0 {
		return
	}
	e.subsMu.Lock()
	subs := append([]func(context.Context, Duty, int, ParSignedSet){}, e.subs...)
	e.subsMu.Unlock()
	for _, fn := range subs {
		fn(ctx, duty, from, valid)
	}
}

// verify returns the partials of set that verify against operator from's shares.
func (e *exchange) verify(duty Duty, from int, set ParSignedSet) ParSignedSet {
	items := make([]bls.BatchItem, 0, len(set))
	keys := make([]Key, 0, len(set))
	valid := make(ParSignedSet, len(set))
	bad := func(k Key, reason string) {
		e.invalid.WithLabelValues(fmt.Sprint(from), reason).Inc()
		e.onInvalid(duty, from, k, reason)
		e.log.Warn("invalid partial signature from operator", zap.Int("operator", from), zap.Stringer("duty", duty),
			zap.String("validator", fmt.Sprintf("%#x", k.PubKey[:])), zap.Uint64("subcommittee", k.Subcommittee),
			zap.String("reason", reason))
	}
	for k, ps := range set {
		shares, ok := e.shares[k.PubKey]
		if !ok || from < 0 || from >= len(shares) {
			bad(k, "unknown_validator")
			continue
		}
		sig, err := bls.SignatureFromBytes(append([]byte(nil), ps.Signature[:]...))
		if err != nil {
			bad(k, "undecodable_signature")
			continue
		}
		items = append(items, bls.BatchItem{PublicKey: shares[from], Message: append([]byte(nil), ps.Root[:]...),
			Signature: sig})
		keys = append(keys, k)
	}
	if len(items) == 0 {
		return nil
	}
	invalid, err := bls.FindInvalid(items, e.rand)
	if err != nil {
		e.log.Error("verify partial signatures", zap.Error(err))
		return nil
	}
	isBad := make(map[int]bool, len(invalid))
	for _, i := range invalid {
		isBad[i] = true
		bad(keys[i], "bad_signature")
	}
	for i, k := range keys {
		if !isBad[i] {
			ps := set[k]
			ps.decoded = items[i].Signature
			valid[k] = ps
		}
	}
	return valid
}

// lockedReader makes an io.Reader safe for concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}
