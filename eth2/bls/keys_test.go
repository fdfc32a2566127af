package bls_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// mustKey generates a deterministic key from seed.
func mustKey(t testing.TB, seed uint64) *bls.SecretKey {
	t.Helper()
	sk, err := bls.GenerateSecretKey(seeded(seed))
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

func TestGenerateSecretKeyIsDeterministicPerReader(t *testing.T) {
	a, b, c := mustKey(t, 7), mustKey(t, 7), mustKey(t, 8)
	if !a.Equal(b) {
		t.Fatal("same seed gave different keys")
	}
	if a.Equal(c) {
		t.Fatal("different seeds gave the same key")
	}
	if _, err := bls.GenerateSecretKey(iotest.ErrReader(errors.New("boom"))); err == nil {
		t.Fatal("failing reader accepted")
	}
	if _, err := bls.GenerateSecretKey(nil); !errors.Is(err, bls.ErrNilInput) {
		t.Fatalf("nil reader: %v, want ErrNilInput", err)
	}
}

func TestSecretKeyFromBytesRejectsOutOfRange(t *testing.T) {
	order := "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"
	orderMinus1 := "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000"
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"zero", make([]byte, 32), bls.ErrInvalidSecretKey},
		{"group order", unhex(t, order), bls.ErrInvalidSecretKey},
		{"all ones", bytes.Repeat([]byte{0xff}, 32), bls.ErrInvalidSecretKey},
		{"31 bytes", make([]byte, 31), bls.ErrLength},
		{"33 bytes", append([]byte{0}, unhex(t, orderMinus1)...), bls.ErrLength},
		{"order minus one", unhex(t, orderMinus1), nil},
		{"one", append(make([]byte, 31), 1), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sk, err := bls.SecretKeyFromBytes(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(sk.Bytes(), tc.in) {
				t.Fatalf("round trip %x, want %x", sk.Bytes(), tc.in)
			}
		})
	}
}

func TestKeysAndSignaturesRoundTrip(t *testing.T) {
	for seed := range uint64(5) {
		sk := mustKey(t, seed)
		pk := sk.PublicKey()
		msg := []byte("round trip")
		sig := sk.Sign(msg)
		pk2, err := bls.PublicKeyFromBytes(pk.Bytes())
		if err != nil || !pk2.Equal(pk) {
			t.Fatalf("public key round trip: %v", err)
		}
		sig2, err := bls.SignatureFromBytes(sig.Bytes())
		if err != nil || !sig2.Equal(sig) {
			t.Fatalf("signature round trip: %v", err)
		}
		if !sig2.Verify(pk2, msg) {
			t.Fatal("decoded signature does not verify")
		}
		if !strings.HasPrefix(pk.String(), "0x") || len(pk.String()) != 2+96 {
			t.Fatalf("public key string %q", pk.String())
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	sk, other := mustKey(t, 1), mustKey(t, 2)
	msg := []byte("attestation root")
	sig := sk.Sign(msg)
	inf, err := bls.SignatureFromBytesAllowInfinity(append([]byte{0xc0}, make([]byte, 95)...))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sig  *bls.Signature
		pk   *bls.PublicKey
		msg  []byte
		want bool
	}{
		{"valid", sig, sk.PublicKey(), msg, true},
		{"wrong message", sig, sk.PublicKey(), []byte("other root"), false},
		{"wrong key", sig, other.PublicKey(), msg, false},
		{"nil key", sig, nil, msg, false},
		{"nil signature", nil, sk.PublicKey(), msg, false},
		{"infinity signature", inf, sk.PublicKey(), msg, false},
		{"empty message valid", sk.Sign(nil), sk.PublicKey(), []byte{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sig.Verify(tc.pk, tc.msg); got != tc.want {
				t.Fatalf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestStrictDecodingNamesTheProblem checks each rejection wraps the sentinel
// naming why, for public keys and signatures alike.
func TestStrictDecodingNamesTheProblem(t *testing.T) {
	pk := mustKey(t, 3).PublicKey().Bytes()
	sig := mustKey(t, 3).Sign([]byte("m")).Bytes()
	flip := func(b []byte, f func([]byte)) []byte { c := bytes.Clone(b); f(c); return c }
	infG1 := append([]byte{0xc0}, make([]byte, 47)...)
	infG2 := append([]byte{0xc0}, make([]byte, 95)...)
	tests := []struct {
		name string
		in   []byte
		g2   bool
		want error
	}{
		{"pk empty", nil, false, bls.ErrLength},
		{"pk uncompressed flag", flip(pk, func(b []byte) { b[0] &^= 0x80 }), false, bls.ErrEncoding},
		{"pk infinity", infG1, false, bls.ErrInfinity},
		{"pk infinity with sort flag", flip(infG1, func(b []byte) { b[0] |= 0x20 }), false, bls.ErrEncoding},
		{"pk infinity trailing bit", flip(infG1, func(b []byte) { b[47] = 1 }), false, bls.ErrEncoding},
		{"pk x = p", unhex(t, "9a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"), false, bls.ErrEncoding},
		{"pk x changed: off curve or outside subgroup", flip(pk, func(b []byte) { b[47] ^= 1 }), false, bls.ErrInvalidPoint},
		{"sig empty", nil, true, bls.ErrLength},
		{"sig public key length", pk, true, bls.ErrLength},
		{"sig uncompressed flag", flip(sig, func(b []byte) { b[0] &^= 0x80 }), true, bls.ErrEncoding},
		{"sig infinity", infG2, true, bls.ErrInfinity},
		{"sig infinity trailing bit", flip(infG2, func(b []byte) { b[95] = 1 }), true, bls.ErrEncoding},
		{"sig x.c0 = p", append(flip(sig[:48], func([]byte) {}), unhex(t, "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab")...), true, bls.ErrEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.g2 {
				_, err = bls.SignatureFromBytes(tc.in)
			} else {
				_, err = bls.PublicKeyFromBytes(tc.in)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestFramingChecksAloneRejectNonCanonical proves the explicit checks that run
// before herumi reject every framing defect by themselves, so strictness does
// not depend on herumi's (process-global) settings for these cases.
func TestFramingChecksAloneRejectNonCanonical(t *testing.T) {
	p := "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"
	zero48 := strings.Repeat("00", 48)
	tests := []struct {
		name    string
		in      string
		n       int
		wantInf bool
		wantErr bool
	}{
		{"G1 infinity", "c0" + zero48[2:], 1, true, false},
		{"G1 no compression flag", "00" + zero48[2:], 1, false, true},
		{"G1 infinity + sort", "e0" + zero48[2:], 1, false, true},
		{"G1 infinity + x", "c1" + zero48[2:], 1, false, true},
		{"G1 x = p", "9a" + p[2:], 1, false, true},
		{"G1 x = p-1 passes framing", "9a" + p[2:len(p)-1] + "a", 1, false, false},
		{"G2 infinity", "c0" + zero48[2:] + zero48, 2, true, false},
		{"G2 x.c1 = p", "9a" + p[2:] + zero48, 2, false, true},
		{"G2 x.c0 = p", "80" + zero48[2:] + p, 2, false, true},
		{"G2 short", "80" + zero48[2:], 2, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inf, err := bls.CheckCompressed(unhex(t, tc.in), tc.n)
			if (err != nil) != tc.wantErr || inf != tc.wantInf {
				t.Fatalf("inf=%v err=%v, want inf=%v err=%v", inf, err, tc.wantInf, tc.wantErr)
			}
		})
	}
}

func TestSecretKeyFormattingIsRedacted(t *testing.T) {
	sk := mustKey(t, 1)
	secretHex := fmt.Sprintf("%x", sk.Bytes())
	for _, verb := range []string{"%v", "%s", "%+v", "%#v"} {
		out := fmt.Sprintf(verb, sk)
		if strings.Contains(out, secretHex) || !strings.Contains(out, "redacted") {
			t.Fatalf("%s formats a secret key as %q", verb, out)
		}
	}
}
