package deposit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// MaxFileSize bounds a deposit data file (about 40,000 entries).
const MaxFileSize = 32 << 20

// FileMode is the permission of deposit data files (public data).
const FileMode os.FileMode = 0o644

// ErrFileExists is returned by WriteFile when the target already exists.
var ErrFileExists = errors.New("deposit data file already exists")

// wireEntry is the JSON form, in staking-deposit-cli field order.
type wireEntry struct {
	Pubkey                string `json:"pubkey"`
	WithdrawalCredentials string `json:"withdrawal_credentials"`
	Amount                uint64 `json:"amount"`
	Signature             string `json:"signature"`
	DepositMessageRoot    string `json:"deposit_message_root"`
	DepositDataRoot       string `json:"deposit_data_root"`
	ForkVersion           string `json:"fork_version"`
	NetworkName           string `json:"network_name"`
	DepositCLIVersion     string `json:"deposit_cli_version"`
}

// readEntry detects missing fields with pointers.
type readEntry struct {
	Pubkey                *string `json:"pubkey"`
	WithdrawalCredentials *string `json:"withdrawal_credentials"`
	Amount                *uint64 `json:"amount"`
	Signature             *string `json:"signature"`
	DepositMessageRoot    *string `json:"deposit_message_root"`
	DepositDataRoot       *string `json:"deposit_data_root"`
	ForkVersion           *string `json:"fork_version"`
	NetworkName           *string `json:"network_name"`
	DepositCLIVersion     *string `json:"deposit_cli_version"`
}

// Encode returns entries as a launchpad deposit data JSON array.
func Encode(entries []Data) ([]byte, error) {
	wire := make([]wireEntry, len(entries))
	for i := range entries {
		wire[i] = toWire(&entries[i])
	}
	out, err := json.MarshalIndent(wire, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode deposit data: %w", err)
	}
	return append(out, '\n'), nil
}

func toWire(d *Data) wireEntry {
	return wireEntry{
		Pubkey:                hex.EncodeToString(d.PublicKey[:]),
		WithdrawalCredentials: hex.EncodeToString(d.WithdrawalCredentials),
		Amount:                uint64(d.Amount),
		Signature:             hex.EncodeToString(d.Signature[:]),
		DepositMessageRoot:    hex.EncodeToString(d.DepositMessageRoot[:]),
		DepositDataRoot:       hex.EncodeToString(d.DepositDataRoot[:]),
		ForkVersion:           hex.EncodeToString(d.ForkVersion[:]),
		NetworkName:           d.NetworkName,
		DepositCLIVersion:     d.DepositCLIVersion,
	}
}

// Decode parses a deposit data JSON array. Unknown fields, missing fields and
// malformed hex are rejected with an *EntryError naming entry and field.
func Decode(data []byte) ([]Data, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("decode deposit data: %d bytes, at most %d", len(data), MaxFileSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw []readEntry
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode deposit data: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode deposit data: trailing data after the JSON array")
	}
	if len(raw) == 0 {
		return nil, errors.New("decode deposit data: no entries")
	}
	out := make([]Data, len(raw))
	for i, r := range raw {
		if err := r.into(i, &out[i]); err != nil {
			return nil, fmt.Errorf("decode deposit data: %w", err)
		}
	}
	return out, nil
}

func (r *readEntry) into(i int, d *Data) error {
	pk := ""
	if r.Pubkey != nil {
		pk = *r.Pubkey
	}
	field := func(name string, s *string, n int, dst []byte) error {
		if s == nil {
			return &EntryError{Index: i, Pubkey: pk, Field: name, Reason: "missing", Err: ErrInvalidDeposit}
		}
		b, err := hex.DecodeString(strings.TrimPrefix(*s, "0x"))
		if err != nil || len(b) != n {
			return &EntryError{Index: i, Pubkey: pk, Field: name, Reason: fmt.Sprintf("want %d bytes of hex, got %q", n, truncate(*s)), Err: ErrInvalidDeposit}
		}
		copy(dst, b)
		return nil
	}
	d.WithdrawalCredentials = make([]byte, 32)
	for _, f := range []struct {
		name string
		s    *string
		n    int
		dst  []byte
	}{
		{"pubkey", r.Pubkey, 48, d.PublicKey[:]},
		{"withdrawal_credentials", r.WithdrawalCredentials, 32, d.WithdrawalCredentials},
		{"signature", r.Signature, 96, d.Signature[:]},
		{"deposit_message_root", r.DepositMessageRoot, 32, d.DepositMessageRoot[:]},
		{"deposit_data_root", r.DepositDataRoot, 32, d.DepositDataRoot[:]},
		{"fork_version", r.ForkVersion, 4, d.ForkVersion[:]},
	} {
		if err := field(f.name, f.s, f.n, f.dst); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		s    *string
	}{{"network_name", r.NetworkName}, {"deposit_cli_version", r.DepositCLIVersion}} {
		if f.s == nil {
			return &EntryError{Index: i, Pubkey: pk, Field: f.name, Reason: "missing", Err: ErrInvalidDeposit}
		}
	}
	if r.Amount == nil {
		return &EntryError{Index: i, Pubkey: pk, Field: "amount", Reason: "missing", Err: ErrInvalidDeposit}
	}
	d.Amount = phase0.Gwei(*r.Amount)
	d.NetworkName = *r.NetworkName
	d.DepositCLIVersion = *r.DepositCLIVersion
	return nil
}

func truncate(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// ReadFile reads and decodes a deposit data file (it does not verify it).
func ReadFile(path string) ([]Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read deposit data: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read deposit data %s: %w", path, err)
	}
	entries, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("read deposit data %s: %w", path, err)
	}
	return entries, nil
}

// VerifyFile reads a deposit data file and verifies every entry for network.
func VerifyFile(path string, network *signing.Network) ([]Data, error) {
	entries, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := Verify(entries, network); err != nil {
		return nil, fmt.Errorf("verify deposit data %s: %w", path, err)
	}
	return entries, nil
}

// WriteFile verifies the entries for network and writes them to path (mode
// 0644) atomically; an existing file is never replaced.
func WriteFile(path string, entries []Data, network *signing.Network) error {
	if err := Verify(entries, network); err != nil {
		return fmt.Errorf("write deposit data %s: %w", path, err)
	}
	data, err := Encode(entries)
	if err != nil {
		return fmt.Errorf("write deposit data %s: %w", path, err)
	}
	if err := atomicfile.WriteNew(path, data, FileMode); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write deposit data %s: %w", path, ErrFileExists)
		}
		return fmt.Errorf("write deposit data: %w", err)
	}
	return nil
}
