package beaconsim

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	apiv1electra "github.com/attestantio/go-eth2-client/api/v1/electra"
	apiv1fulu "github.com/attestantio/go-eth2-client/api/v1/fulu"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

func (s *Simulator) routeSubmissions(mux *http.ServeMux) {
	mux.HandleFunc("POST /eth/v2/beacon/pool/attestations", s.handleSubmitAttestations)
	mux.HandleFunc("POST /eth/v2/validator/aggregate_and_proofs", s.handleSubmitAggregates)
	mux.HandleFunc("POST /eth/v1/beacon/pool/sync_committees", s.handleSubmitSyncMessages)
	mux.HandleFunc("POST /eth/v1/validator/contribution_and_proofs", s.handleSubmitContributions)
	mux.HandleFunc("POST /eth/v2/beacon/blocks", s.handlePublishBlock)
	mux.HandleFunc("POST /eth/v2/beacon/blinded_blocks", s.handlePublishBlindedBlock)
	mux.HandleFunc("POST /eth/v1/beacon/pool/voluntary_exits", s.handleSubmitExit)
	mux.HandleFunc("POST /eth/v1/validator/register_validator", s.handleRegisterValidator)
	mux.HandleFunc("POST /eth/v1/validator/prepare_beacon_proposer", s.handlePrepareProposer)
	mux.HandleFunc("POST /eth/v1/validator/beacon_committee_subscriptions", s.handleCommitteeSubscriptions)
	mux.HandleFunc("POST /eth/v1/validator/sync_committee_subscriptions", s.handleSyncSubscriptions)
}

// batch runs judge on every item and answers 200, or 400 with the failures.
func batch[T any](w http.ResponseWriter, r *http.Request, what string, judge func(T) string) {
	var items []T
	if err := readJSON(r, &items); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var failures []indexedFailure
	for i, item := range items {
		if msg := judge(item); msg != "" {
			failures = append(failures, indexedFailure{Index: i, Message: msg})
		}
	}
	if len(failures) > 0 {
		writeFailures(w, "some "+what+" failed validation", failures)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// handleSubmitSyncMessages judges a batch of sync committee messages: each is checked on its own, then
// their signatures are verified as one batch (bisected on failure: a cluster's batch signs one root, so
// this costs about one verification instead of one per message) without the lock.
func (s *Simulator) handleSubmitSyncMessages(w http.ResponseWriter, r *http.Request) {
	var msgs []*altair.SyncCommitteeMessage
	if err := readJSON(r, &msgs); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	current := s.CurrentSlot()
	var failures []indexedFailure
	var pending []pendingSync
	var items []bls.BatchItem
	for i, m := range msgs {
		p, item, reason := s.checkSyncMessage(m, current)
		if reason != "" {
			failures = append(failures, indexedFailure{Index: i, Message: reason})
			continue
		}
		p.index = i
		pending = append(pending, p)
		items = append(items, item)
	}
	bad, err := s.verifyBatch(items)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.mu.Lock()
	for i, p := range pending {
		m := p.msg
		if bad[i] {
			s.score.invalid(m.ValidatorIndex, DutySyncCommittee)
			failures = append(failures, indexedFailure{Index: p.index, Message: fmt.Sprintf(
				"invalid signature by validator %d (domain %#x, epoch %d)", m.ValidatorIndex,
				signing.DomainSyncCommittee[:], s.chain.epochOf(m.Slot))})
			continue
		}
		s.pools.addSync(m.Slot, m.BeaconBlockRoot, m.ValidatorIndex, p.sig)
		s.score.perform(dutyKey{typ: DutySyncCommittee, validator: m.ValidatorIndex, slot: m.Slot}, current, m.Slot+1)
	}
	s.mu.Unlock()
	if len(failures) > 0 {
		slices.SortFunc(failures, func(a, b indexedFailure) int { return a.Index - b.Index })
		writeFailures(w, "some sync committee messages failed validation", failures)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// pendingSync is a sync committee message that passed every check but its signature's.
type pendingSync struct {
	index int
	msg   *altair.SyncCommitteeMessage
	sig   *bls.Signature
}

// checkSyncMessage checks m but for its signature, which it returns as a batch item to verify; reason
// says why m is refused (an undecodable signature counts as invalid).
func (s *Simulator) checkSyncMessage(m *altair.SyncCommitteeMessage, current phase0.Slot) (pendingSync, bls.BatchItem, string) {
	if m == nil {
		return pendingSync{}, bls.BatchItem{}, "null message"
	}
	if m.Slot > s.latestAcceptableSlot() || m.Slot+1 < current {
		return pendingSync{}, bls.BatchItem{}, fmt.Sprintf("slot %d: not the current slot %d or the one before", m.Slot, current)
	}
	s.mu.Lock()
	positions, err := s.chain.syncPositions(s.chain.syncPeriod(s.chain.epochOf(m.Slot+1)), m.ValidatorIndex)
	s.mu.Unlock()
	if err != nil {
		return pendingSync{}, bls.BatchItem{}, err.Error()
	}
	if len(positions) == 0 {
		return pendingSync{}, bls.BatchItem{}, fmt.Sprintf("validator %d is not in the sync committee of slot %d", m.ValidatorIndex, m.Slot)
	}
	root, err := s.chain.network.SigningRoot(sszRoot(m.BeaconBlockRoot), signing.DomainSyncCommittee, s.chain.epochOf(m.Slot))
	if err != nil {
		return pendingSync{}, bls.BatchItem{}, fmt.Sprintf("signing root: %v", err)
	}
	sig, err := parseSignature(m.Signature)
	if err != nil {
		s.countInvalid(m.ValidatorIndex, DutySyncCommittee)
		return pendingSync{}, bls.BatchItem{}, err.Error()
	}
	msg := make([]byte, 32)
	copy(msg, root[:])
	return pendingSync{msg: m, sig: sig}, bls.BatchItem{PublicKey: s.keys.pubKeys[m.ValidatorIndex], Message: msg, Signature: sig}, ""
}

func (s *Simulator) handleSubmitContributions(w http.ResponseWriter, r *http.Request) {
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	batch(w, r, "contributions", s.submitContribution)
}

func (s *Simulator) submitContribution(sc *altair.SignedContributionAndProof) string {
	if sc == nil || sc.Message == nil || sc.Message.Contribution == nil {
		return "contribution and proof without message or contribution"
	}
	msg := sc.Message
	contrib := msg.Contribution
	current := s.CurrentSlot()
	if contrib.Slot > s.latestAcceptableSlot() || contrib.Slot+1 < current {
		return fmt.Sprintf("slot %d: not the current slot %d or the one before", contrib.Slot, current)
	}
	if contrib.SubcommitteeIndex >= SyncCommitteeSubnetCount {
		return fmt.Sprintf("subcommittee index %d: want < %d", contrib.SubcommitteeIndex, SyncCommitteeSubnetCount)
	}
	p := s.chain.preset
	size := p.syncSubcommitteeSize()
	s.mu.Lock()
	committee, err := s.chain.syncCommittee(s.chain.syncPeriod(s.chain.epochOf(contrib.Slot + 1)))
	s.mu.Unlock()
	if err != nil {
		return err.Error()
	}
	sub := committee[contrib.SubcommitteeIndex*size : (contrib.SubcommitteeIndex+1)*size]
	if !contains(sub, msg.AggregatorIndex) {
		return fmt.Sprintf("aggregator %d is not in sync subcommittee %d", msg.AggregatorIndex, contrib.SubcommitteeIndex)
	}
	var participants []phase0.ValidatorIndex
	for i := range size {
		if contrib.AggregationBits.BitAt(i) {
			participants = append(participants, sub[i])
		}
	}
	for i := size; i < contrib.AggregationBits.Len(); i++ {
		if contrib.AggregationBits.BitAt(i) {
			return fmt.Sprintf("aggregation bit %d set beyond the subcommittee size %d", i, size)
		}
	}
	if len(participants) == 0 {
		return "contribution without participants"
	}
	epoch := s.chain.epochOf(contrib.Slot)
	aggregator := msg.AggregatorIndex
	selection := &altair.SyncAggregatorSelectionData{Slot: contrib.Slot, SubcommitteeIndex: contrib.SubcommitteeIndex}
	checks := []func() string{
		func() string {
			return s.checkSignature(aggregator, selection, signing.DomainSyncCommitteeSelectionProof, epoch, msg.SelectionProof)
		},
		func() string {
			return s.checkAggregate(participants, sszRoot(contrib.BeaconBlockRoot), signing.DomainSyncCommittee, epoch, contrib.Signature)
		},
		func() string {
			return s.checkSignature(aggregator, msg, signing.DomainContributionAndProof, epoch, sc.Signature)
		},
	}
	for _, check := range checks {
		if reason := check(); reason != "" {
			s.countInvalid(aggregator, DutySyncContribution)
			return reason
		}
	}
	if !isSelected(msg.SelectionProof, p.syncAggregatorModulo()) {
		return fmt.Sprintf("validator %d is not a sync aggregator of slot %d", aggregator, contrib.Slot)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.score.perform(dutyKey{typ: DutySyncContribution, validator: aggregator, slot: contrib.Slot,
		sub: contrib.SubcommitteeIndex}, current, contrib.Slot+1)
	return ""
}

func (s *Simulator) handlePublishBlock(w http.ResponseWriter, r *http.Request) {
	version, ok := requireVersion(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("read body: %v", err))
		return
	}
	ssz := strings.HasPrefix(r.Header.Get("Content-Type"), "application/octet-stream")
	var signed *electra.SignedBeaconBlock
	switch version {
	case spec.DataVersionFulu:
		var c apiv1fulu.SignedBlockContents
		err = decodeEither(ssz, body, &c)
		signed = c.SignedBlock
	default:
		var c apiv1electra.SignedBlockContents
		err = decodeEither(ssz, body, &c)
		signed = c.SignedBlock
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("decode %s block: %v", versionName(version), err))
		return
	}
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if status, msg := s.publishBlock(version, signed); status != http.StatusOK {
		writeError(w, status, msg)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// sszJSON is a type decodable from SSZ and JSON.
type sszJSON interface {
	UnmarshalSSZ([]byte) error
	UnmarshalJSON([]byte) error
}

func decodeEither(ssz bool, body []byte, v sszJSON) error {
	if ssz {
		return v.UnmarshalSSZ(body)
	}
	return v.UnmarshalJSON(body)
}

// publishBlock judges and imports a signed block; it returns the HTTP status and a message.
func (s *Simulator) publishBlock(version spec.DataVersion, signed *electra.SignedBeaconBlock) (int, string) {
	if signed == nil || signed.Message == nil || signed.Message.Body == nil {
		return http.StatusBadRequest, "signed block without message or body"
	}
	blk := signed.Message
	c := s.chain
	if c.dataVersion(blk.Slot) != version {
		return http.StatusBadRequest, fmt.Sprintf("block of slot %d is %s, not %s", blk.Slot,
			versionName(c.dataVersion(blk.Slot)), versionName(version))
	}
	s.mu.Lock()
	proposer, err := c.proposer(blk.Slot)
	s.mu.Unlock()
	if err != nil {
		return http.StatusBadRequest, err.Error()
	}
	if blk.ProposerIndex != proposer {
		return http.StatusBadRequest, fmt.Sprintf("proposer index %d: slot %d's proposer is %d", blk.ProposerIndex, blk.Slot, proposer)
	}
	root, err := blk.HashTreeRoot()
	if err != nil {
		return http.StatusBadRequest, fmt.Sprintf("hash block: %v", err)
	}
	if reason := s.checkSignature(proposer, blk, signing.DomainBeaconProposer, c.epochOf(blk.Slot), signed.Signature); reason != "" {
		s.countInvalid(proposer, DutyProposal)
		return http.StatusBadRequest, reason
	}
	current := s.CurrentSlot()
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.detector.CheckProposal(proposer, blk.Slot, root); o != nil {
		s.score.slashable(DutyProposal, *o)
		return http.StatusBadRequest, "slashable: " + o.Detail
	}
	if _, known := c.blocks[root]; known {
		return http.StatusOK, ""
	}
	p := s.produced[root]
	if p == nil {
		return http.StatusBadRequest, fmt.Sprintf("block %#x was not produced by this simulator (it only imports its own bodies)", root[:])
	}
	if err := s.importProduced(p, signed.Signature); err != nil {
		return http.StatusBadRequest, err.Error()
	}
	s.score.perform(dutyKey{typ: DutyProposal, validator: proposer, slot: blk.Slot}, current, blk.Slot+1)
	return http.StatusOK, ""
}

func (s *Simulator) handleSubmitExit(w http.ResponseWriter, r *http.Request) {
	var exit phase0.SignedVoluntaryExit
	if err := readJSON(r, &exit); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if exit.Message == nil {
		writeError(w, http.StatusBadRequest, "voluntary exit without message")
		return
	}
	vi := exit.Message.ValidatorIndex
	current := s.chain.epochOf(s.CurrentSlot())
	s.mu.Lock()
	var v *simValidator
	if int(vi) < len(s.chain.validators) {
		v = s.chain.validators[vi]
	}
	s.mu.Unlock()
	switch {
	case v == nil:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("validator %d: unknown", vi))
		return
	case exit.Message.Epoch > current:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("exit epoch %d: after the current epoch %d", exit.Message.Epoch, current))
		return
	}
	if reason := s.checkSignature(vi, exit.Message, signing.DomainVoluntaryExit, current, exit.Signature); reason != "" {
		s.countInvalid(vi, DutyVoluntaryExit)
		writeError(w, http.StatusBadRequest, reason)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v.record.ExitEpoch != FarFutureEpoch {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("validator %d is already exiting", vi))
		return
	}
	s.exits[vi] = &exit
	w.WriteHeader(http.StatusOK)
}

func (s *Simulator) handleRegisterValidator(w http.ResponseWriter, r *http.Request) {
	batch(w, r, "registrations", func(reg *apiv1.SignedValidatorRegistration) string {
		if reg == nil || reg.Message == nil {
			return "registration without message"
		}
		s.mu.Lock()
		vi, ok := s.chain.byPubKey[reg.Message.Pubkey]
		s.mu.Unlock()
		if !ok {
			return fmt.Sprintf("public key %#x: unknown validator", reg.Message.Pubkey[:])
		}
		if reason := s.checkSignature(vi, reg.Message, signing.DomainApplicationBuilder, 0, reg.Signature); reason != "" {
			s.countInvalid(vi, DutyRegistration)
			return reason
		}
		s.recordRegistration(vi, reg)
		return ""
	})
}

func (s *Simulator) handlePrepareProposer(w http.ResponseWriter, r *http.Request) {
	batch(w, r, "preparations", func(p *apiv1.ProposalPreparation) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		if p == nil || int(p.ValidatorIndex) >= len(s.chain.validators) {
			return "preparation for an unknown validator"
		}
		s.feeRecipients[p.ValidatorIndex] = p.FeeRecipient
		return ""
	})
}

func (s *Simulator) handleCommitteeSubscriptions(w http.ResponseWriter, r *http.Request) {
	batch(w, r, "subscriptions", func(sub *apiv1.BeaconCommitteeSubscription) string {
		if sub == nil {
			return "null subscription"
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		committee, err := s.chain.committee(sub.Slot, sub.CommitteeIndex)
		if err != nil {
			return err.Error()
		}
		if !contains(committee, sub.ValidatorIndex) {
			return fmt.Sprintf("validator %d is not in committee %d of slot %d", sub.ValidatorIndex, sub.CommitteeIndex, sub.Slot)
		}
		if sub.IsAggregator {
			s.score.expect(dutyKey{typ: DutyAggregation, validator: sub.ValidatorIndex, slot: sub.Slot,
				sub: uint64(sub.CommitteeIndex)}, sub.Slot+1)
		}
		return ""
	})
}

func (s *Simulator) handleSyncSubscriptions(w http.ResponseWriter, r *http.Request) {
	batch(w, r, "subscriptions", func(sub *apiv1.SyncCommitteeSubscription) string {
		if sub == nil {
			return "null subscription"
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if int(sub.ValidatorIndex) >= len(s.chain.validators) {
			return fmt.Sprintf("validator %d: unknown", sub.ValidatorIndex)
		}
		return ""
	})
}

// ReorgHead orphans the current head block: the chain's head becomes its parent, a chain_reorg and a head
// event are published, and the orphaned block's attestations return to the pool.
func (s *Simulator) ReorgHead() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chain
	old, err := c.reorgHead()
	if err != nil {
		return err
	}
	for _, att := range old.attestations {
		root, err := att.data.HashTreeRoot()
		if err != nil {
			continue
		}
		if e := s.pools.atts[root]; e != nil {
			for _, vi := range att.indices {
				delete(e.included, vi)
			}
		}
	}
	s.events.publish(topicChainReorg, &apiv1.ChainReorgEvent{Slot: old.slot, Depth: 1, OldHeadBlock: old.root,
		NewHeadBlock: c.head.root, OldHeadState: old.stateRoot, NewHeadState: c.head.stateRoot, Epoch: c.epochOf(old.slot)})
	s.events.publish(topicHead, headEvent(c, c.head))
	return nil
}
