package keystore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/keystore"
)

// seeded returns a deterministic randomness source.
func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

func testKey(t testing.TB, seed uint64) *bls.SecretKey {
	t.Helper()
	sk, err := bls.GenerateSecretKey(seeded(seed))
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

var light = []struct {
	name string
	opt  keystore.Option
}{
	{"scrypt", keystore.WithScrypt(16, 8, 1)},
	{"pbkdf2", keystore.WithPBKDF2(16)},
}

// TestEncryptDecryptRoundTrip proves both KDFs round-trip a BLS key through
// JSON, record pubkey/path/description/uuid, and reject a wrong password.
func TestEncryptDecryptRoundTrip(t *testing.T) {
	for _, kdf := range light {
		t.Run(kdf.name, func(t *testing.T) {
			sk := testKey(t, 1)
			ks, err := keystore.Encrypt(sk, "correct horse", kdf.opt, keystore.WithRandom(seeded(2)),
				keystore.WithPath("m/12381/3600/0/0/0"), keystore.WithDescription("share 1 of 4"))
			if err != nil {
				t.Fatal(err)
			}
			if ks.Crypto.KDF.Function != kdf.name || ks.Version != 4 || ks.Path != "m/12381/3600/0/0/0" || ks.Description != "share 1 of 4" {
				t.Fatalf("unexpected fields: %+v", ks)
			}
			if ks.UUID[14] != '4' {
				t.Fatalf("uuid %s is not version 4", ks.UUID)
			}
			data, err := ks.Encode()
			if err != nil {
				t.Fatal(err)
			}
			back, err := keystore.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := back.Decrypt("correct horse")
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(sk) {
				t.Fatal("decrypted key differs")
			}
			pk, err := back.PublicKey()
			if err != nil || !bytes.Equal(pk, sk.PublicKey().Bytes()) {
				t.Fatalf("pubkey field = %x, %v", pk, err)
			}
			// Control characters are stripped, so this is the same password.
			if _, err := back.Decrypt("correct\x7f horse\n"); err != nil {
				t.Fatalf("normalised-equal password rejected: %v", err)
			}
			if _, err := back.Decrypt("correct horse battery"); !errors.Is(err, keystore.ErrWrongPassword) {
				t.Fatalf("wrong password: err = %v, want ErrWrongPassword", err)
			}
		})
	}
}

func TestEncryptIsDeterministicGivenRandomness(t *testing.T) {
	sk := testKey(t, 3)
	a, err := keystore.Encrypt(sk, "pw", light[0].opt, keystore.WithRandom(seeded(9)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := keystore.Encrypt(sk, "pw", light[0].opt, keystore.WithRandom(seeded(9)))
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := a.Encode()
	eb, _ := b.Encode()
	if !bytes.Equal(ea, eb) {
		t.Fatal("same randomness gave different keystores")
	}
	c, err := keystore.Encrypt(sk, "pw", light[0].opt, keystore.WithRandom(seeded(10)))
	if err != nil {
		t.Fatal(err)
	}
	if c.UUID == a.UUID || c.Crypto.Cipher.Message == a.Crypto.Cipher.Message {
		t.Fatal("different randomness gave the same uuid or ciphertext")
	}
}

// TestDecryptRejectsPubkeyOfAnotherKey proves a keystore whose pubkey field
// does not belong to its secret is refused.
func TestDecryptRejectsPubkeyOfAnotherKey(t *testing.T) {
	sk, other := testKey(t, 4), testKey(t, 5)
	ks, err := keystore.EncryptSecret(sk.Bytes(), "pw", light[1].opt, keystore.WithRandom(seeded(1)), keystore.WithPubkey(other.PublicKey().Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Decrypt("pw"); !errors.Is(err, keystore.ErrInvalidKeystore) || !strings.Contains(err.Error(), "pubkey") {
		t.Fatalf("err = %v, want ErrInvalidKeystore naming pubkey", err)
	}
}

func TestEncryptRejectsBadOptions(t *testing.T) {
	sk := testKey(t, 6)
	tests := []struct {
		name string
		opts []keystore.Option
		want string
	}{
		{"scrypt n not power of two", []keystore.Option{keystore.WithScrypt(1000, 8, 1)}, "params.n"},
		{"scrypt memory over limit", []keystore.Option{keystore.WithScrypt(1<<22, 8, 1)}, "params.n"},
		{"scrypt r zero", []keystore.Option{keystore.WithScrypt(16, 0, 1)}, "params.r"},
		{"scrypt p too big", []keystore.Option{keystore.WithScrypt(16, 8, 64)}, "params.p"},
		{"pbkdf2 zero iterations", []keystore.Option{keystore.WithPBKDF2(0)}, "params.c"},
		{"bad path", []keystore.Option{keystore.WithPBKDF2(16), keystore.WithPath("m/x")}, "path"},
		{"nil random", []keystore.Option{keystore.WithPBKDF2(16), keystore.WithRandom(nil)}, "random"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keystore.Encrypt(sk, "pw", tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %s", err, tt.want)
			}
		})
	}
	if _, err := keystore.EncryptSecret(nil, "pw", light[1].opt); err == nil {
		t.Fatal("empty secret accepted")
	}
	if _, err := keystore.Encrypt(nil, "pw"); err == nil {
		t.Fatal("nil key accepted")
	}
}

func lightKeystoreJSON(t testing.TB, kdf keystore.Option) []byte {
	t.Helper()
	ks, err := keystore.Encrypt(testKey(t, 7), "pw", kdf, keystore.WithRandom(seeded(7)), keystore.WithPath("m/12381/3600/0/0/0"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := ks.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeIsStrict proves hostile or malformed keystores are rejected with
// an error naming the field, before any key derivation runs.
func TestDecodeIsStrict(t *testing.T) {
	type edit func(m map[string]any)
	crypto := func(m map[string]any, module string) map[string]any {
		return m["crypto"].(map[string]any)[module].(map[string]any)
	}
	params := func(m map[string]any, module string) map[string]any {
		return crypto(m, module)["params"].(map[string]any)
	}
	tests := []struct {
		name   string
		scrypt bool
		edit   edit
		field  string
	}{
		{"version 3", true, func(m map[string]any) { m["version"] = 3 }, "version"},
		{"bad uuid", true, func(m map[string]any) { m["uuid"] = "not-a-uuid" }, "uuid"},
		{"bad path", true, func(m map[string]any) { m["path"] = "m/abc" }, "path"},
		{"short pubkey", true, func(m map[string]any) { m["pubkey"] = "abcd" }, "pubkey"},
		{"unknown field", true, func(m map[string]any) { m["extra"] = 1 }, "unknown field"},
		{"unknown kdf", true, func(m map[string]any) { crypto(m, "kdf")["function"] = "argon2id" }, "crypto.kdf.function"},
		{"unknown cipher", true, func(m map[string]any) { crypto(m, "cipher")["function"] = "aes-256-gcm" }, "crypto.cipher.function"},
		{"unknown checksum", true, func(m map[string]any) { crypto(m, "checksum")["function"] = "keccak256" }, "crypto.checksum.function"},
		{"kdf message", true, func(m map[string]any) { crypto(m, "kdf")["message"] = "00" }, "crypto.kdf.message"},
		{"64 GiB scrypt", true, func(m map[string]any) { params(m, "kdf")["n"] = 1 << 26 }, "crypto.kdf.params.n"},
		{"scrypt n huge", true, func(m map[string]any) { params(m, "kdf")["n"] = 1 << 62 }, "crypto.kdf.params.n"},
		{"scrypt n overflow", true, func(m map[string]any) { params(m, "kdf")["n"] = 1e30 }, "crypto.kdf.params"},
		{"scrypt n negative", true, func(m map[string]any) { params(m, "kdf")["n"] = -16 }, "crypto.kdf.params.n"},
		{"scrypt r zero", true, func(m map[string]any) { params(m, "kdf")["r"] = 0 }, "crypto.kdf.params.r"},
		{"scrypt p huge", true, func(m map[string]any) { params(m, "kdf")["p"] = 1 << 30 }, "crypto.kdf.params.p"},
		{"dklen 16", true, func(m map[string]any) { params(m, "kdf")["dklen"] = 16 }, "crypto.kdf.params.dklen"},
		{"salt not hex", true, func(m map[string]any) { params(m, "kdf")["salt"] = "zz" }, "crypto.kdf.params.salt"},
		{"salt empty", true, func(m map[string]any) { params(m, "kdf")["salt"] = "" }, "crypto.kdf.params.salt"},
		{"kdf params unknown field", true, func(m map[string]any) { params(m, "kdf")["foo"] = 1 }, "crypto.kdf.params"},
		{"kdf params missing", true, func(m map[string]any) { delete(crypto(m, "kdf"), "params") }, "crypto.kdf.params"},
		{"pbkdf2 prf sha512", false, func(m map[string]any) { params(m, "kdf")["prf"] = "hmac-sha512" }, "crypto.kdf.params.prf"},
		{"pbkdf2 c huge", false, func(m map[string]any) { params(m, "kdf")["c"] = 1 << 40 }, "crypto.kdf.params.c"},
		{"pbkdf2 c zero", false, func(m map[string]any) { params(m, "kdf")["c"] = 0 }, "crypto.kdf.params.c"},
		{"iv short", true, func(m map[string]any) { params(m, "cipher")["iv"] = "00112233" }, "crypto.cipher.params.iv"},
		{"ciphertext empty", true, func(m map[string]any) { crypto(m, "cipher")["message"] = "" }, "crypto.cipher.message"},
		{"ciphertext huge", true, func(m map[string]any) { crypto(m, "cipher")["message"] = strings.Repeat("ab", 2000) }, "crypto.cipher.message"},
		{"checksum short", true, func(m map[string]any) { crypto(m, "checksum")["message"] = "abcd" }, "crypto.checksum.message"},
		{"checksum params", true, func(m map[string]any) { crypto(m, "checksum")["params"] = map[string]any{"x": 1} }, "crypto.checksum.params"},
	}
	scryptJSON, pbkdf2JSON := lightKeystoreJSON(t, light[0].opt), lightKeystoreJSON(t, light[1].opt)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := pbkdf2JSON
			if tt.scrypt {
				src = scryptJSON
			}
			var m map[string]any
			if err := json.Unmarshal(src, &m); err != nil {
				t.Fatal(err)
			}
			tt.edit(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = keystore.Decode(data)
			if !errors.Is(err, keystore.ErrInvalidKeystore) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want ErrInvalidKeystore naming %q", err, tt.field)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("rejection took %s", d)
			}
		})
	}
	for name, data := range map[string][]byte{
		"trailing data": append(append([]byte{}, scryptJSON...), []byte(`{}`)...),
		"not json":      []byte("hello"),
		"too large":     bytes.Repeat([]byte(" "), keystore.MaxKeystoreSize+1),
		"array":         []byte("[]"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := keystore.Decode(data); !errors.Is(err, keystore.ErrInvalidKeystore) {
				t.Fatalf("err = %v, want ErrInvalidKeystore", err)
			}
		})
	}
}

// TestWriteReadFile proves files are written 0600, read back intact, and
// never overwritten.
func TestWriteReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keystore-0.json")
	ks, err := keystore.Encrypt(testKey(t, 8), "pw", light[0].opt, keystore.WithRandom(seeded(8)))
	if err != nil {
		t.Fatal(err)
	}
	if err := keystore.WriteFile(path, ks); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", info.Mode().Perm())
	}
	back, err := keystore.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.UUID != ks.UUID {
		t.Fatal("read back a different keystore")
	}
	before, _ := os.ReadFile(path)
	other, err := keystore.Encrypt(testKey(t, 9), "pw", light[0].opt, keystore.WithRandom(seeded(9)))
	if err != nil {
		t.Fatal(err)
	}
	if err := keystore.WriteFile(path, other); !errors.Is(err, keystore.ErrFileExists) {
		t.Fatalf("overwrite: err = %v, want ErrFileExists", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("existing keystore was modified")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	if _, err := keystore.ReadFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("missing file read")
	}
}

// FuzzKeystoreDecode proves parsing arbitrary input never panics, and that
// anything accepted re-encodes to a keystore that decodes identically.
func FuzzKeystoreDecode(f *testing.F) {
	for _, name := range []string{"eip2335/deposit_cli_test0.json", "eip2335/deposit_cli_test1.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(lightKeystoreJSON(f, light[0].opt))
	f.Add(lightKeystoreJSON(f, light[1].opt))
	f.Add([]byte(`{"version":4}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ks, err := keystore.Decode(data)
		if err != nil {
			return
		}
		enc, err := ks.Encode()
		if err != nil {
			t.Fatalf("accepted keystore does not encode: %v", err)
		}
		again, err := keystore.Decode(enc)
		if err != nil {
			t.Fatalf("re-encoded keystore rejected: %v", err)
		}
		if again.UUID != ks.UUID || again.Pubkey != ks.Pubkey || again.Crypto.Cipher.Message != ks.Crypto.Cipher.Message {
			t.Fatal("round trip changed the keystore")
		}
	})
}

// BenchmarkDecryptLight measures decryption with light KDF parameters
// (scrypt n=16, pbkdf2 c=16): the fixed cost outside the KDF.
func BenchmarkDecryptLight(b *testing.B) {
	for _, kdf := range light {
		b.Run(kdf.name, func(b *testing.B) {
			ks, err := keystore.Encrypt(testKey(b, 1), "pw", kdf.opt, keystore.WithRandom(seeded(1)))
			if err != nil {
				b.Fatal(err)
			}
			b.Run("key", func(b *testing.B) { // includes the BLS pubkey check
				for b.Loop() {
					if _, err := ks.Decrypt("pw"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("secret", func(b *testing.B) {
				for b.Loop() {
					if _, err := ks.DecryptSecret("pw"); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
