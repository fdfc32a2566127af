package bls_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// wantVectorFiles is how many files testdata holds: 98 from v0.1.2 and 34
// deserialization files from main-006855c. Fewer means files went missing.
const wantVectorFiles = 132

// vectorHandler runs one vector file's JSON and reports failures through t.
type vectorHandler func(t *testing.T, input, output json.RawMessage)

// vectorFile is the {input, output} shape shared by every bls12-381-tests file.
type vectorFile struct {
	Input  json.RawMessage `json:"input"`
	Output json.RawMessage `json:"output"`
}

// TestVectors runs every file of testdata/{v0.1.2,main-006855c}/<handler>/ and
// fails unless every file found was run and passed.
func TestVectors(t *testing.T) {
	handlers := map[string]vectorHandler{
		"sign":                  runSign,
		"verify":                runVerify,
		"deserialization_G1":    runDeserializationG1,
		"deserialization_G2":    runDeserializationG2,
		"aggregate":             runAggregate,
		"fast_aggregate_verify": runFastAggregateVerify,
		"aggregate_verify":      runAggregateVerify,
		"batch_verify":          runBatchVerify,
		"hash_to_G2":            runHashToG2,
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var passed, failed atomic.Int64
	perHandler := map[string]int{}
	for _, file := range files {
		rel, _ := filepath.Rel("testdata", file)
		handler := filepath.Base(filepath.Dir(file))
		run, ok := handlers[handler]
		if !ok {
			t.Errorf("%s: no handler %q", rel, handler)
			continue
		}
		ok = t.Run(rel, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var v vectorFile
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("parse: %v", err)
			}
			run(t, v.Input, v.Output)
		})
		if ok {
			passed.Add(1)
			perHandler[handler]++
		} else {
			failed.Add(1)
		}
	}
	t.Logf("per handler: %v", perHandler)
	t.Logf("bls vectors: %d passed, %d failed, %d files found", passed.Load(), failed.Load(), len(files))
	if int(passed.Load()) < len(files) || len(files) < wantVectorFiles {
		t.Fatalf("bls vectors: %d of %d files passed, want all and at least %d files", passed.Load(), len(files), wantVectorFiles)
	}
}

var hexDecode = hex.DecodeString

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func decodeJSON(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

func runSign(t *testing.T, input, output json.RawMessage) {
	var in struct{ Privkey, Message string }
	decodeJSON(t, input, &in)
	sk, err := bls.SecretKeyFromBytes(unhex(t, in.Privkey))
	if isNull(output) {
		if err == nil {
			t.Fatalf("secret key accepted, want error")
		}
		return
	}
	if err != nil {
		t.Fatalf("secret key: %v", err)
	}
	var want string
	decodeJSON(t, output, &want)
	got := sk.Sign(unhex(t, in.Message)).Bytes()
	if hex.EncodeToString(got) != strings.TrimPrefix(want, "0x") {
		t.Fatalf("signature %x, want %s", got, want)
	}
	hm, err := bls.HashMessage(unhex(t, in.Message))
	if err != nil {
		t.Fatal(err)
	}
	if got := sk.SignHashed(hm).Bytes(); hex.EncodeToString(got) != strings.TrimPrefix(want, "0x") {
		t.Fatalf("SignHashed: signature %x, want %s", got, want)
	}
}

// pubkeys decodes public keys; ok is false if any is rejected.
func pubkeys(t *testing.T, hexes []string) (pks []*bls.PublicKey, ok bool) {
	for _, h := range hexes {
		pk, err := bls.PublicKeyFromBytes(unhex(t, h))
		if err != nil {
			return nil, false
		}
		pks = append(pks, pk)
	}
	return pks, true
}

func runVerify(t *testing.T, input, output json.RawMessage) {
	var in struct{ Pubkey, Message, Signature string }
	decodeJSON(t, input, &in)
	var want bool
	decodeJSON(t, output, &want)
	got := false
	pk, errPK := bls.PublicKeyFromBytes(unhex(t, in.Pubkey))
	sig, errSig := bls.SignatureFromBytes(unhex(t, in.Signature))
	if errPK == nil && errSig == nil {
		got = sig.Verify(pk, unhex(t, in.Message))
	}
	if got != want {
		t.Fatalf("verify = %v (pubkey err %v, signature err %v), want %v", got, errPK, errSig, want)
	}
}

func runDeserialization(t *testing.T, input, output json.RawMessage, field string,
	decode func([]byte) ([]byte, error)) {
	var in map[string]string
	decodeJSON(t, input, &in)
	var want bool
	decodeJSON(t, output, &want)
	b := unhex(t, in[field])
	out, err := decode(b)
	if want {
		if err != nil {
			t.Fatalf("decode %x: %v, want success", b, err)
		}
		if hex.EncodeToString(out) != hex.EncodeToString(b) {
			t.Fatalf("round trip %x, want %x", out, b)
		}
		return
	}
	if err == nil {
		t.Fatalf("decode %x accepted, want error", b)
	}
	t.Logf("rejected: %v", err)
}

// runDeserializationG1 checks the point decoding of G1. The canonical infinity
// encoding is a valid point (the vector expects success) but not a valid
// public key: PublicKeyFromBytes must reject exactly that case with
// ErrInfinity, and nothing else.
func runDeserializationG1(t *testing.T, input, output json.RawMessage) {
	runDeserialization(t, input, output, "pubkey", func(b []byte) ([]byte, error) {
		pk, err := bls.PublicKeyFromBytes(b)
		if errors.Is(err, bls.ErrInfinity) {
			return b, nil // well-formed infinity: a point, but never a key
		}
		if err != nil {
			return nil, err
		}
		return pk.Bytes(), nil
	})
}

// runDeserializationG2 checks signature_to_point, which accepts infinity, and
// that the strict SignatureFromBytes agrees except for infinity.
func runDeserializationG2(t *testing.T, input, output json.RawMessage) {
	runDeserialization(t, input, output, "signature", func(b []byte) ([]byte, error) {
		sig, err := bls.SignatureFromBytesAllowInfinity(b)
		_, strictErr := bls.SignatureFromBytes(b)
		switch {
		case err != nil && strictErr == nil:
			t.Fatalf("strict decoder accepted what the lax one rejected: %v", err)
		case err == nil && sig.IsInfinity() && !errors.Is(strictErr, bls.ErrInfinity):
			t.Fatalf("strict decoder on infinity: %v, want ErrInfinity", strictErr)
		case err == nil && !sig.IsInfinity() && strictErr != nil:
			t.Fatalf("strict decoder rejected a finite point: %v", strictErr)
		}
		if err != nil {
			return nil, err
		}
		return sig.Bytes(), nil
	})
}
