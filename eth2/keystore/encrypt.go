package keystore

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// EIP-2335 default KDF parameters.
const (
	DefaultScryptN     = 262144
	DefaultScryptR     = 8
	DefaultScryptP     = 1
	DefaultPBKDF2C     = 262144
	defaultSaltLength  = 32
	controlCharsC0Last = 0x1f
)

// NormalizePassword applies EIP-2335 password processing: NFKD
// normalisation, then removal of the C0 (U+0000–U+001F) and C1
// (U+0080–U+009F) control codes and DEL (U+007F). It returns the UTF-8 bytes
// used as KDF input.
func NormalizePassword(password string) []byte {
	var out bytes.Buffer
	for _, r := range norm.NFKD.String(password) {
		if r <= controlCharsC0Last || (r >= 0x7f && r <= 0x9f) {
			continue
		}
		out.WriteRune(r)
	}
	return out.Bytes()
}

// options configure Encrypt.
type options struct {
	kdf         kdfSpec
	rand        io.Reader
	path        string
	description string
	pubkey      []byte
	hasPubkey   bool
}

// Option configures Encrypt.
type Option func(*options)

// WithScrypt selects scrypt with the given cost parameters (the default is
// scrypt with the EIP-2335 values n=262144, r=8, p=1).
func WithScrypt(n, r, p int) Option {
	return func(o *options) { o.kdf = kdfSpec{function: KDFScrypt, n: n, r: r, p: p} }
}

// WithPBKDF2 selects PBKDF2-HMAC-SHA256 with c iterations (EIP value 262144).
func WithPBKDF2(c int) Option {
	return func(o *options) { o.kdf = kdfSpec{function: KDFPBKDF2, c: c} }
}

// WithRandom sets the source of the salt, IV and UUID (default crypto/rand).
// They are read in that order: 32 bytes of salt, 16 of IV, 16 for the UUID.
func WithRandom(r io.Reader) Option { return func(o *options) { o.rand = r } }

// WithPath sets the EIP-2334 derivation path recorded in the keystore.
func WithPath(path string) Option { return func(o *options) { o.path = path } }

// WithDescription sets the free-text description.
func WithDescription(d string) Option { return func(o *options) { o.description = d } }

// WithPubkey sets the public key recorded in the keystore; use it with
// EncryptSecret (Encrypt always records the key's own public key).
func WithPubkey(pk []byte) Option {
	return func(o *options) { o.pubkey, o.hasPubkey = append([]byte(nil), pk...), true }
}

// Encrypt encrypts a BLS secret key into a keystore recording its public key.
func Encrypt(sk *bls.SecretKey, password string, opts ...Option) (*Keystore, error) {
	if sk == nil {
		return nil, fmt.Errorf("encrypt keystore: %w: secret key", bls.ErrNilInput)
	}
	opts = append(opts, WithPubkey(sk.PublicKey().Bytes()))
	return EncryptSecret(sk.Bytes(), password, opts...)
}

// EncryptSecret encrypts an arbitrary secret (1 to MaxSecretLength bytes).
func EncryptSecret(secret []byte, password string, opts ...Option) (*Keystore, error) {
	o := options{
		kdf:  kdfSpec{function: KDFScrypt, n: DefaultScryptN, r: DefaultScryptR, p: DefaultScryptP},
		rand: rand.Reader,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if len(secret) == 0 || len(secret) > MaxSecretLength {
		return nil, fmt.Errorf("encrypt keystore: secret is %d bytes, want 1 to %d", len(secret), MaxSecretLength)
	}
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("encrypt keystore: %w", err)
	}
	random := make([]byte, defaultSaltLength+ivLen+16)
	if _, err := io.ReadFull(o.rand, random); err != nil {
		return nil, fmt.Errorf("encrypt keystore: read randomness: %w", err)
	}
	o.kdf.salt = random[:defaultSaltLength]
	iv := random[defaultSaltLength : defaultSaltLength+ivLen]
	id, err := uuid.FromBytes(random[defaultSaltLength+ivLen:])
	if err != nil {
		return nil, fmt.Errorf("encrypt keystore: uuid: %w", err)
	}
	id[6] = (id[6] & 0x0f) | 0x40 // version 4
	id[8] = (id[8] & 0x3f) | 0x80 // RFC 4122 variant

	dk, err := o.kdf.deriveKey(NormalizePassword(password))
	if err != nil {
		return nil, fmt.Errorf("encrypt keystore: %w", err)
	}
	ciphertext, err := aesCTR(dk[:16], iv, secret)
	if err != nil {
		return nil, fmt.Errorf("encrypt keystore: %w", err)
	}
	ks := &Keystore{
		Crypto: Crypto{
			KDF:      Module{Function: o.kdf.function, Params: o.kdf.paramsJSON()},
			Checksum: Module{Function: ChecksumSHA256, Params: json.RawMessage(`{}`), Message: hex.EncodeToString(checksum(dk, ciphertext))},
			Cipher:   Module{Function: CipherAES128CTR, Params: mustJSON(CipherParams{IV: hex.EncodeToString(iv)}), Message: hex.EncodeToString(ciphertext)},
		},
		Description: o.description,
		Path:        o.path,
		UUID:        id.String(),
		Version:     keystoreVersion4,
	}
	if o.hasPubkey {
		ks.Pubkey = hex.EncodeToString(o.pubkey)
	}
	if err := ks.Validate(); err != nil {
		return nil, fmt.Errorf("encrypt keystore: %w", err)
	}
	return ks, nil
}

func (o *options) check() error {
	if o.rand == nil {
		return fmt.Errorf("%w: random source", bls.ErrNilInput)
	}
	if o.hasPubkey && len(o.pubkey) != pubkeyLen {
		return invalid("pubkey", "%d bytes, want %d", len(o.pubkey), pubkeyLen)
	}
	if o.path != "" {
		if _, err := ParsePath(o.path); err != nil {
			return invalid("path", "%v", err)
		}
	}
	switch o.kdf.function {
	case KDFScrypt:
		return checkScrypt(o.kdf.n, o.kdf.r, o.kdf.p)
	case KDFPBKDF2:
		return checkPBKDF2(o.kdf.c)
	default:
		return invalid("crypto.kdf.function", "%q", o.kdf.function)
	}
}

func (k kdfSpec) paramsJSON() json.RawMessage {
	salt := hex.EncodeToString(k.salt)
	if k.function == KDFPBKDF2 {
		return mustJSON(PBKDF2Params{DKLen: dkLen, C: k.c, PRF: PRFHMACSHA256, Salt: salt})
	}
	return mustJSON(ScryptParams{DKLen: dkLen, N: k.n, P: k.p, R: k.r, Salt: salt})
}

// mustJSON marshals plain structs of strings and ints, which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("keystore: marshal %T: %v", v, err))
	}
	return b
}

func checksum(dk, ciphertext []byte) []byte {
	h := sha256.New()
	h.Write(dk[16:32])
	h.Write(ciphertext)
	return h.Sum(nil)
}

func aesCTR(key, iv, in []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	out := make([]byte, len(in))
	cipher.NewCTR(block, iv).XORKeyStream(out, in)
	return out, nil
}

// DecryptSecret verifies the password against the checksum and returns the
// decrypted secret. A wrong password returns an error wrapping
// ErrWrongPassword.
func (ks *Keystore) DecryptSecret(password string) ([]byte, error) {
	p, err := ks.parse()
	if err != nil {
		return nil, fmt.Errorf("decrypt keystore: %w", err)
	}
	dk, err := p.kdf.deriveKey(NormalizePassword(password))
	if err != nil {
		return nil, fmt.Errorf("decrypt keystore: %w", err)
	}
	if subtle.ConstantTimeCompare(checksum(dk, p.ciphertext), p.checksum) != 1 {
		return nil, fmt.Errorf("decrypt keystore %s: %w", ks.UUID, ErrWrongPassword)
	}
	secret, err := aesCTR(dk[:16], p.iv, p.ciphertext)
	if err != nil {
		return nil, fmt.Errorf("decrypt keystore: %w", err)
	}
	return secret, nil
}

// Decrypt decrypts a BLS secret key and, when the keystore records a public
// key, checks that it belongs to the decrypted secret.
func (ks *Keystore) Decrypt(password string) (*bls.SecretKey, error) {
	secret, err := ks.DecryptSecret(password)
	if err != nil {
		return nil, err
	}
	sk, err := bls.SecretKeyFromBytes(secret)
	if err != nil {
		return nil, fmt.Errorf("decrypt keystore %s: %w", ks.UUID, err)
	}
	if ks.Pubkey != "" {
		want, _ := ks.PublicKey() // validated by DecryptSecret
		if !bytes.Equal(sk.PublicKey().Bytes(), want) {
			return nil, fmt.Errorf("decrypt keystore %s: %w: pubkey: does not match the decrypted secret key", ks.UUID, ErrInvalidKeystore)
		}
	}
	return sk, nil
}
