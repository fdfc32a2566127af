package keystore_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stingerdvt/stinger/eth2/keystore"
)

type eip2335Vector struct {
	Password        string          `json:"password"`
	EncodedPassword string          `json:"encoded_password"`
	Secret          string          `json:"secret"`
	Keystore        json.RawMessage `json:"keystore"`
}

// TestEIP2335Vectors proves, for the scrypt and PBKDF2 vectors: password
// processing, strict decoding, checksum and decryption, the recorded public
// key, wrong-password rejection, and byte-identical re-encryption from the
// vector's salt and IV. (The scrypt vector costs 256 MiB and about a second
// per KDF run; under the race detector it runs once, see raceEnabled.)
func TestEIP2335Vectors(t *testing.T) {
	tests := []struct {
		file      string
		kdf       keystore.Option
		cliCopy   string
		expensive bool
	}{
		{"eip2335_scrypt.json", keystore.WithScrypt(keystore.DefaultScryptN, keystore.DefaultScryptR, keystore.DefaultScryptP), "deposit_cli_test1.json", true},
		{"eip2335_pbkdf2.json", keystore.WithPBKDF2(keystore.DefaultPBKDF2C), "deposit_cli_test0.json", false},
	}
	passed := 0
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var v eip2335Vector
			readJSON(t, "eip2335/"+tt.file, &v)
			if got := keystore.NormalizePassword(v.Password); !bytes.Equal(got, unhex(t, v.EncodedPassword)) {
				t.Fatalf("normalised password = %x, want %s", got, v.EncodedPassword)
			}
			ks, err := keystore.Decode(v.Keystore)
			if err != nil {
				t.Fatal(err)
			}
			assertSameKeystore(t, ks, "eip2335/"+tt.cliCopy)
			sk, err := ks.Decrypt(v.Password) // one KDF run; also checks the pubkey field
			if err != nil {
				t.Fatal(err)
			}
			secret := sk.Bytes()
			if !bytes.Equal(secret, unhex(t, v.Secret)) {
				t.Fatalf("secret = %x, want %s", secret, v.Secret)
			}
			if hex.EncodeToString(sk.PublicKey().Bytes()) != ks.Pubkey {
				t.Fatal("pubkey mismatch")
			}
			if tt.expensive && raceEnabled {
				t.Log("race detector on: skipping the 2 further scrypt runs (wrong password, re-encryption)")
				passed++
				return
			}
			if _, err := ks.DecryptSecret("testpassword"); !errors.Is(err, keystore.ErrWrongPassword) {
				t.Fatalf("wrong password: err = %v, want ErrWrongPassword", err)
			}
			// Re-encrypt with the vector's salt and IV, and its UUID bytes.
			var p struct {
				Crypto struct {
					KDF struct {
						Params struct{ Salt string } `json:"params"`
					} `json:"kdf"`
					Cipher struct {
						Params struct{ IV string } `json:"params"`
					} `json:"cipher"`
				} `json:"crypto"`
			}
			if err := json.Unmarshal(v.Keystore, &p); err != nil {
				t.Fatal(err)
			}
			uuidBytes := unhex(t, stripDashes(ks.UUID))
			random := bytes.NewReader(append(append(unhex(t, p.Crypto.KDF.Params.Salt), unhex(t, p.Crypto.Cipher.Params.IV)...), uuidBytes...))
			again, err := keystore.EncryptSecret(secret, v.Password, tt.kdf, keystore.WithRandom(random),
				keystore.WithPath(ks.Path), keystore.WithDescription(ks.Description), keystore.WithPubkey(sk.PublicKey().Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			assertEqualKeystores(t, again, ks)
			passed++
		})
	}
	if passed != 2 {
		t.Fatalf("eip2335 vectors: %d of 2 passed", passed)
	}
	t.Logf("eip2335 vectors: %d passed (+2 staking-deposit-cli copies)", passed)
}

func stripDashes(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte("-"), nil)) }

func assertSameKeystore(t *testing.T, ks *keystore.Keystore, file string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	other, err := keystore.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	assertEqualKeystores(t, other, ks)
}

func assertEqualKeystores(t *testing.T, got, want *keystore.Keystore) {
	t.Helper()
	g, err := got.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// Re-encode want through a canonical form: compact both params.
	w, err := canonical(want)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := canonical(mustDecode(t, g))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gc, w) {
		t.Fatalf("keystores differ:\n got %s\nwant %s", gc, w)
	}
}

func mustDecode(t *testing.T, data []byte) *keystore.Keystore {
	t.Helper()
	ks, err := keystore.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// canonical marshals a keystore with its raw params re-encoded as ordered maps.
func canonical(ks *keystore.Keystore) ([]byte, error) {
	var m map[string]any
	data, err := json.Marshal(ks)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return json.Marshal(m) // maps marshal with sorted keys
}

func TestNormalizePassword(t *testing.T) {
	tests := []struct {
		name, in string
		want     []byte
	}{
		{"ascii unchanged", "password", []byte("password")},
		{"mathematical letters decompose", "𝔱𝔢𝔰𝔱", []byte("test")},
		{"C0 controls removed", "a\x00b\x1fc\td\ne", []byte("abcde")},
		{"DEL removed", "a\x7fb", []byte("ab")},
		{"C1 controls removed", "a\u0080b\u009fc", []byte("abc")},
		{"NBSP is not a control: NFKD maps it to space", "a\u00a0b", []byte("a b")},
		{"accent decomposed", "é", []byte("e\u0301")},
		{"ligature decomposed", "ﬁ", []byte("fi")},
		{"emoji kept", "🔑", []byte("🔑")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keystore.NormalizePassword(tt.in); !bytes.Equal(got, tt.want) {
				t.Fatalf("NormalizePassword(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
