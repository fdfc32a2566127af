package cluster

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// LockVersion is the version of the cluster lock format.
const LockVersion = "stinger/lock/v1"

// LockFileName is the lock's file name in an operator's data directory.
const LockFileName = "cluster-lock.json"

// DistributedValidator is one validator of the cluster: its group key, every
// operator's public share (operator i holds share index i+1), and its deposits.
type DistributedValidator struct {
	PublicKey    string         `json:"public_key"`
	PublicShares []string       `json:"public_shares"`
	DepositData  []deposit.Data `json:"deposit_data"`
}

// Lock is the cluster lock: the definition plus the DKG's outcome, signed by
// every operator. Its hash covers everything but LockHash and the signatures.
type Lock struct {
	Version    string                 `json:"version"`
	Definition Definition             `json:"cluster_definition"`
	Validators []DistributedValidator `json:"distributed_validators"`
	LockHash   string                 `json:"lock_hash"`
	// Signatures are the operators' signatures over the lock hash, in operator order.
	Signatures []string `json:"operator_signatures"`
}

// NewLock assembles an unsigned lock and computes its hash.
func NewLock(def *Definition, validators []DistributedValidator) (*Lock, error) {
	l := &Lock{Version: LockVersion, Definition: *def, Validators: validators, Signatures: make([]string, len(def.Operators))}
	h, err := l.ComputeHash()
	if err != nil {
		return nil, err
	}
	l.LockHash = "0x" + hex.EncodeToString(h)
	return l, nil
}

// ComputeHash returns sha256 of the lock's canonical JSON without the lock
// hash and the signatures.
func (l *Lock) ComputeHash() ([]byte, error) {
	c := *l
	c.LockHash = ""
	c.Signatures = nil
	return canonicalHash("lock", c)
}

// Hash returns the decoded lock hash after checking it matches the content.
func (l *Lock) Hash() ([]byte, error) {
	want, err := l.ComputeHash()
	if err != nil {
		return nil, err
	}
	if err := checkHash("lock_hash", l.LockHash, want); err != nil {
		return nil, err
	}
	return want, nil
}

// SignLock returns the operator's signature (0x-hex) over the lock hash.
func SignLock(key crypto.PrivKey, lockHash []byte) (string, error) {
	sig, err := key.Sign(append([]byte(lockSigPrefix), lockHash...))
	if err != nil {
		return "", fmt.Errorf("sign lock: %w", err)
	}
	return "0x" + hex.EncodeToString(sig), nil
}

// VerifyLockSignature checks sig as operator i's signature over the lock hash.
func (l *Lock) VerifyLockSignature(i int, lockHash []byte, sig string) error {
	if i < 0 || i >= len(l.Definition.Operators) {
		return fmt.Errorf("operator index %d out of range", i)
	}
	return verifyOperatorSig(l.Definition.Operators[i].PeerID, lockSigPrefix, lockHash, sig)
}

// Verify checks everything a lock promises and reports every problem found:
// the definition (hash, every approval), the lock hash, every operator's
// signature, that each validator's public shares lie on one polynomial whose
// value at zero is the group key, and every deposit datum (roots, signature
// under the group key with the network's deposit domain, amounts and
// withdrawal credentials as the definition says).
func (l *Lock) Verify() error {
	var errs []error
	if l.Version != LockVersion {
		errs = append(errs, fmt.Errorf("version %q: expected %q", l.Version, LockVersion))
	}
	if err := l.Definition.ValidateApproved(); err != nil {
		errs = append(errs, fmt.Errorf("cluster_definition: %w", err))
	}
	h, err := l.Hash()
	if err != nil {
		errs = append(errs, err)
	} else {
		if len(l.Signatures) != len(l.Definition.Operators) {
			errs = append(errs, fmt.Errorf("operator_signatures: %d, expected one per operator (%d)", len(l.Signatures), len(l.Definition.Operators)))
		}
		for i, sig := range l.Signatures {
			if i >= len(l.Definition.Operators) {
				break
			}
			if err := l.VerifyLockSignature(i, h, sig); err != nil {
				errs = append(errs, fmt.Errorf("operator_signatures[%d]: %w", i, err))
			}
		}
	}
	if len(l.Validators) != l.Definition.NumValidators {
		errs = append(errs, fmt.Errorf("distributed_validators: %d, the definition asks for %d", len(l.Validators), l.Definition.NumValidators))
	}
	for i, v := range l.Validators {
		if err := l.verifyValidator(i, &v); err != nil {
			errs = append(errs, fmt.Errorf("distributed_validators[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func (l *Lock) verifyValidator(idx int, v *DistributedValidator) error {
	def := &l.Definition
	pkBytes, err := decodeHex("public_key", v.PublicKey, bls.PublicKeyLength)
	if err != nil {
		return err
	}
	pk, err := bls.PublicKeyFromBytes(pkBytes)
	if err != nil {
		return fmt.Errorf("public_key: %w", err)
	}
	n, t := len(def.Operators), def.Threshold
	if len(v.PublicShares) != n {
		return fmt.Errorf("public_shares: %d, expected one per operator (%d)", len(v.PublicShares), n)
	}
	shares := make(map[uint64]*bls.PublicKey, n)
	for i, s := range v.PublicShares {
		b, err := decodeHex(fmt.Sprintf("public_shares[%d]", i), s, bls.PublicKeyLength)
		if err != nil {
			return err
		}
		ps, err := bls.PublicKeyFromBytes(b)
		if err != nil {
			return fmt.Errorf("public_shares[%d]: %w", i, err)
		}
		shares[uint64(i+1)] = ps
	}
	// Every window of t consecutive shares must interpolate to the group key;
	// the windows cover every share, so one share off the polynomial fails.
	for start := 1; start+t-1 <= n; start++ {
		subset := make(map[uint64]*bls.PublicKey, t)
		for k := start; k < start+t; k++ {
			subset[uint64(k)] = shares[uint64(k)]
		}
		got, err := bls.RecoverPublicKey(subset)
		if err != nil {
			return fmt.Errorf("public_shares %d..%d: %w", start-1, start+t-2, err)
		}
		if !got.Equal(pk) {
			return fmt.Errorf("public_shares %d..%d do not interpolate to public_key: a share is inconsistent", start-1, start+t-2)
		}
	}
	if len(v.DepositData) != len(def.DepositAmounts) {
		return fmt.Errorf("deposit_data: %d entries, the definition has %d deposit amounts", len(v.DepositData), len(def.DepositAmounts))
	}
	if err := deposit.Verify(v.DepositData, def.DepositNetwork()); err != nil {
		return fmt.Errorf("deposit_data: %w", err)
	}
	wc := WithdrawalCredentials(def.CredentialType, def.WithdrawalAddress(idx))
	for k, d := range v.DepositData {
		switch {
		case !bytes.Equal(d.PublicKey[:], pkBytes):
			return fmt.Errorf("deposit_data[%d].pubkey %#x: not the validator's public key %s", k, d.PublicKey[:], v.PublicKey)
		case uint64(d.Amount) != def.DepositAmounts[k]:
			return fmt.Errorf("deposit_data[%d].amount %d: the definition says %d", k, d.Amount, def.DepositAmounts[k])
		case !bytes.Equal(d.WithdrawalCredentials, wc[:]):
			return fmt.Errorf("deposit_data[%d].withdrawal_credentials %#x: the definition gives %#x", k, d.WithdrawalCredentials, wc)
		}
	}
	return nil
}

// WithdrawalCredentials returns the 32-byte credentials for an execution
// address: the credential type byte, 11 zero bytes, the address.
func WithdrawalCredentials(credType string, addr [20]byte) [32]byte {
	var wc [32]byte
	wc[0] = 0x01
	if credType == CredentialCompounding {
		wc[0] = 0x02
	}
	copy(wc[12:], addr[:])
	return wc
}

// LoadLock reads a lock file strictly (unknown fields are an error). It does
// not verify it: call Verify.
func LoadLock(path string) (*Lock, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read lock: %w", err)
	}
	var l Lock
	if err := decodeStrict(raw, &l); err != nil {
		return nil, fmt.Errorf("decode lock %s: %w", path, err)
	}
	return &l, nil
}

// Marshal returns the lock's file content: indented JSON, identical on every operator.
func (l *Lock) Marshal() ([]byte, error) {
	raw, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode lock: %w", err)
	}
	return append(raw, '\n'), nil
}

// Save writes the lock atomically.
func (l *Lock) Save(path string) error {
	raw, err := l.Marshal()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, raw, 0o644)
}
