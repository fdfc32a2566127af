package bls

/*
// mclBnG2_mulCT is in herumi's library (include/mcl/bn.h), which its Go package links but does not wrap:
// z = x * y in constant time, as herumi's own blsSign multiplies the hashed message by the secret key.
// Declared with untyped pointers so that this file needs none of herumi's headers.
void mclBnG2_mulCT(void *z, const void *x, const void *y);
*/
import "C"

import (
	"fmt"
	"unsafe"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// HashedMessage is a message hashed to G2 (hash_to_curve with the ciphersuite DST), to be signed by
// many keys: hashing is about half of a signature's cost, and every validator of a slot signs the same
// attestation data, every sync committee member the same block root. It is immutable and safe for
// concurrent use.
type HashedMessage struct {
	h herumi.G2
}

// HashMessage hashes msg to G2 once for SignHashed.
func HashMessage(msg []byte) (*HashedMessage, error) {
	lib()
	h, ok := hashToG2(msg)
	if !ok {
		return nil, fmt.Errorf("hash message to G2: %w", ErrInvalidPoint)
	}
	return &HashedMessage{h: h}, nil
}

// SignHashed signs the message m was hashed from: sk.SignHashed(HashMessage(msg)) equals sk.Sign(msg).
// The multiplication by the secret key runs in constant time, as in Sign.
func (sk *SecretKey) SignHashed(m *HashedMessage) *Signature {
	lib()
	// HashedMessage and SecretKey hold plain C-layout values and no Go pointers: cgo may see them.
	var out herumi.G2
	C.mclBnG2_mulCT(unsafe.Pointer(&out), unsafe.Pointer(&m.h), unsafe.Pointer(herumi.CastFromSecretKey(&sk.k)))
	return &Signature{s: *herumi.CastToSign(&out)}
}
