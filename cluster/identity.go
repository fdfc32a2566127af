package cluster

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// IdentityFileName is the name of the operator key file inside the data directory.
const IdentityFileName = "operator.key"

// identityFileMode is the permission of the operator key file: owner read/write only.
const identityFileMode fs.FileMode = 0o600

// ErrIdentityExists is returned (wrapped) by CreateIdentity when the data
// directory already holds an operator key; the existing key is left untouched.
var ErrIdentityExists = errors.New("operator identity already exists")

// ErrNoIdentity is returned (wrapped) by LoadIdentity when the data directory
// holds no operator key.
var ErrNoIdentity = errors.New("operator identity not found")

// Identity is an operator's long-lived key: a secp256k1 key whose libp2p
// peer ID names the operator in the cluster.
type Identity struct {
	// Key is the libp2p secp256k1 private key.
	Key crypto.PrivKey
	// PeerID is the libp2p peer ID derived from Key's public key.
	PeerID peer.ID
}

// IdentityPath returns the path of the operator key file in dataDir.
func IdentityPath(dataDir string) string {
	return filepath.Join(dataDir, IdentityFileName)
}

// CreateIdentity generates a new secp256k1 operator key from rand and writes it
// to <dataDir>/operator.key with mode 0600, creating dataDir (mode 0700) if
// needed. It refuses with an error wrapping ErrIdentityExists if the file
// already exists, and never leaves a partially written key file behind.
func CreateIdentity(dataDir string, rand io.Reader) (*Identity, error) {
	if rand == nil {
		return nil, errors.New("create identity: no randomness source")
	}
	path := IdentityPath(dataDir)
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("create identity %s: %w", path, ErrIdentityExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	sk, err := secp256k1.GeneratePrivateKeyFromRand(rand)
	if err != nil {
		return nil, fmt.Errorf("create identity: generate key: %w", err)
	}
	raw := sk.Serialize()
	defer sk.Zero()
	id, err := identityFromRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create identity: create data dir: %w", err)
	}
	content := []byte(hex.EncodeToString(raw) + "\n")
	if err := atomicfile.WriteNew(path, content, identityFileMode); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create identity %s: %w", path, ErrIdentityExists)
		}
		return nil, fmt.Errorf("create identity: %w", err)
	}
	return id, nil
}

// LoadIdentity reads and validates the operator key in dataDir. A missing file
// yields an error wrapping ErrNoIdentity. A key file readable by group or
// others, or whose content is not 64 hex characters of a valid secp256k1
// scalar, is rejected with an error that names the problem.
func LoadIdentity(dataDir string) (*Identity, error) {
	path := IdentityPath(dataDir)
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load identity %s: %w (run `stinger identity create --data-dir %s`)", path, ErrNoIdentity, dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("load identity %s: not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("load identity %s: mode %04o gives access to group or others, expected 0600", path, perm)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	text := bytes.TrimSpace(content)
	if len(text) != 2*secp256k1.PrivKeyBytesLen {
		return nil, fmt.Errorf("load identity %s: content has %d characters, expected %d hex characters", path, len(text), 2*secp256k1.PrivKeyBytesLen)
	}
	raw := make([]byte, secp256k1.PrivKeyBytesLen)
	if _, err := hex.Decode(raw, text); err != nil {
		return nil, fmt.Errorf("load identity %s: content is not hex: %w", path, err)
	}
	id, err := identityFromRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("load identity %s: %w", path, err)
	}
	return id, nil
}

// PublicKeyHex returns the 33-byte compressed secp256k1 public key as 0x-prefixed hex.
func (i *Identity) PublicKeyHex() string {
	raw, err := i.Key.GetPublic().Raw()
	if err != nil {
		// Secp256k1 public keys always serialise; an error means a foreign key type.
		return ""
	}
	return "0x" + hex.EncodeToString(raw)
}

// identityFromRaw validates a 32-byte big-endian scalar (non-zero, below the
// group order) and derives the libp2p key and peer ID from it.
func identityFromRaw(raw []byte) (*Identity, error) {
	if len(raw) != secp256k1.PrivKeyBytesLen {
		return nil, fmt.Errorf("key is %d bytes, expected %d", len(raw), secp256k1.PrivKeyBytesLen)
	}
	var s secp256k1.ModNScalar
	if overflow := s.SetByteSlice(raw); overflow {
		return nil, errors.New("key is not below the secp256k1 group order")
	}
	if s.IsZero() {
		return nil, errors.New("key is zero")
	}
	s.Zero()
	key, err := crypto.UnmarshalSecp256k1PrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("decode key: %w", err)
	}
	pid, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("derive peer ID: %w", err)
	}
	return &Identity{Key: key, PeerID: pid}, nil
}
