package keystore

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// EIP-2333 parameters.
const (
	// MinSeedLength is the shortest seed DeriveMasterSK accepts (EIP-2333).
	MinSeedLength = 32
	// LamportChunks is the number of 32-byte chunks in one Lamport half key.
	LamportChunks = 255
	hkdfModRL     = 48 // ceil((3 * ceil(log2(r))) / 16)
)

// ErrInvalidPath reports a malformed EIP-2334 derivation path.
var ErrInvalidPath = errors.New("invalid derivation path")

// blsOrder is r, the BLS12-381 subgroup order.
func blsOrder() *big.Int {
	r, _ := new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)
	return r
}

// hkdfModR is HKDF_mod_r(IKM, key_info = "") from EIP-2333: it hashes the
// salt until the output reduced modulo r is non-zero.
func hkdfModR(ikm []byte) (*big.Int, error) {
	r := blsOrder()
	salt := []byte("BLS-SIG-KEYGEN-SALT-")
	ikmZero := append(append([]byte{}, ikm...), 0) // IKM || I2OSP(0, 1)
	info := string([]byte{0, hkdfModRL})           // key_info || I2OSP(L, 2)
	for {
		h := sha256.Sum256(salt)
		salt = h[:]
		prk, err := hkdf.Extract(sha256.New, ikmZero, salt)
		if err != nil {
			return nil, fmt.Errorf("hkdf extract: %w", err)
		}
		okm, err := hkdf.Expand(sha256.New, prk, info, hkdfModRL)
		if err != nil {
			return nil, fmt.Errorf("hkdf expand: %w", err)
		}
		sk := new(big.Int).SetBytes(okm)
		sk.Mod(sk, r)
		if sk.Sign() != 0 {
			return sk, nil
		}
	}
}

// DeriveMasterSK is derive_master_SK(seed) from EIP-2333. The seed must be at
// least 32 bytes (e.g. a BIP-39 seed).
func DeriveMasterSK(seed []byte) (*big.Int, error) {
	if len(seed) < MinSeedLength {
		return nil, fmt.Errorf("derive master key: seed is %d bytes, want at least %d", len(seed), MinSeedLength)
	}
	sk, err := hkdfModR(seed)
	if err != nil {
		return nil, fmt.Errorf("derive master key: %w", err)
	}
	return sk, nil
}

// IKMToLamportSK is IKM_to_lamport_SK(IKM, salt) from EIP-2333: 255 chunks of
// 32 bytes of HKDF output.
func IKMToLamportSK(ikm, salt []byte) ([LamportChunks][32]byte, error) {
	var out [LamportChunks][32]byte
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return out, fmt.Errorf("hkdf extract: %w", err)
	}
	okm, err := hkdf.Expand(sha256.New, prk, "", 32*LamportChunks)
	if err != nil {
		return out, fmt.Errorf("hkdf expand: %w", err)
	}
	for i := range out {
		copy(out[i][:], okm[32*i:])
	}
	return out, nil
}

// ParentSKToLamportPK is parent_SK_to_lamport_PK(parent_SK, index) from
// EIP-2333: the compressed Lamport public key of the parent for that index.
func ParentSKToLamportPK(parent *big.Int, index uint32) ([32]byte, error) {
	if err := checkScalar(parent); err != nil {
		return [32]byte{}, err
	}
	salt := []byte{byte(index >> 24), byte(index >> 16), byte(index >> 8), byte(index)}
	ikm := parent.FillBytes(make([]byte, 32))
	notIKM := make([]byte, 32)
	for i, b := range ikm {
		notIKM[i] = ^b
	}
	l0, err := IKMToLamportSK(ikm, salt)
	if err != nil {
		return [32]byte{}, err
	}
	l1, err := IKMToLamportSK(notIKM, salt)
	if err != nil {
		return [32]byte{}, err
	}
	h := sha256.New()
	for _, half := range [][LamportChunks][32]byte{l0, l1} {
		for _, chunk := range half {
			c := sha256.Sum256(chunk[:])
			h.Write(c[:])
		}
	}
	var pk [32]byte
	copy(pk[:], h.Sum(nil))
	return pk, nil
}

// DeriveChildSK is derive_child_SK(parent_SK, index) from EIP-2333.
func DeriveChildSK(parent *big.Int, index uint32) (*big.Int, error) {
	lamportPK, err := ParentSKToLamportPK(parent, index)
	if err != nil {
		return nil, fmt.Errorf("derive child key %d: %w", index, err)
	}
	sk, err := hkdfModR(lamportPK[:])
	if err != nil {
		return nil, fmt.Errorf("derive child key %d: %w", index, err)
	}
	return sk, nil
}

func checkScalar(sk *big.Int) error {
	if sk == nil || sk.Sign() <= 0 || sk.Cmp(blsOrder()) >= 0 {
		return fmt.Errorf("parent key: %w", bls.ErrInvalidSecretKey)
	}
	return nil
}

// ParsePath parses an EIP-2334 path such as "m/12381/3600/0/0/0" into its
// indices (the leading "m" excluded).
func ParsePath(path string) ([]uint32, error) {
	parts := strings.Split(path, "/")
	if parts[0] != "m" {
		return nil, fmt.Errorf("%w: %q must start with \"m\"", ErrInvalidPath, path)
	}
	idx := make([]uint32, 0, len(parts)-1)
	for i, p := range parts[1:] {
		if p == "" || (len(p) > 1 && p[0] == '0') {
			return nil, fmt.Errorf("%w: %q: component %d %q is not a canonical decimal", ErrInvalidPath, path, i+1, p)
		}
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: component %d %q is not a uint32", ErrInvalidPath, path, i+1, p)
		}
		idx = append(idx, uint32(v))
	}
	return idx, nil
}

// DerivePath derives the secret scalar at an EIP-2334 path from a seed.
func DerivePath(seed []byte, path string) (*big.Int, error) {
	indices, err := ParsePath(path)
	if err != nil {
		return nil, err
	}
	sk, err := DeriveMasterSK(seed)
	if err != nil {
		return nil, err
	}
	for _, i := range indices {
		if sk, err = DeriveChildSK(sk, i); err != nil {
			return nil, fmt.Errorf("derive %s: %w", path, err)
		}
	}
	return sk, nil
}

// DeriveSecretKey derives the BLS secret key at an EIP-2334 path from a seed.
func DeriveSecretKey(seed []byte, path string) (*bls.SecretKey, error) {
	sk, err := DerivePath(seed, path)
	if err != nil {
		return nil, err
	}
	key, err := bls.SecretKeyFromBytes(sk.FillBytes(make([]byte, 32)))
	if err != nil {
		return nil, fmt.Errorf("derive %s: %w", path, err)
	}
	return key, nil
}

// ValidatorKeyPath is the EIP-2334 signing key path of validator i:
// m/12381/3600/i/0/0.
func ValidatorKeyPath(i uint32) string {
	return fmt.Sprintf("m/12381/3600/%d/0/0", i)
}

// WithdrawalKeyPath is the EIP-2334 withdrawal key path of validator i:
// m/12381/3600/i/0.
func WithdrawalKeyPath(i uint32) string {
	return fmt.Sprintf("m/12381/3600/%d/0", i)
}
