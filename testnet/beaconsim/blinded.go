package beaconsim

import (
	"fmt"
	"io"
	"net/http"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	apiv1electra "github.com/attestantio/go-eth2-client/api/v1/electra"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// SSZ list limits of the payload fields a header commits to by root.
const (
	maxTransactionsPerPayload = 1 << 20
	maxWithdrawalsPerPayload  = 16
)

// payloadHeader is the ExecutionPayloadHeader of a synthetic payload, which never has transactions or
// withdrawals: their roots are those of empty lists.
func payloadHeader(p *deneb.ExecutionPayload) (*deneb.ExecutionPayloadHeader, error) {
	if len(p.Transactions) != 0 || len(p.Withdrawals) != 0 {
		return nil, fmt.Errorf("payload header: only empty transaction and withdrawal lists are supported")
	}
	return &deneb.ExecutionPayloadHeader{
		ParentHash: p.ParentHash, FeeRecipient: p.FeeRecipient, StateRoot: p.StateRoot, ReceiptsRoot: p.ReceiptsRoot,
		LogsBloom: p.LogsBloom, PrevRandao: p.PrevRandao, BlockNumber: p.BlockNumber, GasLimit: p.GasLimit,
		GasUsed: p.GasUsed, Timestamp: p.Timestamp, ExtraData: p.ExtraData, BaseFeePerGas: p.BaseFeePerGas,
		BlockHash:        p.BlockHash,
		TransactionsRoot: merkleizeList(nil, maxTransactionsPerPayload),
		WithdrawalsRoot:  merkleizeList(nil, maxWithdrawalsPerPayload),
		BlobGasUsed:      p.BlobGasUsed, ExcessBlobGas: p.ExcessBlobGas,
	}, nil
}

// blind returns the blinded form of a produced block; its hash tree root equals the full block's.
func blind(blk *electra.BeaconBlock) (*apiv1electra.BlindedBeaconBlock, error) {
	header, err := payloadHeader(blk.Body.ExecutionPayload)
	if err != nil {
		return nil, err
	}
	b := blk.Body
	out := &apiv1electra.BlindedBeaconBlock{Slot: blk.Slot, ProposerIndex: blk.ProposerIndex, ParentRoot: blk.ParentRoot,
		StateRoot: blk.StateRoot, Body: &apiv1electra.BlindedBeaconBlockBody{
			RANDAOReveal: b.RANDAOReveal, ETH1Data: b.ETH1Data, Graffiti: b.Graffiti, ProposerSlashings: b.ProposerSlashings,
			AttesterSlashings: b.AttesterSlashings, Attestations: b.Attestations, Deposits: b.Deposits,
			VoluntaryExits: b.VoluntaryExits, SyncAggregate: b.SyncAggregate, ExecutionPayloadHeader: header,
			BLSToExecutionChanges: b.BLSToExecutionChanges, BlobKZGCommitments: b.BlobKZGCommitments,
			ExecutionRequests: b.ExecutionRequests,
		}}
	fullRoot, err := blk.HashTreeRoot()
	if err != nil {
		return nil, fmt.Errorf("hash block: %w", err)
	}
	blindRoot, err := out.HashTreeRoot()
	if err != nil {
		return nil, fmt.Errorf("hash blinded block: %w", err)
	}
	if fullRoot != blindRoot {
		return nil, fmt.Errorf("blinded block root %#x differs from the full block root %#x", blindRoot[:], fullRoot[:])
	}
	return out, nil
}

// wantsBlinded reports whether the simulated builder serves slot's proposer: the builder is enabled, the
// proposer registered with it and the client did not set builder_boost_factor=0. The caller holds s.mu.
func (s *Simulator) wantsBlinded(proposer phase0.ValidatorIndex, r *http.Request) bool {
	if !s.builder {
		return false
	}
	if _, ok := s.registrations[proposer]; !ok {
		return false
	}
	return r.URL.Query().Get("builder_boost_factor") != "0"
}

// writeBlindedProposal answers produce block v3 with a blinded block.
func (s *Simulator) writeBlindedProposal(w http.ResponseWriter, r *http.Request, p *producedBlock) {
	version := s.chain.dataVersion(p.slot)
	blinded, err := blind(p.block)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	h := w.Header()
	h.Set("Eth-Consensus-Version", versionName(version))
	h.Set("Eth-Execution-Payload-Blinded", "true")
	h.Set("Eth-Execution-Payload-Value", "1")
	h.Set("Eth-Consensus-Block-Value", "0")
	if prefersSSZ(r.Header.Get("Accept")) {
		body, err := blinded.MarshalSSZ()
		if err != nil {
			writeError(w, http.StatusInternalServerError, fmt.Sprintf("encode blinded block: %v", err))
			return
		}
		h.Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"version": versionName(version), "execution_payload_blinded": true, "execution_payload_value": "1",
		"consensus_block_value": "0", "data": blinded,
	})
}

// handlePublishBlindedBlock serves POST /eth/v2/beacon/blinded_blocks: the simulated builder reveals the
// payload it holds for the block, which is then judged and imported like a full one.
func (s *Simulator) handlePublishBlindedBlock(w http.ResponseWriter, r *http.Request) {
	version, ok := requireVersion(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("read body: %v", err))
		return
	}
	var signed apiv1electra.SignedBlindedBeaconBlock
	ssz := r.Header.Get("Content-Type") == "application/octet-stream"
	if err := decodeEither(ssz, body, &signed); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("decode blinded block: %v", err))
		return
	}
	if signed.Message == nil || signed.Message.Body == nil {
		writeError(w, http.StatusBadRequest, "blinded block without message or body")
		return
	}
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	root, err := signed.Message.HashTreeRoot()
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("hash blinded block: %v", err))
		return
	}
	s.mu.Lock()
	p := s.produced[root]
	s.mu.Unlock()
	if p == nil {
		// Unknown to the builder: judge the signature anyway so a bad one is counted, then refuse.
		blk := signed.Message
		if reason := s.checkSignature(blk.ProposerIndex, blk, signing.DomainBeaconProposer, s.chain.epochOf(blk.Slot),
			signed.Signature); reason != "" && int(blk.ProposerIndex) < len(s.keys.pubKeys) {
			s.countInvalid(blk.ProposerIndex, DutyProposal)
			writeError(w, http.StatusBadRequest, reason)
			return
		}
		writeError(w, http.StatusBadRequest, fmt.Sprintf("blinded block %#x: the builder holds no payload for it", root[:]))
		return
	}
	full := &electra.SignedBeaconBlock{Message: p.block, Signature: signed.Signature}
	if status, msg := s.publishBlock(version, full); status != http.StatusOK {
		writeError(w, status, msg)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// recordRegistration keeps a validator's (verified) builder registration.
func (s *Simulator) recordRegistration(vi phase0.ValidatorIndex, reg *apiv1.SignedValidatorRegistration) {
	s.mu.Lock()
	s.registrations[vi] = reg
	s.mu.Unlock()
}
