// Package keystore implements EIP-2335 BLS keystores and EIP-2333/EIP-2334
// hierarchical key derivation.
//
// Keystores are encrypted with AES-128-CTR under a key derived by scrypt or
// PBKDF2-HMAC-SHA256 from the NFKD-normalised password with control codes
// removed; the checksum sha256(DK[16:32] || ciphertext) detects a wrong
// password, reported as ErrWrongPassword before anything is decrypted.
//
// Parsing is strict: version 4 only, known kdf/cipher/checksum functions, no
// unknown fields, and limits on every parameter (scrypt memory, iteration
// counts, salt and ciphertext sizes), so a hostile file can neither crash the
// parser nor make it allocate gigabytes. Encrypt enforces the same limits, so
// it never writes a keystore this package would refuse to read.
//
// WriteFile stores a keystore with mode 0600 atomically and never replaces an
// existing file; ReadFile reads one back.
//
// EIP-2333 derivation uses math/big, which is not constant time: derive keys
// on a trusted machine (key import and tests), not on a hot signing path.
package keystore
