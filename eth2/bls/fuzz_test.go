package bls_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// addVectorSeeds adds every hex string of the deserialization vectors whose
// decoded length is within one byte of size, so fuzzing starts from the
// interesting edges (flags, modulus, infinity, off-curve, off-subgroup).
func addVectorSeeds(f *testing.F, handler string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", handler, "*.json"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		s := string(raw)
		i := strings.Index(s, `": "`)
		for i >= 0 {
			s = s[i+4:]
			end := strings.IndexByte(s, '"')
			if b, err := hexBytes(s[:end]); err == nil {
				f.Add(b)
			}
			i = strings.Index(s, `": "`)
		}
	}
}

func FuzzPublicKeyFromBytes(f *testing.F) {
	addVectorSeeds(f, "deserialization_G1")
	f.Add(mustKey(f, 1).PublicKey().Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		pk, err := bls.PublicKeyFromBytes(b)
		if err != nil {
			return
		}
		if got := pk.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("accepted %x but re-encodes as %x", b, got)
		}
		again, err := bls.PublicKeyFromBytes(pk.Bytes())
		if err != nil || !again.Equal(pk) {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

func FuzzSignatureFromBytes(f *testing.F) {
	addVectorSeeds(f, "deserialization_G2")
	f.Add(mustKey(f, 1).Sign([]byte("fuzz")).Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		lax, laxErr := bls.SignatureFromBytesAllowInfinity(b)
		sig, err := bls.SignatureFromBytes(b)
		if err == nil && laxErr != nil {
			t.Fatalf("strict accepted what lax rejected: %v", laxErr)
		}
		if laxErr != nil {
			return
		}
		if got := lax.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("accepted %x but re-encodes as %x", b, got)
		}
		if err == nil {
			if !bytes.Equal(sig.Bytes(), b) || sig.IsInfinity() {
				t.Fatalf("strict decode of %x is not a finite round trip", b)
			}
		} else if !lax.IsInfinity() {
			t.Fatalf("strict rejected a finite point: %v", err)
		}
	})
}

func hexBytes(s string) ([]byte, error) {
	return hexDecode(strings.TrimPrefix(s, "0x"))
}
