package slashing

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// InterchangeFormatVersion is the only EIP-3076 version this package reads
// and writes.
const InterchangeFormatVersion = "5"

// Interchange is an EIP-3076 slashing-protection interchange document.
type Interchange struct {
	Metadata InterchangeMetadata `json:"metadata"`
	Data     []InterchangeData   `json:"data"`
}

// InterchangeMetadata identifies the format version and the chain.
type InterchangeMetadata struct {
	InterchangeFormatVersion string
	GenesisValidatorsRoot    phase0.Root
}

// InterchangeData is the signing history of one validator.
type InterchangeData struct {
	Pubkey             phase0.BLSPubKey
	SignedBlocks       []SignedBlock
	SignedAttestations []SignedAttestation
}

// SignedBlock is one block proposal record. SigningRoot is nil when unknown.
type SignedBlock struct {
	Slot        phase0.Slot
	SigningRoot *phase0.Root
}

// SignedAttestation is one attestation record. SigningRoot is nil when
// unknown.
type SignedAttestation struct {
	SourceEpoch phase0.Epoch
	TargetEpoch phase0.Epoch
	SigningRoot *phase0.Root
}

type metadataJSON struct {
	InterchangeFormatVersion *string `json:"interchange_format_version"`
	GenesisValidatorsRoot    *string `json:"genesis_validators_root"`
}

type dataJSON struct {
	Pubkey             *string             `json:"pubkey"`
	SignedBlocks       []SignedBlock       `json:"signed_blocks"`
	SignedAttestations []SignedAttestation `json:"signed_attestations"`
}

type blockJSON struct {
	Slot        *string `json:"slot"`
	SigningRoot *string `json:"signing_root,omitempty"`
}

type attestationJSON struct {
	SourceEpoch *string `json:"source_epoch"`
	TargetEpoch *string `json:"target_epoch"`
	SigningRoot *string `json:"signing_root,omitempty"`
}

// MarshalJSON writes the EIP-3076 shape.
func (m InterchangeMetadata) MarshalJSON() ([]byte, error) {
	v, g := m.InterchangeFormatVersion, hex0x(m.GenesisValidatorsRoot[:])
	return json.Marshal(metadataJSON{InterchangeFormatVersion: &v, GenesisValidatorsRoot: &g})
}

// UnmarshalJSON reads the EIP-3076 shape; both fields are required.
func (m *InterchangeMetadata) UnmarshalJSON(b []byte) error {
	var j metadataJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if j.InterchangeFormatVersion == nil {
		return fmt.Errorf("metadata.interchange_format_version: missing")
	}
	if j.GenesisValidatorsRoot == nil {
		return fmt.Errorf("metadata.genesis_validators_root: missing")
	}
	if err := decodeHex("metadata.genesis_validators_root", *j.GenesisValidatorsRoot, m.GenesisValidatorsRoot[:]); err != nil {
		return err
	}
	m.InterchangeFormatVersion = *j.InterchangeFormatVersion
	return nil
}

// MarshalJSON writes the EIP-3076 shape (empty lists, never null).
func (d InterchangeData) MarshalJSON() ([]byte, error) {
	p := hex0x(d.Pubkey[:])
	j := dataJSON{Pubkey: &p, SignedBlocks: d.SignedBlocks, SignedAttestations: d.SignedAttestations}
	if j.SignedBlocks == nil {
		j.SignedBlocks = []SignedBlock{}
	}
	if j.SignedAttestations == nil {
		j.SignedAttestations = []SignedAttestation{}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the EIP-3076 shape; pubkey is required.
func (d *InterchangeData) UnmarshalJSON(b []byte) error {
	var j dataJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return err
	}
	if j.Pubkey == nil {
		return fmt.Errorf("pubkey: missing")
	}
	if err := decodeHex("pubkey", *j.Pubkey, d.Pubkey[:]); err != nil {
		return err
	}
	d.SignedBlocks, d.SignedAttestations = j.SignedBlocks, j.SignedAttestations
	return nil
}

// MarshalJSON writes slot as a decimal string and signing_root only if known.
func (s SignedBlock) MarshalJSON() ([]byte, error) {
	slot := strconv.FormatUint(uint64(s.Slot), 10)
	return json.Marshal(blockJSON{Slot: &slot, SigningRoot: optRoot(s.SigningRoot)})
}

// UnmarshalJSON reads a decimal-string slot and an optional 0x root.
func (s *SignedBlock) UnmarshalJSON(b []byte) error {
	var j blockJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return fmt.Errorf("signed_blocks: %w", err)
	}
	slot, err := decodeUint("signed_blocks.slot", j.Slot)
	if err != nil {
		return err
	}
	s.Slot = phase0.Slot(slot)
	s.SigningRoot, err = decodeOptRoot("signed_blocks.signing_root", j.SigningRoot)
	return err
}

// MarshalJSON writes epochs as decimal strings and signing_root only if known.
func (a SignedAttestation) MarshalJSON() ([]byte, error) {
	src := strconv.FormatUint(uint64(a.SourceEpoch), 10)
	tgt := strconv.FormatUint(uint64(a.TargetEpoch), 10)
	return json.Marshal(attestationJSON{SourceEpoch: &src, TargetEpoch: &tgt, SigningRoot: optRoot(a.SigningRoot)})
}

// UnmarshalJSON reads decimal-string epochs and an optional 0x root.
func (a *SignedAttestation) UnmarshalJSON(b []byte) error {
	var j attestationJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return fmt.Errorf("signed_attestations: %w", err)
	}
	src, err := decodeUint("signed_attestations.source_epoch", j.SourceEpoch)
	if err != nil {
		return err
	}
	tgt, err := decodeUint("signed_attestations.target_epoch", j.TargetEpoch)
	if err != nil {
		return err
	}
	a.SourceEpoch, a.TargetEpoch = phase0.Epoch(src), phase0.Epoch(tgt)
	a.SigningRoot, err = decodeOptRoot("signed_attestations.signing_root", j.SigningRoot)
	return err
}

// ParseInterchange decodes an interchange document. It checks the shape of
// every field (decimal-string integers, 0x-hex of the right length) but not
// the version or chain, which Store.Import checks.
func ParseInterchange(b []byte) (*Interchange, error) {
	var ic Interchange
	var raw struct {
		Metadata *InterchangeMetadata `json:"metadata"`
		Data     *[]InterchangeData   `json:"data"`
	}
	if err := strictUnmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidInterchange, err)
	}
	if raw.Metadata == nil {
		return nil, fmt.Errorf("%w: metadata: missing", ErrInvalidInterchange)
	}
	if raw.Data == nil {
		return nil, fmt.Errorf("%w: data: missing", ErrInvalidInterchange)
	}
	ic.Metadata, ic.Data = *raw.Metadata, *raw.Data
	return &ic, nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

func decodeUint(field string, s *string) (uint64, error) {
	if s == nil {
		return 0, fmt.Errorf("%s: missing", field)
	}
	// Decimal digits only: no sign, no spaces, no hex, no leading zeros.
	if *s == "" || (len(*s) > 1 && (*s)[0] == '0') || strings.TrimLeft(*s, "0123456789") != "" {
		return 0, fmt.Errorf("%s: %q is not a decimal unsigned integer", field, *s)
	}
	v, err := strconv.ParseUint(*s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q does not fit in 64 bits", field, *s)
	}
	return v, nil
}

func decodeHex(field, s string, out []byte) error {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return fmt.Errorf("%s: %q lacks the 0x prefix", field, s)
	}
	if len(s)-2 != 2*len(out) {
		return fmt.Errorf("%s: %q has %d hex digits, want %d", field, s, len(s)-2, 2*len(out))
	}
	if _, err := hex.Decode(out, []byte(s[2:])); err != nil {
		return fmt.Errorf("%s: %q is not hex: %w", field, s, err)
	}
	return nil
}

func decodeOptRoot(field string, s *string) (*phase0.Root, error) {
	if s == nil {
		return nil, nil
	}
	var r phase0.Root
	if err := decodeHex(field, *s, r[:]); err != nil {
		return nil, err
	}
	return &r, nil
}

func optRoot(r *phase0.Root) *string {
	if r == nil {
		return nil
	}
	s := hex0x(r[:])
	return &s
}

func hex0x(b []byte) string { return "0x" + hex.EncodeToString(b) }
