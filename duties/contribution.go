package duties

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// Sync committee constants of the consensus specs.
const (
	SyncCommitteeSubnetCount             = 4
	TargetAggregatorsPerSyncSubcommittee = 16
)

// ErrContributionMismatch: a proposed contribution is not for the block root the cluster agreed on.
var ErrContributionMismatch = errors.New("contribution does not match the decided sync committee block root")

// syncSubcommittees returns the sync subcommittees in which a validator holds at least one position,
// sorted. On mainnet (512 positions, about a million validators) that is one; on small chains a
// validator often holds positions in several, and the spec asks for a selection proof (and, if selected,
// a contribution) in each. Positions outside the committee (a faulty beacon node) are ignored.
func syncSubcommittees(d *apiv1.SyncCommitteeDuty, syncCommitteeSize uint64) []uint64 {
	if d == nil || syncCommitteeSize < SyncCommitteeSubnetCount {
		return nil
	}
	size := syncCommitteeSize / SyncCommitteeSubnetCount
	var out []uint64
	for _, pos := range d.ValidatorSyncCommitteeIndices {
		if sub := uint64(pos) / size; uint64(pos) < syncCommitteeSize && !slices.Contains(out, sub) {
			out = append(out, sub)
		}
	}
	slices.Sort(out)
	return out
}

// inSubcommittee checks that def is a sync committee member with a position in its key's subcommittee.
func inSubcommittee(def Definition, syncCommitteeSize uint64) error {
	if def.Sync == nil || !slices.Contains(syncSubcommittees(def.Sync, syncCommitteeSize), def.Subcommittee) {
		return fmt.Errorf("%w: %s has no position in sync subcommittee %d", ErrNoSyncDuty, def.Key(),
			def.Subcommittee)
	}
	return nil
}

// IsSyncCommitteeAggregator is the consensus spec's is_sync_committee_aggregator.
func IsSyncCommitteeAggregator(syncCommitteeSize uint64, proof phase0.BLSSignature) bool {
	modulo := max(1, syncCommitteeSize/SyncCommitteeSubnetCount/TargetAggregatorsPerSyncSubcommittee)
	h := sha256.Sum256(proof[:])
	return binary.LittleEndian.Uint64(h[:8])%modulo == 0
}

// prepareSyncContribution handles DutyPrepareSyncContribution: each sync committee member's threshold
// selection proof for each subcommittee in which it holds a position (one key per validator and
// subcommittee; value: the slot, no consensus needed), kept in the signed DB.
type prepareSyncContribution struct {
	network  *signing.Network
	db       *signedDB
	syncSize uint64
}

func (p *prepareSyncContribution) deterministic() {}

func (p *prepareSyncContribution) Type() DutyType { return DutyPrepareSyncContribution }

func (p *prepareSyncContribution) Fetch(_ context.Context, _ beacon.Client, duty Duty, _ DefinitionSet) ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, uint64(duty.Slot)), nil
}

func (p *prepareSyncContribution) Check(duty Duty, value []byte) error {
	if len(value) != 8 || binary.BigEndian.Uint64(value) != uint64(duty.Slot) {
		return fmt.Errorf("%w: sync selection value %x for slot %d", ErrMalformedValue, value, duty.Slot)
	}
	return nil
}

func (p *prepareSyncContribution) Decided(Duty, []byte) {}

func (p *prepareSyncContribution) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	if err := p.Check(duty, value); err != nil {
		return nil, err
	}
	epoch := phase0.Epoch(uint64(duty.Slot) / p.network.SlotsPerEpoch)
	out := make(UnsignedSet, len(defs))
	for k, def := range defs {
		if err := inSubcommittee(def, p.syncSize); err != nil {
			return nil, err
		}
		out[k] = &Message{Object: &altair.SyncAggregatorSelectionData{Slot: duty.Slot,
			SubcommitteeIndex: k.Subcommittee}, Domain: signing.DomainSyncCommitteeSelectionProof, Epoch: epoch}
	}
	return out, nil
}

func (p *prepareSyncContribution) Protect(context.Context, SlashingStore, PubKey, *Message) error {
	return nil
}

func (p *prepareSyncContribution) Submit(_ context.Context, _ beacon.Client, duty Duty, _ DefinitionSet, _ []byte,
	sigs SignedSet,
) error {
	p.db.put(duty, sigs)
	return nil
}

// syncContribution handles DutySyncContribution: at 2/3 of the slot, for each (validator, subcommittee)
// whose selection proof selects it, the subcommittee's contribution for the agreed block root is fetched,
// agreed (one value holds every needed subcommittee's contribution), signed and submitted.
type syncContribution struct {
	network  *signing.Network
	clock    Clock
	signed   *signedDB
	state    StateDB
	syncSize uint64
}

func (s *syncContribution) Type() DutyType { return DutySyncContribution }

// selected returns the selection proofs (of the same key in DutyPrepareSyncContribution) that select
// their (validator, subcommittee) as aggregator; wait says whether to wait for proofs not recovered yet.
func (s *syncContribution) selected(ctx context.Context, duty Duty, defs DefinitionSet, wait bool) (
	map[Key]phase0.BLSSignature, error,
) {
	out := make(map[Key]phase0.BLSSignature)
	prep := Duty{Slot: duty.Slot, Type: DutyPrepareSyncContribution}
	for k := range defs {
		c := ctx
		if !wait {
			var cancel context.CancelFunc
			c, cancel = context.WithCancel(ctx)
			cancel()
		}
		proof, err := s.signed.await(c, prep, k)
		if err != nil {
			if wait {
				return nil, err
			}
			continue
		}
		if IsSyncCommitteeAggregator(s.syncSize, proof) {
			out[k] = proof
		}
	}
	return out, nil
}

func (s *syncContribution) narrow(ctx context.Context, duty Duty, defs DefinitionSet) (DefinitionSet, error) {
	sel, err := s.selected(ctx, duty, defs, true)
	if err != nil {
		return nil, err
	}
	out := make(DefinitionSet, len(sel))
	for k := range sel {
		out[k] = defs[k]
	}
	return out, nil
}

func (s *syncContribution) decidedRoot(slot phase0.Slot) (phase0.Root, bool) {
	v, ok := s.state.Decided(Duty{Slot: slot, Type: DutySyncMessage})
	if !ok || len(v) != 32 {
		return phase0.Root{}, false
	}
	return phase0.Root(v), true
}

func (s *syncContribution) Fetch(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet) ([]byte, error) {
	root, ok := s.decidedRoot(duty.Slot)
	if !ok {
		return nil, errors.New("no sync committee block root decided for the slot")
	}
	var subs []uint64
	for k := range defs {
		if !slices.Contains(subs, k.Subcommittee) {
			subs = append(subs, k.Subcommittee)
		}
	}
	slices.Sort(subs)
	contribs := make(map[uint64]*altair.SyncCommitteeContribution, len(subs))
	// Every round asks for each subcommittee still missing: the beacon node may not have seen a
	// subcommittee's sync committee messages yet at 2/3 of the slot. Past the cutoff, the subcommittees
	// found go ahead without the others (whose keys then have no message to sign).
	cutoff, hasCutoff := ctx.Deadline()
	cutoff = cutoff.Add(-s.network.SlotDuration / 6)
	for {
		var err error
		for _, sub := range subs {
			if contribs[sub] != nil {
				continue
			}
			resp, e := bn.SyncCommitteeContribution(ctx, &api.SyncCommitteeContributionOpts{Slot: duty.Slot,
				SubcommitteeIndex: sub, BeaconBlockRoot: root})
			switch {
			case e != nil:
				err = fmt.Errorf("sync committee contribution of subcommittee %d: %w", sub, e)
			case resp.Data == nil || resp.Data.SubcommitteeIndex != sub:
				err = fmt.Errorf("sync committee contribution of subcommittee %d: empty or other answer", sub)
			default:
				contribs[sub] = resp.Data
			}
		}
		if err == nil || (len(contribs) > 0 && hasCutoff && !s.clock.Now().Before(cutoff)) {
			break
		}
		if sleepUntil(ctx, s.clock, s.clock.Now().Add(s.network.SlotDuration/24)) != nil {
			return nil, err
		}
	}
	return encodeContributions(contribs)
}

// encodeContributions encodes contributions by subcommittee: count (4), then per subcommittee its SSZ
// (fixed size, the subcommittee index is inside).
func encodeContributions(c map[uint64]*altair.SyncCommitteeContribution) ([]byte, error) {
	subs := make([]uint64, 0, len(c))
	for k := range c {
		subs = append(subs, k)
	}
	slices.Sort(subs)
	b := binary.BigEndian.AppendUint32(nil, uint32(len(subs)))
	for _, k := range subs {
		s, err := c[k].MarshalSSZ()
		if err != nil {
			return nil, fmt.Errorf("encode contribution: %w", err)
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b, nil
}

func decodeContributions(b []byte) (map[uint64]*altair.SyncCommitteeContribution, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: contributions header", ErrMalformedValue)
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	out := make(map[uint64]*altair.SyncCommitteeContribution, min(n, SyncCommitteeSubnetCount))
	for i := range n {
		if len(b) < 4 || uint64(len(b)-4) < uint64(binary.BigEndian.Uint32(b)) {
			return nil, fmt.Errorf("%w: contribution %d truncated", ErrMalformedValue, i)
		}
		l := binary.BigEndian.Uint32(b)
		c := &altair.SyncCommitteeContribution{}
		if err := c.UnmarshalSSZ(b[4 : 4+l]); err != nil {
			return nil, fmt.Errorf("%w: contribution %d: %v", ErrMalformedValue, i, err)
		}
		if _, dup := out[c.SubcommitteeIndex]; dup || c.SubcommitteeIndex >= SyncCommitteeSubnetCount {
			return nil, fmt.Errorf("%w: contribution %d: subcommittee %d repeated or out of range", ErrMalformedValue,
				i, c.SubcommitteeIndex)
		}
		out[c.SubcommitteeIndex] = c
		b = b[4+l:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformedValue, len(b))
	}
	return out, nil
}

func (s *syncContribution) Check(duty Duty, value []byte) error {
	cs, err := decodeContributions(value)
	if err != nil {
		return err
	}
	root, known := s.decidedRoot(duty.Slot)
	for sub, c := range cs {
		if c.Slot != duty.Slot {
			return fmt.Errorf("%w: contribution of subcommittee %d for slot %d", ErrWrongSlot, sub, c.Slot)
		}
		if known && c.BeaconBlockRoot != root {
			return fmt.Errorf("%w: subcommittee %d", ErrContributionMismatch, sub)
		}
	}
	return nil
}

func (s *syncContribution) Decided(Duty, []byte) {}

func (s *syncContribution) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	cs, err := decodeContributions(value)
	if err != nil {
		return nil, err
	}
	sel, err := s.selected(context.Background(), duty, defs, false)
	if err != nil {
		return nil, err
	}
	epoch := phase0.Epoch(uint64(duty.Slot) / s.network.SlotsPerEpoch)
	out := make(UnsignedSet, len(sel))
	for k, proof := range sel {
		c := cs[k.Subcommittee]
		if c == nil {
			continue
		}
		msg := &altair.ContributionAndProof{AggregatorIndex: defs[k].Index, Contribution: c, SelectionProof: proof}
		out[k] = &Message{Object: msg, Domain: signing.DomainContributionAndProof, Epoch: epoch}
	}
	return out, nil
}

func (s *syncContribution) Protect(context.Context, SlashingStore, PubKey, *Message) error {
	return nil
}

func (s *syncContribution) Submit(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet,
	value []byte, sigs SignedSet,
) error {
	msgs, err := s.Messages(duty, defs, value)
	if err != nil {
		return err
	}
	out := make([]*altair.SignedContributionAndProof, 0, len(sigs))
	for k, sig := range sigs {
		if m, ok := msgs[k]; ok {
			out = append(out, &altair.SignedContributionAndProof{Message: m.Object.(*altair.ContributionAndProof),
				Signature: sig})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return bn.SubmitSyncCommitteeContributions(ctx, out)
}
