package deposit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// FuzzDepositDecode proves decoding and verifying arbitrary deposit data never
// panics, and that decoded entries re-encode to the same entries.
func FuzzDepositDecode(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "deposit_data-mainnet-example.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`[{"pubkey":"00"}]`))
	f.Add([]byte(`[]`))
	mainnet := signing.Mainnet()
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := deposit.Decode(data)
		if err != nil {
			return
		}
		_ = deposit.Verify(entries, mainnet)
		enc, err := deposit.Encode(entries)
		if err != nil {
			t.Fatalf("decoded entries do not encode: %v", err)
		}
		again, err := deposit.Decode(enc)
		if err != nil {
			t.Fatalf("re-encoded entries rejected: %v", err)
		}
		for i := range entries {
			if again[i].DepositDataRoot != entries[i].DepositDataRoot || again[i].Amount != entries[i].Amount ||
				again[i].NetworkName != entries[i].NetworkName || string(again[i].WithdrawalCredentials) != string(entries[i].WithdrawalCredentials) {
				t.Fatalf("entry %d changed in the round trip", i)
			}
		}
	})
}
