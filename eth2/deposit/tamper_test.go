package deposit_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/eth2/signing"
)

type entryMap = map[string]any

// recomputeRoots makes an edited entry self-consistent again, as a careful
// attacker would, so that only the signature can catch the change.
func recomputeRoots(t *testing.T, e entryMap) {
	t.Helper()
	msg := &phase0.DepositMessage{
		PublicKey:             phase0.BLSPubKey(unhex(t, e["pubkey"].(string))),
		WithdrawalCredentials: unhex(t, e["withdrawal_credentials"].(string)),
		Amount:                phase0.Gwei(e["amount"].(float64)),
	}
	mr, err := msg.HashTreeRoot()
	if err != nil {
		t.Fatal(err)
	}
	dd := &phase0.DepositData{PublicKey: msg.PublicKey, WithdrawalCredentials: msg.WithdrawalCredentials, Amount: msg.Amount,
		Signature: phase0.BLSSignature(unhex(t, e["signature"].(string)))}
	dr, err := dd.HashTreeRoot()
	if err != nil {
		t.Fatal(err)
	}
	e["deposit_message_root"] = hex.EncodeToString(mr[:])
	e["deposit_data_root"] = hex.EncodeToString(dr[:])
}

func flipHex(s string) string {
	b, _ := hex.DecodeString(s)
	b[len(b)-1] ^= 1
	return hex.EncodeToString(b)
}

// TestTamperedFilesRejected proves every kind of tampering with the
// known-good mainnet file is rejected, naming the entry and the field.
func TestTamperedFilesRejected(t *testing.T) {
	otherPK := hex.EncodeToString(testKey(t, 77).PublicKey().Bytes())
	tests := []struct {
		name   string
		entry  int
		edit   func(t *testing.T, es []entryMap)
		field  string
		sigErr bool
	}{
		{"deposit_data_root flipped", 1, func(t *testing.T, es []entryMap) {
			es[1]["deposit_data_root"] = flipHex(es[1]["deposit_data_root"].(string))
		}, "deposit_data_root", false},
		{"deposit_message_root flipped", 0, func(t *testing.T, es []entryMap) {
			es[0]["deposit_message_root"] = flipHex(es[0]["deposit_message_root"].(string))
		}, "deposit_message_root", false},
		{"amount changed, roots stale", 0, func(t *testing.T, es []entryMap) { es[0]["amount"] = 31e9 }, "deposit_message_root", false},
		{"amount changed, roots recomputed", 0, func(t *testing.T, es []entryMap) {
			es[0]["amount"] = 64e9
			recomputeRoots(t, es[0])
		}, "signature", true},
		{"credentials redirected, roots recomputed", 0, func(t *testing.T, es []entryMap) {
			es[0]["withdrawal_credentials"] = "010000000000000000000000" + strings.Repeat("ee", 20)
			recomputeRoots(t, es[0])
		}, "signature", true},
		{"signature of the other entry", 0, func(t *testing.T, es []entryMap) {
			es[0]["signature"] = es[1]["signature"]
			recomputeRoots(t, es[0])
		}, "signature", true},
		{"signature not a curve point", 1, func(t *testing.T, es []entryMap) {
			es[1]["signature"] = "c0" + strings.Repeat("11", 95)
			recomputeRoots(t, es[1])
		}, "signature", true},
		{"pubkey swapped, roots recomputed", 0, func(t *testing.T, es []entryMap) {
			es[0]["pubkey"] = otherPK
			recomputeRoots(t, es[0])
		}, "signature", true},
		{"pubkey not a curve point", 0, func(t *testing.T, es []entryMap) { es[0]["pubkey"] = "a0" + strings.Repeat("00", 47) }, "pubkey", false},
		{"fork_version of another network", 1, func(t *testing.T, es []entryMap) { es[1]["fork_version"] = "01017000" }, "fork_version", false},
		{"network_name", 0, func(t *testing.T, es []entryMap) { es[0]["network_name"] = "holesky" }, "network_name", false},
		{"amount below 1 ETH", 0, func(t *testing.T, es []entryMap) { es[0]["amount"] = 5e8 }, "amount", false},
		{"amount above 2048 ETH", 0, func(t *testing.T, es []entryMap) { es[0]["amount"] = 4096e9 }, "amount", false},
		{"credentials prefix 0x03", 0, func(t *testing.T, es []entryMap) {
			es[0]["withdrawal_credentials"] = "03" + es[0]["withdrawal_credentials"].(string)[2:]
		}, "withdrawal_credentials", false},
		{"0x01 credentials with padding", 0, func(t *testing.T, es []entryMap) {
			es[0]["withdrawal_credentials"] = "01ff" + es[0]["withdrawal_credentials"].(string)[4:]
		}, "withdrawal_credentials", false},
		{"empty deposit_cli_version", 1, func(t *testing.T, es []entryMap) { es[1]["deposit_cli_version"] = "" }, "deposit_cli_version", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := deposit.ReadFile(writeEdited(t, tt.edit))
			if err != nil {
				t.Fatal(err)
			}
			err = deposit.Verify(entries, signing.Mainnet())
			var ee *deposit.EntryError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want an *EntryError", err)
			}
			if ee.Index != tt.entry || ee.Field != tt.field {
				t.Fatalf("error names entry %d field %q, want entry %d field %q (%v)", ee.Index, ee.Field, tt.entry, tt.field, err)
			}
			if got := errors.Is(err, deposit.ErrInvalidSignature); got != tt.sigErr {
				t.Fatalf("errors.Is(ErrInvalidSignature) = %v, want %v (%v)", got, tt.sigErr, err)
			}
			if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 1 {
				t.Fatalf("%d entries reported, want only the tampered one: %v", n, err)
			}
		})
	}
}

// TestMalformedFilesRejected proves decoding names the entry and field of
// structural problems.
func TestMalformedFilesRejected(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t *testing.T, es []entryMap)
		field string
	}{
		{"missing deposit_data_root", func(t *testing.T, es []entryMap) { delete(es[1], "deposit_data_root") }, "deposit_data_root"},
		{"missing amount", func(t *testing.T, es []entryMap) { delete(es[0], "amount") }, "amount"},
		{"missing network_name", func(t *testing.T, es []entryMap) { delete(es[0], "network_name") }, "network_name"},
		{"short pubkey", func(t *testing.T, es []entryMap) { es[0]["pubkey"] = "8666" }, "pubkey"},
		{"signature not hex", func(t *testing.T, es []entryMap) { es[1]["signature"] = "zz" }, "signature"},
		{"fork_version too long", func(t *testing.T, es []entryMap) { es[0]["fork_version"] = "0000000000" }, "fork_version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := deposit.ReadFile(writeEdited(t, tt.edit))
			var ee *deposit.EntryError
			if !errors.As(err, &ee) || ee.Field != tt.field {
				t.Fatalf("err = %v, want an *EntryError naming %s", err, tt.field)
			}
		})
	}
	for name, content := range map[string]string{
		"unknown field": `[{"pubkey":"00","extra":1}]`,
		"empty array":   `[]`,
		"not an array":  `{}`,
		"trailing data": `[] []`,
		"negative":      `[{"amount":-1}]`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := deposit.Decode([]byte(content)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestVerifyAgainstWrongNetwork proves a mainnet file does not verify as holesky.
func TestVerifyAgainstWrongNetwork(t *testing.T) {
	_, err := deposit.VerifyFile(filepath.Join("testdata", "deposit_data-mainnet-example.json"), signing.Holesky())
	var ee *deposit.EntryError
	if !errors.As(err, &ee) || ee.Field != "network_name" {
		t.Fatalf("err = %v, want network_name error", err)
	}
	if err := deposit.Verify(nil, signing.Mainnet()); err == nil {
		t.Fatal("empty entry list verified")
	}
}

func writeEdited(t *testing.T, edit func(t *testing.T, es []entryMap)) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "deposit_data-mainnet-example.json"))
	if err != nil {
		t.Fatal(err)
	}
	var es []entryMap
	if err := json.Unmarshal(data, &es); err != nil {
		t.Fatal(err)
	}
	edit(t, es)
	out, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "deposit_data.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
