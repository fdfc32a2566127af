package deposit

import (
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// Amount limits in Gwei.
const (
	GweiPerETH    phase0.Gwei = 1_000_000_000
	MinAmount                 = 1 * GweiPerETH
	MaxAmount                 = 2048 * GweiPerETH
	DefaultAmount             = 32 * GweiPerETH
	// DefaultCLIVersion is written as deposit_cli_version: the staking-deposit-cli
	// release whose output format this package produces.
	DefaultCLIVersion = "2.7.0"
)

// Sentinel errors.
var (
	// ErrInvalidSignature means a signature does not verify for the deposit.
	ErrInvalidSignature = errors.New("invalid deposit signature")
	// ErrInvalidDeposit wraps invalid deposit parameters.
	ErrInvalidDeposit = errors.New("invalid deposit")
)

// Unsigned is a deposit message with the root its signer must sign.
type Unsigned struct {
	// Message is the DepositMessage to be signed.
	Message *phase0.DepositMessage
	// SigningRoot is compute_signing_root(Message, deposit domain).
	SigningRoot phase0.Root
	pubkey      *bls.PublicKey
	network     *signing.Network
}

// NewUnsigned builds a deposit message for pubkey with 0x01 or 0x02
// withdrawal credentials and an amount in [MinAmount, MaxAmount] Gwei, and
// computes its signing root over the network's deposit domain.
func NewUnsigned(network *signing.Network, pubkey *bls.PublicKey, withdrawalCredentials []byte, amount phase0.Gwei) (*Unsigned, error) {
	return newUnsigned(network, pubkey, withdrawalCredentials, amount, false)
}

func newUnsigned(network *signing.Network, pubkey *bls.PublicKey, creds []byte, amount phase0.Gwei, allowBLS bool) (*Unsigned, error) {
	if network == nil || pubkey == nil {
		return nil, fmt.Errorf("new deposit: %w: nil network or public key", ErrInvalidDeposit)
	}
	if err := checkCredentials(creds, allowBLS); err != nil {
		return nil, fmt.Errorf("new deposit: %w: withdrawal_credentials: %v", ErrInvalidDeposit, err)
	}
	if err := checkAmount(amount); err != nil {
		return nil, fmt.Errorf("new deposit: %w: amount: %v", ErrInvalidDeposit, err)
	}
	msg := &phase0.DepositMessage{
		PublicKey:             phase0.BLSPubKey(pubkey.Bytes()),
		WithdrawalCredentials: append([]byte(nil), creds...),
		Amount:                amount,
	}
	domain, err := network.DepositDomain()
	if err != nil {
		return nil, fmt.Errorf("new deposit: %w", err)
	}
	root, err := signing.ComputeSigningRoot(msg, domain)
	if err != nil {
		return nil, fmt.Errorf("new deposit: %w", err)
	}
	return &Unsigned{Message: msg, SigningRoot: root, pubkey: pubkey, network: network}, nil
}

func checkAmount(a phase0.Gwei) error {
	if a < MinAmount || a > MaxAmount {
		return fmt.Errorf("%d Gwei is outside [%d, %d] (1 to 2048 ETH)", a, MinAmount, MaxAmount)
	}
	return nil
}

// Complete attaches a signature (from any signer, e.g. a threshold signature
// recovered by the DKG), verifies it against the deposit public key and
// returns the finished entry.
func (u *Unsigned) Complete(sig *bls.Signature) (*Data, error) {
	if sig == nil {
		return nil, fmt.Errorf("complete deposit: %w: nil signature", ErrInvalidSignature)
	}
	if !sig.Verify(u.pubkey, rootBytes(u.SigningRoot)) {
		return nil, fmt.Errorf("complete deposit for %#x: %w", u.Message.PublicKey[:], ErrInvalidSignature)
	}
	d := &Data{
		PublicKey:             u.Message.PublicKey,
		WithdrawalCredentials: append([]byte(nil), u.Message.WithdrawalCredentials...),
		Amount:                u.Message.Amount,
		Signature:             phase0.BLSSignature(sig.Bytes()),
		ForkVersion:           u.network.GenesisForkVersion,
		NetworkName:           u.network.Name,
		DepositCLIVersion:     DefaultCLIVersion,
	}
	var err error
	if d.DepositMessageRoot, err = u.Message.HashTreeRoot(); err != nil {
		return nil, fmt.Errorf("complete deposit: hash deposit message: %w", err)
	}
	if d.DepositDataRoot, err = d.DepositData().HashTreeRoot(); err != nil {
		return nil, fmt.Errorf("complete deposit: hash deposit data: %w", err)
	}
	return d, nil
}

// SignWith signs the signing root with fn and completes the deposit.
func (u *Unsigned) SignWith(fn func(root phase0.Root) (*bls.Signature, error)) (*Data, error) {
	sig, err := fn(u.SigningRoot)
	if err != nil {
		return nil, fmt.Errorf("sign deposit: %w", err)
	}
	return u.Complete(sig)
}

// Sign builds and signs a deposit with a single secret key.
func Sign(network *signing.Network, sk *bls.SecretKey, withdrawalCredentials []byte, amount phase0.Gwei) (*Data, error) {
	if sk == nil {
		return nil, fmt.Errorf("sign deposit: %w: nil secret key", ErrInvalidDeposit)
	}
	u, err := NewUnsigned(network, sk.PublicKey(), withdrawalCredentials, amount)
	if err != nil {
		return nil, err
	}
	return u.SignWith(func(root phase0.Root) (*bls.Signature, error) { return sk.Sign(rootBytes(root)), nil })
}

// rootBytes copies a root into a fresh slice (never hand cgo a slice into a
// Go struct).
func rootBytes(r phase0.Root) []byte {
	b := make([]byte, len(r))
	copy(b, r[:])
	return b
}
