package keystore_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/eth2/keystore"
)

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bigInt(t testing.TB, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("bad integer %q", s)
	}
	return v
}

type kdfCase struct {
	Name       string      `json:"name"`
	Seed       string      `json:"seed"`
	MasterSK   json.Number `json:"master_SK"`
	ChildIndex json.Number `json:"child_index"`
	ChildSK    json.Number `json:"child_SK"`
}

func checkKDFCase(t *testing.T, c kdfCase) {
	t.Helper()
	seed := unhex(t, c.Seed)
	master, err := keystore.DeriveMasterSK(seed)
	if err != nil {
		t.Fatal(err)
	}
	if want := bigInt(t, c.MasterSK.String()); master.Cmp(want) != 0 {
		t.Fatalf("master_SK = %s, want %s", master, want)
	}
	idx, err := c.ChildIndex.Int64()
	if err != nil || idx < 0 || idx > 1<<32-1 {
		t.Fatalf("child_index %s: %v", c.ChildIndex, err)
	}
	child, err := keystore.DeriveChildSK(master, uint32(idx))
	if err != nil {
		t.Fatal(err)
	}
	if want := bigInt(t, c.ChildSK.String()); child.Cmp(want) != 0 {
		t.Fatalf("child_SK = %s, want %s", child, want)
	}
}

// TestEIP2333Vectors proves master and child derivation on every EIP-2333
// test case and on staking-deposit-cli's copy of them.
func TestEIP2333Vectors(t *testing.T) {
	var eip struct {
		Cases []kdfCase `json:"test_cases"`
	}
	readJSON(t, "eip2333/eip2333_test_cases.json", &eip)
	var cli struct {
		Cases []kdfCase `json:"kdf_tests"`
	}
	readJSON(t, "eip2333/deposit_cli_tree_kdf.json", &cli)
	if len(eip.Cases) != 4 || len(cli.Cases) != 4 {
		t.Fatalf("got %d EIP and %d deposit-cli cases, want 4 each", len(eip.Cases), len(cli.Cases))
	}
	passed := 0
	for _, c := range eip.Cases {
		t.Run("eip/"+c.Name, func(t *testing.T) { checkKDFCase(t, c); passed++ })
	}
	for i, c := range cli.Cases {
		t.Run("deposit-cli/"+string(rune('0'+i)), func(t *testing.T) { checkKDFCase(t, c); passed++ })
	}
	if passed != 8 {
		t.Fatalf("eip2333 vectors: %d of 8 passed", passed)
	}
	t.Logf("eip2333 vectors: %d passed", passed)
}

// TestEIP2333Intermediates proves both Lamport half keys chunk by chunk and
// the compressed Lamport public key.
func TestEIP2333Intermediates(t *testing.T) {
	var v struct {
		Case struct {
			kdfCase
			Lamport0     []string `json:"lamport_0"`
			Lamport1     []string `json:"lamport_1"`
			CompressedPK string   `json:"compressed_lamport_PK"`
		} `json:"test_case"`
	}
	readJSON(t, "eip2333/eip2333_intermediate.json", &v)
	c := v.Case
	master := bigInt(t, c.MasterSK.String())
	idx, _ := c.ChildIndex.Int64()
	salt := []byte{byte(idx >> 24), byte(idx >> 16), byte(idx >> 8), byte(idx)}
	ikm := master.FillBytes(make([]byte, 32))
	notIKM := make([]byte, 32)
	for i := range ikm {
		notIKM[i] = ^ikm[i]
	}
	for name, tc := range map[string]struct {
		ikm  []byte
		want []string
	}{"lamport_0": {ikm, c.Lamport0}, "lamport_1": {notIKM, c.Lamport1}} {
		t.Run(name, func(t *testing.T) {
			got, err := keystore.IKMToLamportSK(tc.ikm, salt)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.want) != keystore.LamportChunks {
				t.Fatalf("vector has %d chunks", len(tc.want))
			}
			for i, w := range tc.want {
				if !bytes.Equal(got[i][:], unhex(t, w)) {
					t.Fatalf("chunk %d = %x, want %s", i, got[i], w)
				}
			}
		})
	}
	pk, err := keystore.ParentSKToLamportPK(master, uint32(idx))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pk[:], unhex(t, c.CompressedPK)) {
		t.Fatalf("compressed_lamport_PK = %x, want %s", pk, c.CompressedPK)
	}
	checkKDFCase(t, c.kdfCase)
}

// TestDerivePathMatchesStepwise proves path derivation equals chained child
// derivation and that the BLS key is the same scalar.
func TestDerivePathMatchesStepwise(t *testing.T) {
	seed := bytes.Repeat([]byte{0x42}, 32)
	sk, err := keystore.DerivePath(seed, keystore.ValidatorKeyPath(7))
	if err != nil {
		t.Fatal(err)
	}
	want, err := keystore.DeriveMasterSK(seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []uint32{12381, 3600, 7, 0, 0} {
		if want, err = keystore.DeriveChildSK(want, i); err != nil {
			t.Fatal(err)
		}
	}
	if sk.Cmp(want) != 0 {
		t.Fatalf("DerivePath = %s, stepwise = %s", sk, want)
	}
	key, err := keystore.DeriveSecretKey(seed, "m/12381/3600/7/0/0")
	if err != nil {
		t.Fatal(err)
	}
	if new(big.Int).SetBytes(key.Bytes()).Cmp(want) != 0 {
		t.Fatal("DeriveSecretKey differs from DerivePath")
	}
	if keystore.WithdrawalKeyPath(7) != "m/12381/3600/7/0" {
		t.Fatal(keystore.WithdrawalKeyPath(7))
	}
}

func TestDerivationRejectsBadInput(t *testing.T) {
	seed := bytes.Repeat([]byte{1}, 32)
	for _, p := range []string{"", "n/1", "m/", "m//1", "m/01", "m/-1", "m/4294967296", "m/1/x", "/m/1"} {
		t.Run("path "+p, func(t *testing.T) {
			if _, err := keystore.DerivePath(seed, p); !errors.Is(err, keystore.ErrInvalidPath) {
				t.Fatalf("err = %v, want ErrInvalidPath", err)
			}
		})
	}
	if _, err := keystore.DeriveMasterSK(seed[:31]); err == nil {
		t.Fatal("31-byte seed accepted")
	}
	r, _ := new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)
	for _, parent := range []*big.Int{nil, big.NewInt(0), r} {
		if _, err := keystore.DeriveChildSK(parent, 0); err == nil {
			t.Fatalf("parent %v accepted", parent)
		}
	}
	if idx, err := keystore.ParsePath("m"); err != nil || len(idx) != 0 {
		t.Fatalf("ParsePath(m) = %v, %v", idx, err)
	}
}
