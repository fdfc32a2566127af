package bls

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// herumi offers a custom hash-to-curve DST only through the process-global
// mclBnG2_setDst, and that setter silently keeps just the first 43 bytes (the
// length of the POP ciphersuite DST); the RFC 9380 test DST has 50. So the
// hash_to_G2 vectors are run through HashToG2WithDST below: hash_to_field is
// done here in Go (expand_message_xmd with SHA-256, RFC 9380 section 5.3.1)
// and herumi does the rest (MapToG2 = SSWU map, 3-isogeny and cofactor
// clearing; clearing is linear, so P = MapToG2(u0) + MapToG2(u1)).
// TestHashToG2MatchesHerumi proves that this construction equals herumi's own
// hash (used by Sign) under the ciphersuite DST.

// HashToG2WithDST hashes msg to G2 under dst (RFC 9380
// BLS12381G2_XMD:SHA-256_SSWU_RO_) and returns the affine coordinates
// x = x0 + x1*u, y = y0 + y1*u, each 48 bytes big-endian.
func HashToG2WithDST(msg []byte, dst string) (x0, x1, y0, y1 []byte, err error) {
	p, err := hashToG2WithDST(msg, []byte(dst))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	herumi.G2Normalize(&p, &p)
	return p.X.D[0].Serialize(), p.X.D[1].Serialize(), p.Y.D[0].Serialize(), p.Y.D[1].Serialize(), nil
}

// HashToG2MatchesHerumi reports whether hashToG2WithDST with the ciphersuite
// DST equals herumi's built-in hash of msg, and returns both encodings.
func HashToG2MatchesHerumi(msg []byte) (ours, theirs []byte, err error) {
	p, err := hashToG2WithDST(msg, []byte(DST))
	if err != nil {
		return nil, nil, err
	}
	h, ok := hashToG2(msg)
	if !ok {
		return nil, nil, errors.New("herumi hash failed")
	}
	return herumi.CastToSign(&p).Serialize(), herumi.CastToSign(&h).Serialize(), nil
}

func hashToG2WithDST(msg, dst []byte) (herumi.G2, error) {
	l := lib()
	uniform, err := expandMessageXMD(msg, dst, 256)
	if err != nil {
		return herumi.G2{}, err
	}
	var e [4]herumi.Fp
	for i := range e {
		v := new(big.Int).SetBytes(uniform[i*64 : (i+1)*64])
		v.Mod(v, l.p)
		if err := e[i].SetString(v.String(), 10); err != nil {
			return herumi.G2{}, fmt.Errorf("set field element: %w", err)
		}
	}
	var q0, q1 herumi.G2
	if err := herumi.MapToG2(&q0, &herumi.Fp2{D: [2]herumi.Fp{e[0], e[1]}}); err != nil {
		return herumi.G2{}, fmt.Errorf("map u0: %w", err)
	}
	if err := herumi.MapToG2(&q1, &herumi.Fp2{D: [2]herumi.Fp{e[2], e[3]}}); err != nil {
		return herumi.G2{}, fmt.Errorf("map u1: %w", err)
	}
	var p herumi.G2
	herumi.G2Add(&p, &q0, &q1)
	return p, nil
}

// expandMessageXMD is RFC 9380 section 5.3.1 with SHA-256.
func expandMessageXMD(msg, dst []byte, n int) ([]byte, error) {
	const bInBytes, rInBytes = 32, 64
	ell := (n + bInBytes - 1) / bInBytes
	if ell > 255 || n > 65535 || len(dst) > 255 {
		return nil, errors.New("expand_message_xmd: parameters out of range")
	}
	dstPrime := append(bytes.Clone(dst), byte(len(dst)))
	h := sha256.New()
	h.Write(make([]byte, rInBytes))
	h.Write(msg)
	h.Write([]byte{byte(n >> 8), byte(n), 0})
	h.Write(dstPrime)
	b0 := h.Sum(nil)
	h.Reset()
	h.Write(b0)
	h.Write([]byte{1})
	h.Write(dstPrime)
	bi := h.Sum(nil)
	out := bytes.Clone(bi)
	for i := 2; i <= ell; i++ {
		x := make([]byte, bInBytes)
		for j := range x {
			x[j] = b0[j] ^ bi[j]
		}
		h.Reset()
		h.Write(x)
		h.Write([]byte{byte(i)})
		h.Write(dstPrime)
		bi = h.Sum(nil)
		out = append(out, bi...)
	}
	return out[:n], nil
}

// CheckCompressed exposes the framing checks that run before herumi sees the
// bytes, so tests can prove them independently of herumi's own checks.
func CheckCompressed(b []byte, n int) (bool, error) { return checkCompressed(b, n) }
