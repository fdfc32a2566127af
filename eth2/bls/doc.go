// Package bls implements BLS12-381 signatures for Ethereum consensus (the
// "POP" ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_: public keys
// in G1, signatures in G2) and threshold BLS on top of them, backed by
// herumi/bls-eth-go-binary in Ethereum mode.
//
// What the package promises:
//
//   - Strict decoding. PublicKeyFromBytes and SignatureFromBytes accept only
//     the canonical 48- and 96-byte compressed encodings of points that are on
//     the curve and in the prime-order subgroup; they reject wrong lengths,
//     a missing compression flag, malformed infinity encodings, coordinates
//     >= p and, for public keys and by default for signatures, the point at
//     infinity. Every accepted encoding round-trips byte for byte. Errors wrap
//     the sentinel errors of this package so callers can tell why.
//   - Sign, Verify, Aggregate, FastAggregateVerify and AggregateVerify behave
//     as the Ethereum consensus specification and pass every case of the
//     ethereum/bls12-381-tests vectors (see testdata/SOURCE.txt).
//   - BatchVerify checks many (public key, message, signature) triples at once
//     with a random linear combination drawn from an injected io.Reader (one
//     hash and one Miller loop per distinct message, one final
//     exponentiation), and FindInvalid pinpoints the bad triples of a failing
//     batch by bisection. Large batches use up to GOMAXPROCS goroutines, all
//     joined before the call returns.
//   - Threshold BLS: Split shares a secret with a random polynomial of degree
//     t-1 (share indices 1..n, never 0), each share signs as an ordinary key
//     (a partial signature), and RecoverSignature, RecoverPublicKey and
//     RecoverSecret interpolate any t shares at x = 0.
//
// Where the checks live: the framing checks (length, flags, infinity,
// coordinates < p) are explicit in this package; the on-curve check is
// herumi's, and the subgroup check is herumi's with VerifyPublicKeyOrder and
// VerifySignatureOrder switched on at initialisation (without them herumi
// accepts points outside the subgroup, as the not_in_G1/G2 vectors show).
//
// The herumi library is initialised once, on first use, by a sync.Once inside
// the package; there is no init function and no other package-level state.
// All types are immutable after construction and safe for concurrent use.
package bls
