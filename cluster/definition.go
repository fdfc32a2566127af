package cluster

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// DefinitionVersion is the version of the cluster definition format this
// package writes and the only one it reads.
const DefinitionVersion = "stinger/definition/v1"

// Credential types for the withdrawal credentials of the cluster's validators.
const (
	// CredentialExecution is 0x01: withdrawals to an execution address.
	CredentialExecution = "0x01"
	// CredentialCompounding is 0x02: EIP-7251 compounding withdrawals to an execution address.
	CredentialCompounding = "0x02"
)

// Deposit amounts in Gwei.
const (
	// MinDepositGwei is the smallest deposit the deposit contract accepts: 1 ETH.
	MinDepositGwei = 1_000_000_000
	// MaxDepositGwei is the largest effective balance of a compounding validator: 2048 ETH.
	MaxDepositGwei = 2048_000_000_000
	// DefaultDepositGwei is the classic 32 ETH deposit.
	DefaultDepositGwei = 32_000_000_000
)

// Domain-separation prefixes of the operator signatures, so that an approval
// can never be replayed as a lock signature or vice versa.
const (
	approvalPrefix = "stinger/definition-approval/v1:"
	lockSigPrefix  = "stinger/lock-signature/v1:"
)

// Operator is one member of the cluster, in operator order: the operator at
// position i holds share index i+1 of every validator.
type Operator struct {
	// PeerID is the operator's libp2p peer ID (from its secp256k1 operator key).
	PeerID string `json:"peer_id"`
	// Addresses are multiaddrs where the operator can be reached (may be empty behind NAT with relays).
	Addresses []string `json:"addresses"`
	// Name is an optional human-readable name.
	Name string `json:"name,omitempty"`
	// Approval is the operator's signature (0x-hex) over the definition hash, empty until it approves.
	Approval string `json:"approval,omitempty"`
}

// Definition is the cluster definition: what every operator agrees to before
// the DKG. Its hash covers every field except DefinitionHash and the
// operators' approvals.
type Definition struct {
	Version   string     `json:"version"`
	Name      string     `json:"name"`
	Timestamp string     `json:"timestamp"`
	Operators []Operator `json:"operators"`
	// Threshold is the number of shares needed to sign (t of n).
	Threshold int `json:"threshold"`
	// NumValidators is the number of distributed validators the DKG creates.
	NumValidators int `json:"num_validators"`
	// Network is a preset name (mainnet, holesky, hoodi, sepolia) or a custom name.
	Network string `json:"network"`
	// ForkVersion is the network's genesis fork version (0x-hex, 4 bytes), used for the deposit domain.
	ForkVersion string `json:"fork_version"`
	// CredentialType is CredentialExecution (0x01) or CredentialCompounding (0x02).
	CredentialType string `json:"withdrawal_credential_type"`
	// WithdrawalAddresses holds one address for every validator, or exactly one shared by all.
	WithdrawalAddresses []string `json:"withdrawal_addresses"`
	// FeeRecipients holds one address for every validator, or exactly one shared by all.
	FeeRecipients []string `json:"fee_recipients"`
	// DepositAmounts are the deposits (Gwei) made for each validator; they may split one
	// validator's balance into several deposits. Their sum is the validator's initial balance.
	DepositAmounts []uint64 `json:"deposit_amounts"`
	// DefinitionHash is sha256 of the canonical definition (0x-hex).
	DefinitionHash string `json:"definition_hash"`
}

// NewDefinitionParams are the inputs of NewDefinition.
type NewDefinitionParams struct {
	Name                string
	Operators           []Operator
	Threshold           int // 0 selects DefaultThreshold(n)
	NumValidators       int
	Network             string
	ForkVersion         string
	CredentialType      string // "" selects CredentialExecution
	WithdrawalAddresses []string
	FeeRecipients       []string
	DepositAmounts      []uint64 // nil selects one 32 ETH deposit
	Now                 time.Time
}

// DefaultThreshold returns ⌈2n/3⌉, the default threshold for n operators.
func DefaultThreshold(n int) int {
	return (2*n + 2) / 3
}

// FaultTolerance returns the number of faulty operators a cluster of n
// tolerates: f with n >= 3f+1.
func FaultTolerance(n int) int {
	return (n - 1) / 3
}

// NewDefinition builds, validates and hashes a definition.
func NewDefinition(p NewDefinitionParams) (*Definition, error) {
	d := &Definition{
		Version:             DefinitionVersion,
		Name:                p.Name,
		Timestamp:           p.Now.UTC().Format(time.RFC3339),
		Operators:           append([]Operator(nil), p.Operators...),
		Threshold:           p.Threshold,
		NumValidators:       p.NumValidators,
		Network:             p.Network,
		ForkVersion:         strings.ToLower(p.ForkVersion),
		CredentialType:      p.CredentialType,
		WithdrawalAddresses: p.WithdrawalAddresses,
		FeeRecipients:       p.FeeRecipients,
		DepositAmounts:      p.DepositAmounts,
	}
	if d.Threshold == 0 {
		d.Threshold = DefaultThreshold(len(d.Operators))
	}
	if d.CredentialType == "" {
		d.CredentialType = CredentialExecution
	}
	if len(d.DepositAmounts) == 0 {
		d.DepositAmounts = []uint64{DefaultDepositGwei}
	}
	for i := range d.Operators {
		d.Operators[i].Approval = ""
	}
	if err := d.validateFields(); err != nil {
		return nil, err
	}
	h, err := d.ComputeHash()
	if err != nil {
		return nil, err
	}
	d.DefinitionHash = "0x" + hex.EncodeToString(h)
	return d, nil
}

// ComputeHash returns sha256 of the definition's canonical JSON encoding with
// DefinitionHash and every approval left empty. Go's encoding/json writes
// struct fields in declaration order and this type holds no maps, so the
// encoding is canonical.
func (d *Definition) ComputeHash() ([]byte, error) {
	c := *d
	c.DefinitionHash = ""
	c.Operators = make([]Operator, len(d.Operators))
	for i, op := range d.Operators {
		op.Approval = ""
		c.Operators[i] = op
	}
	return canonicalHash("definition", c)
}

// Hash returns the decoded DefinitionHash after checking that it matches the content.
func (d *Definition) Hash() ([]byte, error) {
	want, err := d.ComputeHash()
	if err != nil {
		return nil, err
	}
	if err := checkHash("definition_hash", d.DefinitionHash, want); err != nil {
		return nil, err
	}
	return want, nil
}

// canonicalHash returns sha256 of v's JSON encoding, canonical for the
// structs of this package (fields in declaration order, no maps).
func canonicalHash(what string, v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", what, err)
	}
	h := sha256.Sum256(raw)
	return h[:], nil
}

// checkHash compares a stored 0x-hex hash field with the computed one.
func checkHash(field, stored string, want []byte) error {
	got, err := decodeHex(field, stored, sha256.Size)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s %s does not match the content (computed 0x%x): the file was changed after it was written", field, stored, want)
	}
	return nil
}

// Validate checks every field, the hash and every approval present. It
// reports all problems at once.
func (d *Definition) Validate() error {
	if err := d.validateFields(); err != nil {
		return err
	}
	h, err := d.Hash()
	if err != nil {
		return err
	}
	var errs []error
	for i, op := range d.Operators {
		if op.Approval == "" {
			continue
		}
		if err := verifyOperatorSig(op.PeerID, approvalPrefix, h, op.Approval); err != nil {
			errs = append(errs, fmt.Errorf("operators[%d].approval: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// ValidateApproved is Validate plus the requirement that every operator approved.
func (d *Definition) ValidateApproved() error {
	if err := d.Validate(); err != nil {
		return err
	}
	var missing []string
	for i, op := range d.Operators {
		if op.Approval == "" {
			missing = append(missing, fmt.Sprintf("operators[%d] (%s)", i, op.displayName()))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("definition lacks the approval of %s: each must run `stinger definition sign`", strings.Join(missing, ", "))
	}
	return nil
}

// Approve adds the approval of the operator holding key. It fails if the key
// is not one of the definition's operators.
func (d *Definition) Approve(key crypto.PrivKey) error {
	h, err := d.Hash()
	if err != nil {
		return err
	}
	idx, err := d.OperatorIndex(key.GetPublic())
	if err != nil {
		return err
	}
	sig, err := key.Sign(append([]byte(approvalPrefix), h...))
	if err != nil {
		return fmt.Errorf("sign definition: %w", err)
	}
	d.Operators[idx].Approval = "0x" + hex.EncodeToString(sig)
	return nil
}

// OperatorIndex returns the position of the operator whose key is pub.
func (d *Definition) OperatorIndex(pub crypto.PubKey) (int, error) {
	pid, err := peer.IDFromPublicKey(pub)
	if err != nil {
		return 0, fmt.Errorf("derive peer ID: %w", err)
	}
	for i, op := range d.Operators {
		if op.PeerID == pid.String() {
			return i, nil
		}
	}
	return 0, fmt.Errorf("peer %s is not an operator of cluster %q", pid, d.Name)
}

// PeerIDs returns the operators' peer IDs in operator order.
func (d *Definition) PeerIDs() ([]peer.ID, error) {
	ids := make([]peer.ID, len(d.Operators))
	for i, op := range d.Operators {
		pid, err := peer.Decode(op.PeerID)
		if err != nil {
			return nil, fmt.Errorf("operators[%d].peer_id %q: %w", i, op.PeerID, err)
		}
		ids[i] = pid
	}
	return ids, nil
}

// WithdrawalAddress returns the withdrawal address of validator i.
func (d *Definition) WithdrawalAddress(i int) common.Address {
	return common.HexToAddress(pick(d.WithdrawalAddresses, i))
}

// FeeRecipient returns the fee recipient of validator i.
func (d *Definition) FeeRecipient(i int) common.Address {
	return common.HexToAddress(pick(d.FeeRecipients, i))
}

// DepositNetwork returns the network as the deposit data needs it: its name
// and genesis fork version (the preset itself for a preset name). Only deposit
// domains can be computed from a custom network's entry.
func (d *Definition) DepositNetwork() *signing.Network {
	if n, err := signing.NetworkByName(d.Network); err == nil {
		return n
	}
	return &signing.Network{Name: d.Network, GenesisForkVersion: d.ForkVersionBytes()}
}

// ForkVersionBytes returns the decoded genesis fork version.
func (d *Definition) ForkVersionBytes() [4]byte {
	var v [4]byte
	b, _ := decodeHex("fork_version", d.ForkVersion, 4)
	copy(v[:], b)
	return v
}

func pick(list []string, i int) string {
	if len(list) == 1 {
		return list[0]
	}
	return list[i]
}

func (op Operator) displayName() string {
	if op.Name != "" {
		return op.Name
	}
	return op.PeerID
}

// validateFields checks every field but the hash and approvals; it reports
// all problems at once, each naming the field, the value and the expectation.
func (d *Definition) validateFields() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if d.Version != DefinitionVersion {
		add("version %q: expected %q", d.Version, DefinitionVersion)
	}
	if strings.TrimSpace(d.Name) == "" {
		add("name: must not be empty")
	}
	if _, err := time.Parse(time.RFC3339, d.Timestamp); err != nil {
		add("timestamp %q: expected RFC 3339 time", d.Timestamp)
	}
	n := len(d.Operators)
	if n < 1 {
		add("operators: need at least 1, got %d", n)
	}
	seen := make(map[string]int)
	for i, op := range d.Operators {
		if _, err := peer.Decode(op.PeerID); err != nil {
			add("operators[%d].peer_id %q: not a peer ID: %v", i, op.PeerID, err)
		} else if j, dup := seen[op.PeerID]; dup {
			add("operators[%d].peer_id %q: duplicate of operators[%d]", i, op.PeerID, j)
		}
		seen[op.PeerID] = i
		for k, a := range op.Addresses {
			if _, err := ma.NewMultiaddr(a); err != nil {
				add("operators[%d].addresses[%d] %q: not a multiaddr: %v", i, k, a, err)
			}
		}
	}
	if n > 0 && (d.Threshold <= n/2 || d.Threshold > n) {
		add("threshold %d: expected more than half of the %d operators and at most %d (default %d)", d.Threshold, n, n, DefaultThreshold(n))
	}
	if d.NumValidators < 1 || d.NumValidators > 100_000 {
		add("num_validators %d: expected 1 to 100000", d.NumValidators)
	}
	if strings.TrimSpace(d.Network) == "" {
		add("network: must not be empty")
	}
	if fv, err := decodeHex("fork_version", d.ForkVersion, 4); err != nil {
		add("%v", err)
	} else if preset, err := signing.NetworkByName(d.Network); err == nil && !bytes.Equal(fv, preset.GenesisForkVersion[:]) {
		add("fork_version %s: network %s has genesis fork version %#x", d.ForkVersion, preset.Name, preset.GenesisForkVersion[:])
	}
	if d.CredentialType != CredentialExecution && d.CredentialType != CredentialCompounding {
		add("withdrawal_credential_type %q: expected %q or %q", d.CredentialType, CredentialExecution, CredentialCompounding)
	}
	validateAddresses(&errs, "withdrawal_addresses", d.WithdrawalAddresses, d.NumValidators)
	validateAddresses(&errs, "fee_recipients", d.FeeRecipients, d.NumValidators)
	validateAmounts(&errs, d.DepositAmounts, d.CredentialType)
	return errors.Join(errs...)
}

func validateAddresses(errs *[]error, field string, list []string, numValidators int) {
	if len(list) != 1 && len(list) != numValidators {
		*errs = append(*errs, fmt.Errorf("%s: got %d addresses, expected 1 or one per validator (%d)", field, len(list), numValidators))
	}
	for i, a := range list {
		if !common.IsHexAddress(a) || !strings.HasPrefix(a, "0x") {
			*errs = append(*errs, fmt.Errorf("%s[%d] %q: expected a 0x-prefixed 20-byte hex address", field, i, a))
		} else if common.HexToAddress(a) == (common.Address{}) {
			*errs = append(*errs, fmt.Errorf("%s[%d] %q: the zero address would burn funds", field, i, a))
		}
	}
}

func validateAmounts(errs *[]error, amounts []uint64, credType string) {
	if len(amounts) == 0 {
		*errs = append(*errs, errors.New("deposit_amounts: must list at least one amount"))
	}
	var total uint64
	for i, a := range amounts {
		if a < MinDepositGwei || a > MaxDepositGwei {
			*errs = append(*errs, fmt.Errorf("deposit_amounts[%d] %d: expected 1 to 2048 ETH in Gwei (%d to %d)", i, a, uint64(MinDepositGwei), uint64(MaxDepositGwei)))
		}
		total += a
	}
	limit := uint64(DefaultDepositGwei)
	if credType == CredentialCompounding {
		limit = MaxDepositGwei
	}
	if total > limit {
		*errs = append(*errs, fmt.Errorf("deposit_amounts: total %d Gwei exceeds %d Gwei, the maximum effective balance for credential type %s", total, limit, credType))
	}
}

func decodeHex(field, s string, size int) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") {
		return nil, fmt.Errorf("%s %q: expected 0x-prefixed hex", field, s)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, fmt.Errorf("%s %q: not hex: %v", field, s, err)
	}
	if size > 0 && len(b) != size {
		return nil, fmt.Errorf("%s %q: %d bytes, expected %d", field, s, len(b), size)
	}
	return b, nil
}

// verifyOperatorSig checks sigHex as the signature of the operator with
// peer ID pidStr over prefix||msg. The public key is extracted from the peer
// ID (secp256k1 peer IDs embed it).
func verifyOperatorSig(pidStr, prefix string, msg []byte, sigHex string) error {
	pid, err := peer.Decode(pidStr)
	if err != nil {
		return fmt.Errorf("peer ID %q: %w", pidStr, err)
	}
	pub, err := pid.ExtractPublicKey()
	if err != nil {
		return fmt.Errorf("peer ID %s does not embed its public key: %w", pid, err)
	}
	sig, err := decodeHex("signature", sigHex, 0)
	if err != nil {
		return err
	}
	ok, err := pub.Verify(append([]byte(prefix), msg...), sig)
	if err != nil || !ok {
		return fmt.Errorf("signature %s is not by operator %s", abbreviate(sigHex), pid)
	}
	return nil
}

func abbreviate(s string) string {
	if len(s) > 18 {
		return s[:10] + "…" + s[len(s)-6:]
	}
	return s
}

// LoadDefinition reads a definition file strictly (unknown fields are an
// error) and validates it (hash and present approvals).
func LoadDefinition(path string) (*Definition, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read definition: %w", err)
	}
	var d Definition
	if err := decodeStrict(raw, &d); err != nil {
		return nil, fmt.Errorf("decode definition %s: %w", path, err)
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("definition %s: %w", path, err)
	}
	return &d, nil
}

// Save writes the definition as indented JSON, atomically.
func (d *Definition) Save(path string) error {
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode definition: %w", err)
	}
	return atomicfile.Write(path, append(raw, '\n'), 0o644)
}

func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}
