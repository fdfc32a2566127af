package report

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// EIP-712 domain constants.
const (
	DomainName    = "stinger-marketplace"
	DomainVersion = "1"
	primaryType   = "PerformanceReport"
)

// Report is the signed content of a performance report. Ratios are in basis points (10,000 = 100 %).
type Report struct {
	NetworkID       uint64         `json:"network_id"`
	Operator        common.Address `json:"operator"`
	DAM             common.Address `json:"dam"`
	PeriodFrom      uint64         `json:"period_from"` // unix seconds, inclusive
	PeriodTo        uint64         `json:"period_to"`   // unix seconds, exclusive
	UptimeBps       uint32         `json:"uptime_bps"`
	HealthOKBps     uint32         `json:"health_ok_bps"`
	HealthChecks    uint32         `json:"health_checks"`
	DaysOperated    uint32         `json:"days_operated"`
	Restarts        uint32         `json:"restarts"`
	DutiesAttempted uint64         `json:"duties_attempted"`
	DutiesSucceeded uint64         `json:"duties_succeeded"`
}

// Domain is the EIP-712 domain a report is signed under.
type Domain struct {
	ChainID           uint64         `json:"chain_id"`
	VerifyingContract common.Address `json:"verifying_contract"`
}

// Signed is a report with its domain, signer and 65-byte [R || S || V] signature (V = 27 or 28).
type Signed struct {
	Domain    Domain         `json:"domain"`
	Report    Report         `json:"report"`
	Signer    common.Address `json:"signer"`
	Digest    common.Hash    `json:"digest"`
	Signature hexutil.Bytes  `json:"signature"`
}

var types = apitypes.Types{
	"EIP712Domain": {
		{Name: "name", Type: "string"}, {Name: "version", Type: "string"},
		{Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"},
	},
	primaryType: {
		{Name: "networkId", Type: "uint256"}, {Name: "operator", Type: "address"}, {Name: "dam", Type: "address"},
		{Name: "periodFrom", Type: "uint64"}, {Name: "periodTo", Type: "uint64"},
		{Name: "uptimeBps", Type: "uint32"}, {Name: "healthOkBps", Type: "uint32"}, {Name: "healthChecks", Type: "uint32"},
		{Name: "daysOperated", Type: "uint32"}, {Name: "restarts", Type: "uint32"},
		{Name: "dutiesAttempted", Type: "uint64"}, {Name: "dutiesSucceeded", Type: "uint64"},
	},
}

// TypedData returns the EIP-712 typed data of a report under a domain.
func TypedData(d Domain, r Report) apitypes.TypedData {
	u := func(v uint64) *math.HexOrDecimal256 { return (*math.HexOrDecimal256)(new(big.Int).SetUint64(v)) }
	return apitypes.TypedData{
		Types:       types,
		PrimaryType: primaryType,
		Domain: apitypes.TypedDataDomain{
			Name: DomainName, Version: DomainVersion, ChainId: u(d.ChainID), VerifyingContract: d.VerifyingContract.Hex(),
		},
		Message: apitypes.TypedDataMessage{
			"networkId": u(r.NetworkID), "operator": r.Operator.Hex(), "dam": r.DAM.Hex(),
			"periodFrom": u(r.PeriodFrom), "periodTo": u(r.PeriodTo),
			"uptimeBps": u(uint64(r.UptimeBps)), "healthOkBps": u(uint64(r.HealthOKBps)), "healthChecks": u(uint64(r.HealthChecks)),
			"daysOperated": u(uint64(r.DaysOperated)), "restarts": u(uint64(r.Restarts)),
			"dutiesAttempted": u(r.DutiesAttempted), "dutiesSucceeded": u(r.DutiesSucceeded),
		},
	}
}

// Digest returns the EIP-712 digest keccak256("\x19\x01" || domainSeparator || hashStruct(report)).
func Digest(d Domain, r Report) (common.Hash, error) {
	h, _, err := apitypes.TypedDataAndHash(TypedData(d, r))
	if err != nil {
		return common.Hash{}, fmt.Errorf("hash report typed data: %w", err)
	}
	return common.BytesToHash(h), nil
}

// Validate checks a report's fields.
func (r *Report) Validate() error {
	switch {
	case r.PeriodFrom >= r.PeriodTo:
		return fmt.Errorf("report period_from %d must be before period_to %d", r.PeriodFrom, r.PeriodTo)
	case r.UptimeBps > 10_000:
		return fmt.Errorf("report uptime_bps %d exceeds 10000", r.UptimeBps)
	case r.HealthOKBps > 10_000:
		return fmt.Errorf("report health_ok_bps %d exceeds 10000", r.HealthOKBps)
	case r.DutiesSucceeded > r.DutiesAttempted:
		return fmt.Errorf("report duties_succeeded %d exceeds duties_attempted %d", r.DutiesSucceeded, r.DutiesAttempted)
	case r.Operator == (common.Address{}):
		return errors.New("report operator is the zero address")
	}
	return nil
}

// Sign signs a report with the operator key; the report's Operator must be the key's address.
func Sign(key *ecdsa.PrivateKey, d Domain, r Report) (*Signed, error) {
	addr := crypto.PubkeyToAddress(key.PublicKey)
	if r.Operator != addr {
		return nil, fmt.Errorf("report operator %s is not the signing key's address %s", r.Operator, addr)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	digest, err := Digest(d, r)
	if err != nil {
		return nil, err
	}
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return nil, fmt.Errorf("sign report: %w", err)
	}
	sig[64] += 27
	return &Signed{Domain: d, Report: r, Signer: addr, Digest: digest, Signature: sig}, nil
}

// ErrBadSignature is returned when a report's signature does not verify.
var ErrBadSignature = errors.New("report signature invalid")

// Verify checks a signed report offline: its fields are valid, the digest matches the content, and
// the signature recovers to both the stated signer and the report's operator.
func Verify(s *Signed) error {
	if err := s.Report.Validate(); err != nil {
		return err
	}
	digest, err := Digest(s.Domain, s.Report)
	if err != nil {
		return err
	}
	if s.Digest != (common.Hash{}) && s.Digest != digest {
		return fmt.Errorf("%w: stated digest %s, content hashes to %s", ErrBadSignature, s.Digest, digest)
	}
	if len(s.Signature) != crypto.SignatureLength {
		return fmt.Errorf("%w: %d bytes, want %d", ErrBadSignature, len(s.Signature), crypto.SignatureLength)
	}
	sig := append([]byte(nil), s.Signature...)
	if sig[64] >= 27 {
		sig[64] -= 27
	}
	if sig[64] > 1 {
		return fmt.Errorf("%w: recovery id %d", ErrBadSignature, s.Signature[64])
	}
	if !crypto.ValidateSignatureValues(sig[64], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64]), true) {
		return fmt.Errorf("%w: signature values out of range (or malleable s)", ErrBadSignature)
	}
	pub, err := crypto.SigToPub(digest[:], sig)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	got := crypto.PubkeyToAddress(*pub)
	if got != s.Signer || got != s.Report.Operator {
		return fmt.Errorf("%w: recovers to %s, report names operator %s and signer %s", ErrBadSignature, got, s.Report.Operator, s.Signer)
	}
	return nil
}

// VerifyReport decodes a report file (JSON of Signed, strictly: unknown fields are refused) and
// verifies it offline. This is what `stinger report verify FILE` runs.
func VerifyReport(data []byte) (*Signed, error) {
	var s Signed
	if err := decodeStrict(data, &s); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	if err := Verify(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the report")
	}
	return nil
}
