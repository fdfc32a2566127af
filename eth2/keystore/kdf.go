package keystore

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"fmt"
	"math/bits"

	"golang.org/x/crypto/scrypt"
)

// kdfSpec is a validated key-derivation configuration.
type kdfSpec struct {
	function string
	n, r, p  int // scrypt
	c        int // pbkdf2
	salt     []byte
}

func parseKDF(m Module) (kdfSpec, error) {
	if m.Message != "" {
		return kdfSpec{}, invalid("crypto.kdf.message", "must be empty")
	}
	switch m.Function {
	case KDFScrypt:
		var sp ScryptParams
		if err := strictParams(m.Params, &sp); err != nil {
			return kdfSpec{}, invalid("crypto.kdf.params", "%v", err)
		}
		if sp.DKLen != dkLen {
			return kdfSpec{}, invalid("crypto.kdf.params.dklen", "%d, want %d", sp.DKLen, dkLen)
		}
		salt, err := decodeHex(sp.Salt, 1, MaxSaltLength)
		if err != nil {
			return kdfSpec{}, invalid("crypto.kdf.params.salt", "%v", err)
		}
		k := kdfSpec{function: KDFScrypt, n: sp.N, r: sp.R, p: sp.P, salt: salt}
		return k, checkScrypt(k.n, k.r, k.p)
	case KDFPBKDF2:
		var pp PBKDF2Params
		if err := strictParams(m.Params, &pp); err != nil {
			return kdfSpec{}, invalid("crypto.kdf.params", "%v", err)
		}
		if pp.DKLen != dkLen {
			return kdfSpec{}, invalid("crypto.kdf.params.dklen", "%d, want %d", pp.DKLen, dkLen)
		}
		if pp.PRF != PRFHMACSHA256 {
			return kdfSpec{}, invalid("crypto.kdf.params.prf", "%q, want %q", pp.PRF, PRFHMACSHA256)
		}
		salt, err := decodeHex(pp.Salt, 1, MaxSaltLength)
		if err != nil {
			return kdfSpec{}, invalid("crypto.kdf.params.salt", "%v", err)
		}
		k := kdfSpec{function: KDFPBKDF2, c: pp.C, salt: salt}
		return k, checkPBKDF2(k.c)
	default:
		return kdfSpec{}, invalid("crypto.kdf.function", "%q, want %q or %q", m.Function, KDFScrypt, KDFPBKDF2)
	}
}

func checkScrypt(n, r, p int) error {
	if n < 2 || bits.OnesCount(uint(n)) != 1 {
		return invalid("crypto.kdf.params.n", "%d must be a power of two >= 2", n)
	}
	if r < 1 || r > MaxScryptR {
		return invalid("crypto.kdf.params.r", "%d must be in [1, %d]", r, MaxScryptR)
	}
	if p < 1 || p > MaxScryptP {
		return invalid("crypto.kdf.params.p", "%d must be in [1, %d]", p, MaxScryptP)
	}
	if mem := uint64(128) * uint64(n) * uint64(r) * uint64(p); n > MaxScryptMemory || mem > MaxScryptMemory {
		return invalid("crypto.kdf.params.n", "scrypt needs %d bytes (128*n*r*p), at most %d allowed", mem, MaxScryptMemory)
	}
	return nil
}

func checkPBKDF2(c int) error {
	if c < 1 || c > MaxPBKDF2Iterations {
		return invalid("crypto.kdf.params.c", "%d must be in [1, %d]", c, MaxPBKDF2Iterations)
	}
	return nil
}

// deriveKey runs the KDF on the processed password.
func (k kdfSpec) deriveKey(password []byte) ([]byte, error) {
	switch k.function {
	case KDFScrypt:
		dk, err := scrypt.Key(password, k.salt, k.n, k.r, k.p, dkLen)
		if err != nil {
			return nil, fmt.Errorf("scrypt: %w", err)
		}
		return dk, nil
	case KDFPBKDF2:
		dk, err := pbkdf2.Key(sha256.New, string(password), k.salt, k.c, dkLen)
		if err != nil {
			return nil, fmt.Errorf("pbkdf2: %w", err)
		}
		return dk, nil
	default:
		return nil, invalid("crypto.kdf.function", "%q", k.function)
	}
}
