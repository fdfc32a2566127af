package deposit_test

import (
	"crypto/pbkdf2"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/eth2/signing"
)

type knownGood struct {
	Mnemonic          string            `json:"mnemonic"`
	Passphrase        string            `json:"bip39_passphrase"`
	ValidatorKeyPath  string            `json:"validator_key_path"`
	WithdrawalKeyPath string            `json:"withdrawal_key_path"`
	PrivateKey        string            `json:"private_key"`
	DepositDomain     string            `json:"deposit_domain"`
	SigningRoots      []string          `json:"signing_roots"`
	DepositData       []json.RawMessage `json:"deposit_data"`
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadKnownGood(t *testing.T) knownGood {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "deposit_data_mainnet_known_good.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v knownGood
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.DepositData) != 2 || len(v.SigningRoots) != 2 {
		t.Fatalf("vector has %d entries and %d signing roots, want 2", len(v.DepositData), len(v.SigningRoots))
	}
	return v
}

// bip39Seed is the BIP-39 mnemonic-to-seed step (PBKDF2-HMAC-SHA512, 2048
// rounds, salt "mnemonic"+passphrase) for this ASCII vector.
func bip39Seed(t *testing.T, mnemonic, passphrase string) []byte {
	t.Helper()
	seed, err := pbkdf2.Key(sha512.New, mnemonic, []byte("mnemonic"+passphrase), 2048, 64)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// TestKnownGoodMainnetDeposits re-derives the third-party mainnet deposit
// vector end to end: mnemonic -> EIP-2333 keys, deposit domain, signing roots,
// deterministic signatures, both roots and the exact JSON entries, and checks
// that Verify accepts the file.
func TestKnownGoodMainnetDeposits(t *testing.T) {
	v := loadKnownGood(t)
	mainnet := signing.Mainnet()
	seed := bip39Seed(t, v.Mnemonic, v.Passphrase)
	sk, err := keystore.DeriveSecretKey(seed, v.ValidatorKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(sk.Bytes()) != v.PrivateKey {
		t.Fatalf("derived private key %x, want %s", sk.Bytes(), v.PrivateKey)
	}
	withdrawalKey, err := keystore.DeriveSecretKey(seed, v.WithdrawalKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	domain, err := mainnet.DepositDomain()
	if err != nil || "0x"+hex.EncodeToString(domain[:]) != v.DepositDomain {
		t.Fatalf("deposit domain = %x (%v), want %s", domain, err, v.DepositDomain)
	}

	entries, err := deposit.Decode(mustMarshal(t, v.DepositData))
	if err != nil {
		t.Fatal(err)
	}
	// Entry 0: 0x01 credentials, rebuilt through NewUnsigned + SignWith.
	u, err := deposit.NewUnsigned(mainnet, sk.PublicKey(), entries[0].WithdrawalCredentials, entries[0].Amount)
	if err != nil {
		t.Fatal(err)
	}
	if got := "0x" + hex.EncodeToString(u.SigningRoot[:]); got != v.SigningRoots[0] {
		t.Fatalf("signing root = %s, want %s", got, v.SigningRoots[0])
	}
	d, err := u.SignWith(func(root phase0.Root) (*bls.Signature, error) { return sk.Sign(root[:]), nil })
	if err != nil {
		t.Fatal(err)
	}
	d.DepositCLIVersion = "2.3.0" // the vector's tool version
	assertSameJSONEntry(t, *d, v.DepositData[0])

	// Entry 1: 0x00 credentials from the withdrawal key (verification only).
	if got := deposit.BLSCredentials(withdrawalKey.PublicKey()); hex.EncodeToString(got) != hex.EncodeToString(entries[1].WithdrawalCredentials) {
		t.Fatalf("BLS credentials = %x, want %x", got, entries[1].WithdrawalCredentials)
	}
	if _, err := deposit.NewUnsigned(mainnet, sk.PublicKey(), entries[1].WithdrawalCredentials, entries[1].Amount); !errors.Is(err, deposit.ErrInvalidDeposit) {
		t.Fatalf("new 0x00 deposit: err = %v, want ErrInvalidDeposit", err)
	}
	root, err := signing.ComputeSigningRoot(entries[1].Message(), domain)
	if err != nil || "0x"+hex.EncodeToString(root[:]) != v.SigningRoots[1] {
		t.Fatalf("0x00 signing root = %x (%v), want %s", root, err, v.SigningRoots[1])
	}
	if sig := sk.Sign(root[:]).Bytes(); hex.EncodeToString(sig) != hex.EncodeToString(entries[1].Signature[:]) {
		t.Fatalf("0x00 signature not reproduced: %x", sig)
	}

	if err := deposit.Verify(entries, mainnet); err != nil {
		t.Fatalf("verify known-good entries: %v", err)
	}
	if _, err := deposit.VerifyFile(filepath.Join("testdata", "deposit_data-mainnet-example.json"), mainnet); err != nil {
		t.Fatalf("verify known-good file: %v", err)
	}
	t.Logf("deposit vectors: %d entries re-derived and verified", len(entries))
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertSameJSONEntry compares our encoding of d with a vector entry, field by field.
func assertSameJSONEntry(t *testing.T, d deposit.Data, want json.RawMessage) {
	t.Helper()
	enc, err := deposit.Encode([]deposit.Data{d})
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(enc, &got); err != nil {
		t.Fatal(err)
	}
	var w map[string]any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != len(w) {
		t.Fatalf("field count %d, want %d", len(got[0]), len(w))
	}
	for k, wv := range w {
		if got[0][k] != wv {
			t.Errorf("%s = %v, want %v", k, got[0][k], wv)
		}
	}
}
