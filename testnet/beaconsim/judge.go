package beaconsim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"

	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// checkSignature verifies sig by validator vi over obj in domain (dt, epoch). It returns "" when valid,
// otherwise why not. It needs no lock: the network and the keys never change.
func (s *Simulator) checkSignature(vi phase0.ValidatorIndex, obj signing.HashRooter, dt phase0.DomainType,
	epoch phase0.Epoch, sig phase0.BLSSignature,
) string {
	root, err := s.chain.network.SigningRoot(obj, dt, epoch)
	if err != nil {
		return fmt.Sprintf("signing root: %v", err)
	}
	parsed, err := parseSignature(sig)
	if err != nil {
		return err.Error()
	}
	s.checks.Add(1)
	if !s.keys.verify(vi, root, parsed) {
		return fmt.Sprintf("invalid signature by validator %d (domain %#x, epoch %d)", vi, dt[:], epoch)
	}
	return ""
}

// checkAggregate verifies an aggregate signature by indices over obj in domain (dt, epoch).
func (s *Simulator) checkAggregate(indices []phase0.ValidatorIndex, obj signing.HashRooter, dt phase0.DomainType,
	epoch phase0.Epoch, sig phase0.BLSSignature,
) string {
	root, err := s.chain.network.SigningRoot(obj, dt, epoch)
	if err != nil {
		return fmt.Sprintf("signing root: %v", err)
	}
	parsed, err := parseSignature(sig)
	if err != nil {
		return err.Error()
	}
	s.checks.Add(1)
	if !s.keys.fastAggregateVerify(indices, root, parsed) {
		return fmt.Sprintf("invalid aggregate signature by %d validators (domain %#x, epoch %d)", len(indices), dt[:], epoch)
	}
	return ""
}

// isSelected is the spec's aggregator test: bytes_to_uint64(hash(proof)[0:8]) % modulo == 0.
func isSelected(proof phase0.BLSSignature, modulo uint64) bool {
	h := sha256.Sum256(proof[:])
	return binary.LittleEndian.Uint64(h[:8])%max(1, modulo) == 0
}

// requireVersion checks the Eth-Consensus-Version header names a fork the simulator serves.
func requireVersion(w http.ResponseWriter, r *http.Request) (spec.DataVersion, bool) {
	var v spec.DataVersion
	h := r.Header.Get("Eth-Consensus-Version")
	if err := v.UnmarshalJSON([]byte(fmt.Sprintf("%q", h))); err != nil ||
		(v != spec.DataVersionElectra && v != spec.DataVersionFulu) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Eth-Consensus-Version %q: want electra or fulu", h))
		return 0, false
	}
	return v, true
}

type pendingAttestation struct {
	index     int
	att       *electra.SingleAttestation
	position  uint64
	dataRoot  phase0.Root
	sig       *bls.Signature
	signingRt phase0.Root
}

// validateSingle checks a SingleAttestation's shape and timing. The caller holds s.mu.
func (s *Simulator) validateSingle(att *electra.SingleAttestation, current phase0.Slot) (uint64, error) {
	c := s.chain
	if att == nil || att.Data == nil || att.Data.Source == nil || att.Data.Target == nil {
		return 0, fmt.Errorf("attestation without data, source or target")
	}
	d := att.Data
	if d.Index != 0 {
		return 0, fmt.Errorf("data.index %d: must be 0 from Electra on", d.Index)
	}
	if d.Slot > s.latestAcceptableSlot() || d.Slot+phase0.Slot(c.preset.SlotsPerEpoch) < current {
		return 0, fmt.Errorf("slot %d: outside the attestation window of current slot %d", d.Slot, current)
	}
	if d.Target.Epoch != c.epochOf(d.Slot) {
		return 0, fmt.Errorf("target epoch %d: slot %d is in epoch %d", d.Target.Epoch, d.Slot, c.epochOf(d.Slot))
	}
	committee, err := c.committee(d.Slot, att.CommitteeIndex)
	if err != nil {
		return 0, err
	}
	for pos, vi := range committee {
		if vi == att.AttesterIndex {
			return uint64(pos), nil
		}
	}
	return 0, fmt.Errorf("validator %d is not in committee %d of slot %d", att.AttesterIndex, att.CommitteeIndex, d.Slot)
}

func (s *Simulator) handleSubmitAttestations(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireVersion(w, r); !ok {
		return
	}
	var atts []*electra.SingleAttestation
	if err := readJSON(r, &atts); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	current := s.CurrentSlot()
	var failures []indexedFailure
	var pending []pendingAttestation
	s.mu.Lock()
	for i, att := range atts {
		pos, err := s.validateSingle(att, current)
		if err != nil {
			failures = append(failures, indexedFailure{Index: i, Message: err.Error()})
			continue
		}
		pending = append(pending, pendingAttestation{index: i, att: att, position: pos})
	}
	s.mu.Unlock()
	verified, bad, verifyFailures, err := s.verifyAttestations(pending)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	failures = append(failures, verifyFailures...)
	failures = append(failures, s.acceptAttestations(verified, bad, current)...)
	if len(failures) > 0 {
		slices.SortFunc(failures, func(a, b indexedFailure) int { return a.Index - b.Index })
		writeFailures(w, "some attestations failed validation", failures)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// verifyAttestations checks the signatures of pending attestations as one batch (bisected on failure),
// without holding the lock. It returns the decodable ones, the positions among them whose signature is
// invalid, and failures for undecodable ones.
func (s *Simulator) verifyAttestations(pending []pendingAttestation) ([]pendingAttestation, map[int]bool, []indexedFailure, error) {
	var failures []indexedFailure
	items := make([]bls.BatchItem, 0, len(pending))
	verified := make([]pendingAttestation, 0, len(pending))
	for _, p := range pending {
		root, err := s.chain.network.SigningRoot(p.att.Data, signing.DomainBeaconAttester, p.att.Data.Target.Epoch)
		if err == nil {
			p.dataRoot, err = p.att.Data.HashTreeRoot()
		}
		if err == nil {
			p.sig, err = parseSignature(p.att.Signature)
		}
		if err != nil {
			failures = append(failures, indexedFailure{Index: p.index, Message: err.Error()})
			s.countInvalid(p.att.AttesterIndex, DutyAttestation)
			continue
		}
		p.signingRt = root
		msg := make([]byte, 32)
		copy(msg, root[:])
		items = append(items, bls.BatchItem{PublicKey: s.keys.pubKeys[p.att.AttesterIndex], Message: msg, Signature: p.sig})
		verified = append(verified, p)
	}
	bad, err := s.verifyBatch(items)
	if err != nil {
		return nil, nil, nil, err
	}
	return verified, bad, failures, nil
}

// verifyBatch verifies items as one batch (bisected on failure) and returns the positions of the invalid
// ones. It needs no lock.
func (s *Simulator) verifyBatch(items []bls.BatchItem) (map[int]bool, error) {
	bad := map[int]bool{}
	if len(items) == 0 {
		return bad, nil
	}
	s.checks.Add(uint64(len(items)))
	invalid, err := bls.FindInvalid(items, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("verify signatures: %w", err)
	}
	for _, i := range invalid {
		bad[i] = true
	}
	return bad, nil
}

// acceptAttestations scores verified attestations, rejects slashable ones and pools the rest.
func (s *Simulator) acceptAttestations(verified []pendingAttestation, bad map[int]bool, current phase0.Slot) []indexedFailure {
	var failures []indexedFailure
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range verified {
		vi := p.att.AttesterIndex
		if bad[i] {
			failures = append(failures, indexedFailure{Index: p.index, Message: fmt.Sprintf(
				"invalid signature by validator %d (domain beacon attester, epoch %d)", vi, p.att.Data.Target.Epoch)})
			s.score.invalid(vi, DutyAttestation)
			continue
		}
		if offences := s.detector.CheckAttestation(vi, p.att.Data, p.dataRoot); len(offences) > 0 {
			s.score.slashable(DutyAttestation, offences...)
			failures = append(failures, indexedFailure{Index: p.index, Message: "slashable: " + offences[0].Detail})
			continue
		}
		s.pools.addAttestation(p.dataRoot, p.att.Data, p.att.CommitteeIndex, p.position, p.sig)
		slot := p.att.Data.Slot
		s.score.performVote(dutyKey{typ: DutyAttestation, validator: vi, slot: slot}, current,
			slot+phase0.Slot(s.chain.preset.SlotsPerEpoch), s.chain.rightVote(p.att.Data))
	}
	return failures
}

// countInvalid counts an invalid signature under the lock.
func (s *Simulator) countInvalid(vi phase0.ValidatorIndex, t DutyType) {
	s.mu.Lock()
	s.score.invalid(vi, t)
	s.mu.Unlock()
}

func (s *Simulator) handleSubmitAggregates(w http.ResponseWriter, r *http.Request) {
	if _, ok := requireVersion(w, r); !ok {
		return
	}
	var aggs []*electra.SignedAggregateAndProof
	if err := readJSON(r, &aggs); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var failures []indexedFailure
	for i, agg := range aggs {
		if msg := s.submitAggregate(agg); msg != "" {
			failures = append(failures, indexedFailure{Index: i, Message: msg})
		}
	}
	if len(failures) > 0 {
		writeFailures(w, "some aggregates failed validation", failures)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// submitAggregate judges one SignedAggregateAndProof; it returns "" if accepted.
func (s *Simulator) submitAggregate(agg *electra.SignedAggregateAndProof) string {
	if agg == nil || agg.Message == nil || agg.Message.Aggregate == nil || agg.Message.Aggregate.Data == nil {
		return "aggregate and proof without message, aggregate or data"
	}
	msg := agg.Message
	data := msg.Aggregate.Data
	committees := msg.Aggregate.CommitteeBits.BitIndices()
	if len(committees) != 1 {
		return fmt.Sprintf("aggregate has %d committee bits set: want exactly 1", len(committees))
	}
	current := s.CurrentSlot()
	s.mu.Lock()
	indices, err := s.chain.attestingIndices(msg.Aggregate)
	var committee []phase0.ValidatorIndex
	if err == nil {
		committee, err = s.chain.committee(data.Slot, phase0.CommitteeIndex(committees[0]))
	}
	s.mu.Unlock()
	if err != nil {
		return err.Error()
	}
	if !contains(committee, msg.AggregatorIndex) {
		return fmt.Sprintf("aggregator %d is not in committee %d of slot %d", msg.AggregatorIndex, committees[0], data.Slot)
	}
	if data.Slot > s.latestAcceptableSlot() || data.Slot+phase0.Slot(s.chain.preset.SlotsPerEpoch) < current {
		return fmt.Sprintf("slot %d: outside the aggregation window of current slot %d", data.Slot, current)
	}
	epoch := s.chain.epochOf(data.Slot)
	aggregator := msg.AggregatorIndex
	checks := []func() string{
		func() string {
			return s.checkSignature(aggregator, sszUint64(data.Slot), signing.DomainSelectionProof, epoch, msg.SelectionProof)
		},
		func() string {
			return s.checkAggregate(indices, data, signing.DomainBeaconAttester, data.Target.Epoch, msg.Aggregate.Signature)
		},
		func() string {
			return s.checkSignature(aggregator, msg, signing.DomainAggregateAndProof, epoch, agg.Signature)
		},
	}
	for _, check := range checks {
		if reason := check(); reason != "" {
			s.countInvalid(aggregator, DutyAggregation)
			return reason
		}
	}
	if !isSelected(msg.SelectionProof, uint64(len(committee))/TargetAggregatorsPerCommittee) {
		return fmt.Sprintf("validator %d is not an aggregator of slot %d: selection proof does not select it", aggregator, data.Slot)
	}
	dataRoot, err := data.HashTreeRoot()
	if err != nil {
		return err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, vi := range indices {
		s.score.slashable(DutyAttestation, s.detector.CheckAttestation(vi, data, dataRoot)...)
	}
	s.score.perform(dutyKey{typ: DutyAggregation, validator: aggregator, slot: data.Slot, sub: uint64(committees[0])},
		current, data.Slot+1)
	return ""
}

func contains(list []phase0.ValidatorIndex, v phase0.ValidatorIndex) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
