package duties

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// Voluntary exits are signed outside the slot pipeline (`stinger exit sign` / `stinger exit broadcast`):
// each operator signs the exit with its share (SignExitPartial), the partials are gathered (over p2p or as
// files), CombineExit verifies each against its operator's public share and recovers the group signature,
// SaveExit stores it, and BroadcastExit submits it to every beacon node.

// ErrExitMismatch: partial exits that are not all for the same exit message.
var ErrExitMismatch = errors.New("partial exits are for different exit messages")

// PartialExit is one operator's signature share of a voluntary exit (JSON, for files and the CLI).
type PartialExit struct {
	// Exit is the exit message (epoch and validator index).
	Exit *phase0.VoluntaryExit `json:"message"`
	// PublicKey is the validator's group public key.
	PublicKey phase0.BLSPubKey `json:"public_key"`
	// ShareIndex is the signer's share index (operator index + 1).
	ShareIndex uint64 `json:"share_index"`
	// Signature is the partial signature.
	Signature phase0.BLSSignature `json:"signature"`
}

// ExitSigningRoot is the exit's signing root as a chain at currentEpoch verifies it (EIP-7044: from Deneb on
// always the Capella domain).
func ExitSigningRoot(network *signing.Network, currentEpoch phase0.Epoch, exit *phase0.VoluntaryExit) (phase0.Root, error) {
	domain, err := network.ExitDomain(currentEpoch, exit.Epoch)
	if err != nil {
		return phase0.Root{}, fmt.Errorf("exit domain: %w", err)
	}
	root, err := signing.ComputeSigningRoot(exit, domain)
	if err != nil {
		return phase0.Root{}, fmt.Errorf("exit signing root: %w", err)
	}
	return root, nil
}

// SignExitPartial signs exit with an operator's share of the validator pubkey.
func SignExitPartial(network *signing.Network, currentEpoch phase0.Epoch, exit *phase0.VoluntaryExit,
	pubkey phase0.BLSPubKey, operatorIndex int, share *bls.SecretKey,
) (*PartialExit, error) {
	root, err := ExitSigningRoot(network, currentEpoch, exit)
	if err != nil {
		return nil, err
	}
	p := &PartialExit{Exit: exit, PublicKey: pubkey, ShareIndex: uint64(operatorIndex) + 1}
	copy(p.Signature[:], share.Sign(root[:]).Bytes())
	return p, nil
}

// CombineExit checks every partial against its operator's public share in the lock, and recovers and
// verifies the group signature from the lock's threshold of valid ones. Invalid partials are named in the
// error only if too few valid ones remain.
func CombineExit(lock *cluster.Lock, network *signing.Network, currentEpoch phase0.Epoch, partials []*PartialExit) (
	*phase0.SignedVoluntaryExit, error,
) {
	if len(partials) == 0 {
		return nil, errors.New("combine exit: no partial signatures")
	}
	first := partials[0]
	v, err := lockValidator(lock, first.PublicKey)
	if err != nil {
		return nil, err
	}
	root, err := ExitSigningRoot(network, currentEpoch, first.Exit)
	if err != nil {
		return nil, err
	}
	valid := map[uint64]*bls.Signature{}
	var problems []error
	for i, p := range partials {
		if p.Exit == nil || *p.Exit != *first.Exit || p.PublicKey != first.PublicKey {
			return nil, fmt.Errorf("combine exit: partial %d: %w", i, ErrExitMismatch)
		}
		if p.ShareIndex < 1 || p.ShareIndex > uint64(len(v.PublicShares)) {
			problems = append(problems, fmt.Errorf("partial %d: share index %d out of range", i, p.ShareIndex))
			continue
		}
		share, err := decodePublicKey(v.PublicShares[p.ShareIndex-1])
		if err != nil {
			return nil, fmt.Errorf("combine exit: lock public share %d: %w", p.ShareIndex, err)
		}
		sig, err := bls.SignatureFromBytes(append([]byte(nil), p.Signature[:]...))
		if err != nil || !bls.VerifyPartial(share, root[:], sig) {
			problems = append(problems, fmt.Errorf("partial %d from share %d does not verify", i, p.ShareIndex))
			continue
		}
		valid[p.ShareIndex] = sig
	}
	t := lock.Definition.Threshold
	if len(valid) < t {
		return nil, fmt.Errorf("combine exit: %d valid partials, need %d: %w", len(valid), t, errors.Join(problems...))
	}
	sig, err := bls.RecoverSignatureThreshold(valid, t)
	if err != nil {
		return nil, fmt.Errorf("combine exit: %w", err)
	}
	group, err := decodePublicKey(v.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("combine exit: lock public key: %w", err)
	}
	if !sig.Verify(group, root[:]) {
		return nil, errors.New("combine exit: recovered signature does not verify against the validator key")
	}
	out := &phase0.SignedVoluntaryExit{Message: first.Exit}
	copy(out.Signature[:], sig.Bytes())
	return out, nil
}

func lockValidator(lock *cluster.Lock, pk phase0.BLSPubKey) (*cluster.DistributedValidator, error) {
	want := fmt.Sprintf("%#x", pk[:])
	for i := range lock.Validators {
		if lock.Validators[i].PublicKey == want {
			return &lock.Validators[i], nil
		}
	}
	return nil, fmt.Errorf("validator %s is not in the cluster lock", want)
}

func decodePublicKey(s string) (*bls.PublicKey, error) {
	b, err := decodeHex(s)
	if err != nil {
		return nil, err
	}
	return bls.PublicKeyFromBytes(b)
}

// SaveExit writes a signed exit as JSON with mode 0600, refusing to overwrite a file.
func SaveExit(path string, exit *phase0.SignedVoluntaryExit) error {
	b, err := json.MarshalIndent(exit, "", "  ")
	if err != nil {
		return fmt.Errorf("encode exit: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create exit directory: %w", err)
	}
	if err := atomicfile.WriteNew(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save exit: %w", err)
	}
	return nil
}

// LoadExit reads a signed exit written by SaveExit.
func LoadExit(path string) (*phase0.SignedVoluntaryExit, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read exit file: %w", err)
	}
	var exit phase0.SignedVoluntaryExit
	if err := json.Unmarshal(b, &exit); err != nil {
		return nil, fmt.Errorf("decode exit file %s: %w", path, err)
	}
	if exit.Message == nil {
		return nil, fmt.Errorf("decode exit file %s: no message", path)
	}
	return &exit, nil
}

// ExitSubmitter is what BroadcastExit needs (beacon.Pool submits to every node).
type ExitSubmitter interface {
	SubmitVoluntaryExit(ctx context.Context, exit *phase0.SignedVoluntaryExit) error
}

// BroadcastExit submits a signed exit to the beacon nodes.
func BroadcastExit(ctx context.Context, bn ExitSubmitter, exit *phase0.SignedVoluntaryExit) error {
	if err := bn.SubmitVoluntaryExit(ctx, exit); err != nil {
		return fmt.Errorf("broadcast exit of validator %d: %w", exit.Message.ValidatorIndex, err)
	}
	return nil
}
