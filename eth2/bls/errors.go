package bls

import "errors"

// Sentinel errors wrapped by the functions of this package.
var (
	// ErrLength means an encoding has the wrong number of bytes.
	ErrLength = errors.New("wrong length")
	// ErrEncoding means the flag bits or coordinates of a compressed point are
	// not the canonical encoding (compression flag unset, malformed infinity,
	// coordinate not less than the field modulus).
	ErrEncoding = errors.New("non-canonical point encoding")
	// ErrInfinity means the encoding is the canonical point at infinity, which
	// is not a valid public key (KeyValidate) nor, by default, a valid signature.
	ErrInfinity = errors.New("point at infinity")
	// ErrInvalidPoint means the point is not on the curve or not in the
	// prime-order subgroup.
	ErrInvalidPoint = errors.New("point not on curve or not in subgroup")
	// ErrInvalidSecretKey means a secret key scalar is zero or not less than
	// the group order r.
	ErrInvalidSecretKey = errors.New("invalid secret key")
	// ErrEmpty means an operation that needs at least one input got none.
	ErrEmpty = errors.New("no inputs")
	// ErrNilInput means a nil key, signature or message was passed.
	ErrNilInput = errors.New("nil input")
	// ErrThreshold means threshold parameters or share sets are inconsistent
	// (t out of range, too few shares, duplicate or zero indices).
	ErrThreshold = errors.New("invalid threshold parameters")
)
