package keystore

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"
)

// Limits on keystore contents. Scrypt's memory use is 128*n*r*p bytes.
const (
	// MaxKeystoreSize bounds the JSON document accepted by Decode and ReadFile.
	MaxKeystoreSize = 64 << 10
	// MaxScryptMemory bounds 128*n*r*p (1 GiB; the EIP default uses 256 MiB).
	MaxScryptMemory = 1 << 30
	// MaxScryptR and MaxScryptP bound scrypt's block size and parallelism.
	MaxScryptR = 32
	MaxScryptP = 16
	// MaxPBKDF2Iterations bounds PBKDF2's c (the EIP default is 262144).
	MaxPBKDF2Iterations = 1 << 24
	// MaxSaltLength and MaxSecretLength bound the salt and the ciphertext.
	MaxSaltLength   = 1024
	MaxSecretLength = 1024
	dkLen           = 32
	ivLen           = 16
	pubkeyLen       = 48
)

// KDF, cipher and checksum function names (EIP-2335).
const (
	KDFScrypt        = "scrypt"
	KDFPBKDF2        = "pbkdf2"
	CipherAES128CTR  = "aes-128-ctr"
	ChecksumSHA256   = "sha256"
	PRFHMACSHA256    = "hmac-sha256"
	keystoreVersion4 = 4
)

// Sentinel errors.
var (
	// ErrWrongPassword means the checksum did not match: the password is wrong
	// (or the keystore was tampered with).
	ErrWrongPassword = errors.New("wrong password: keystore checksum mismatch")
	// ErrInvalidKeystore wraps every structural or parameter problem.
	ErrInvalidKeystore = errors.New("invalid keystore")
)

// Keystore is an EIP-2335 keystore as stored in JSON.
type Keystore struct {
	Crypto      Crypto `json:"crypto"`
	Description string `json:"description"`
	// Pubkey is the hex (no 0x) 48-byte BLS public key; may be empty.
	Pubkey string `json:"pubkey"`
	// Path is the EIP-2334 derivation path; empty for keys not derived from a seed.
	Path    string `json:"path"`
	UUID    string `json:"uuid"`
	Version int    `json:"version"`
	// Name is an optional label some tools write; kept when present.
	Name string `json:"name,omitempty"`
}

// Crypto is the keystore's crypto section.
type Crypto struct {
	KDF      Module `json:"kdf"`
	Checksum Module `json:"checksum"`
	Cipher   Module `json:"cipher"`
}

// Module is one of the kdf, checksum and cipher modules.
type Module struct {
	Function string          `json:"function"`
	Params   json.RawMessage `json:"params"`
	Message  string          `json:"message"`
}

// ScryptParams are the kdf params for function "scrypt".
type ScryptParams struct {
	DKLen int    `json:"dklen"`
	N     int    `json:"n"`
	P     int    `json:"p"`
	R     int    `json:"r"`
	Salt  string `json:"salt"`
}

// PBKDF2Params are the kdf params for function "pbkdf2".
type PBKDF2Params struct {
	DKLen int    `json:"dklen"`
	C     int    `json:"c"`
	PRF   string `json:"prf"`
	Salt  string `json:"salt"`
}

// CipherParams are the cipher params for "aes-128-ctr".
type CipherParams struct {
	IV string `json:"iv"`
}

// parsed holds the decoded binary contents of a validated keystore.
type parsed struct {
	kdf        kdfSpec
	checksum   []byte
	iv         []byte
	ciphertext []byte
	pubkey     []byte
}

func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidKeystore, field, fmt.Sprintf(format, args...))
}

// Decode parses a keystore strictly (no unknown fields, no trailing data) and
// validates it.
func Decode(data []byte) (*Keystore, error) {
	if len(data) > MaxKeystoreSize {
		return nil, fmt.Errorf("decode keystore: %w: %d bytes, at most %d", ErrInvalidKeystore, len(data), MaxKeystoreSize)
	}
	var ks Keystore
	if err := strictUnmarshal(data, &ks); err != nil {
		return nil, fmt.Errorf("decode keystore: %w: %w", ErrInvalidKeystore, err)
	}
	if err := ks.Validate(); err != nil {
		return nil, fmt.Errorf("decode keystore: %w", err)
	}
	return &ks, nil
}

// Encode returns the keystore as indented JSON.
func (ks *Keystore) Encode() ([]byte, error) {
	if err := ks.Validate(); err != nil {
		return nil, fmt.Errorf("encode keystore: %w", err)
	}
	out, err := json.MarshalIndent(ks, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode keystore: %w", err)
	}
	return append(out, '\n'), nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// Validate checks the keystore's structure and parameters.
func (ks *Keystore) Validate() error {
	_, err := ks.parse()
	return err
}

// PublicKey returns the decoded pubkey field (nil if empty).
func (ks *Keystore) PublicKey() ([]byte, error) {
	p, err := ks.parse()
	if err != nil {
		return nil, err
	}
	return p.pubkey, nil
}

func (ks *Keystore) parse() (*parsed, error) {
	if ks.Version != keystoreVersion4 {
		return nil, invalid("version", "%d, want 4", ks.Version)
	}
	if _, err := uuid.Parse(ks.UUID); err != nil || len(ks.UUID) != 36 {
		return nil, invalid("uuid", "%q is not a canonical UUID", ks.UUID)
	}
	if ks.Path != "" {
		if _, err := ParsePath(ks.Path); err != nil {
			return nil, invalid("path", "%v", err)
		}
	}
	var p parsed
	var err error
	if ks.Pubkey != "" {
		if p.pubkey, err = decodeHex(ks.Pubkey, pubkeyLen, pubkeyLen); err != nil {
			return nil, invalid("pubkey", "%v", err)
		}
	}
	if p.kdf, err = parseKDF(ks.Crypto.KDF); err != nil {
		return nil, err
	}
	if err := p.parseChecksum(ks.Crypto.Checksum); err != nil {
		return nil, err
	}
	if err := p.parseCipher(ks.Crypto.Cipher); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *parsed) parseChecksum(m Module) error {
	if m.Function != ChecksumSHA256 {
		return invalid("crypto.checksum.function", "%q, want %q", m.Function, ChecksumSHA256)
	}
	var params struct{}
	if err := strictParams(m.Params, &params); err != nil {
		return invalid("crypto.checksum.params", "%v (want {})", err)
	}
	var err error
	if p.checksum, err = decodeHex(m.Message, 32, 32); err != nil {
		return invalid("crypto.checksum.message", "%v", err)
	}
	return nil
}

func (p *parsed) parseCipher(m Module) error {
	if m.Function != CipherAES128CTR {
		return invalid("crypto.cipher.function", "%q, want %q", m.Function, CipherAES128CTR)
	}
	var params CipherParams
	if err := strictParams(m.Params, &params); err != nil {
		return invalid("crypto.cipher.params", "%v", err)
	}
	var err error
	if p.iv, err = decodeHex(params.IV, ivLen, ivLen); err != nil {
		return invalid("crypto.cipher.params.iv", "%v", err)
	}
	if p.ciphertext, err = decodeHex(m.Message, 1, MaxSecretLength); err != nil {
		return invalid("crypto.cipher.message", "%v", err)
	}
	return nil
}

func strictParams(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return errors.New("missing")
	}
	return strictUnmarshal(raw, v)
}

// decodeHex decodes hex with an optional 0x prefix and checks its length.
func decodeHex(s string, minLen, maxLen int) ([]byte, error) {
	s = strings.TrimPrefix(s, "0x")
	if len(s) > 2*maxLen {
		return nil, fmt.Errorf("%d hex characters, at most %d", len(s), 2*maxLen)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not hex: %w", err)
	}
	if len(b) < minLen {
		if minLen == maxLen {
			return nil, fmt.Errorf("%d bytes, want %d", len(b), minLen)
		}
		return nil, fmt.Errorf("%d bytes, want at least %d", len(b), minLen)
	}
	return b, nil
}
