package deposit

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// EntryError reports a problem with one deposit data entry.
type EntryError struct {
	// Index is the entry's position in the file (0-based).
	Index int
	// Pubkey is the entry's pubkey as written (may be empty or malformed).
	Pubkey string
	// Field is the JSON field at fault, e.g. "deposit_data_root".
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is ErrInvalidDeposit or ErrInvalidSignature.
	Err error
}

// Error implements error.
func (e *EntryError) Error() string {
	pk := e.Pubkey
	if len(pk) > 18 {
		pk = pk[:18] + "…"
	}
	return fmt.Sprintf("deposit entry %d (pubkey %s): %s: %s", e.Index, pk, e.Field, e.Reason)
}

// Unwrap returns the sentinel error.
func (e *EntryError) Unwrap() error { return e.Err }

// Verify checks every entry for network: network name, fork version, amount,
// withdrawal credentials, public key, both roots recomputed, and the BLS
// signature over the deposit signing root. It returns all problems found
// (one *EntryError per bad entry, joined), or nil.
func Verify(entries []Data, network *signing.Network) error {
	if network == nil {
		return fmt.Errorf("verify deposit data: %w: nil network", ErrInvalidDeposit)
	}
	if len(entries) == 0 {
		return fmt.Errorf("verify deposit data: %w: no entries", ErrInvalidDeposit)
	}
	var errs []error
	for i := range entries {
		if err := verifyEntry(i, &entries[i], network); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func verifyEntry(i int, d *Data, network *signing.Network) *EntryError {
	bad := func(field, format string, args ...any) *EntryError {
		return &EntryError{Index: i, Pubkey: hex.EncodeToString(d.PublicKey[:]), Field: field, Reason: fmt.Sprintf(format, args...), Err: ErrInvalidDeposit}
	}
	if d.NetworkName != network.Name {
		return bad("network_name", "%q, want %q", d.NetworkName, network.Name)
	}
	if d.ForkVersion != network.GenesisForkVersion {
		return bad("fork_version", "%x, want %s genesis fork version %x", d.ForkVersion[:], network.Name, network.GenesisForkVersion[:])
	}
	if d.DepositCLIVersion == "" {
		return bad("deposit_cli_version", "empty")
	}
	if err := checkAmount(d.Amount); err != nil {
		return bad("amount", "%v", err)
	}
	if err := checkCredentials(d.WithdrawalCredentials, true); err != nil {
		return bad("withdrawal_credentials", "%v", err)
	}
	pkBytes := make([]byte, len(d.PublicKey))
	copy(pkBytes, d.PublicKey[:])
	pk, err := bls.PublicKeyFromBytes(pkBytes)
	if err != nil {
		return bad("pubkey", "not a valid BLS public key: %v", err)
	}
	u, err := newUnsigned(network, pk, d.WithdrawalCredentials, d.Amount, true)
	if err != nil {
		return bad("deposit_message_root", "%v", err)
	}
	msgRoot, err := u.Message.HashTreeRoot()
	if err != nil {
		return bad("deposit_message_root", "hash: %v", err)
	}
	if msgRoot != d.DepositMessageRoot {
		return bad("deposit_message_root", "file has %x, computed %x from pubkey, withdrawal_credentials and amount", d.DepositMessageRoot[:], msgRoot[:])
	}
	dataRoot, err := d.DepositData().HashTreeRoot()
	if err != nil {
		return bad("deposit_data_root", "hash: %v", err)
	}
	if dataRoot != d.DepositDataRoot {
		return bad("deposit_data_root", "file has %x, computed %x", d.DepositDataRoot[:], dataRoot[:])
	}
	sigBytes := make([]byte, len(d.Signature))
	copy(sigBytes, d.Signature[:])
	sig, err := bls.SignatureFromBytes(sigBytes)
	if err != nil {
		e := bad("signature", "not a valid BLS signature: %v", err)
		e.Err = ErrInvalidSignature
		return e
	}
	if !sig.Verify(pk, rootBytes(u.SigningRoot)) {
		e := bad("signature", "does not verify for pubkey over signing root %x (%s deposit domain)", u.SigningRoot[:], network.Name)
		e.Err = ErrInvalidSignature
		return e
	}
	return nil
}
