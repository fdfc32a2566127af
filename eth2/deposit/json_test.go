package deposit_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/eth2/deposit"
)

func TestDataJSONRoundTripsAsLaunchpadEntry(t *testing.T) {
	entries, err := deposit.ReadFile(filepath.Join("testdata", "deposit_data-mainnet-example.json"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	// The per-entry encoding is the file's encoding.
	file, err := deposit.Encode(entries)
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := deposit.Decode(raw)
	if err != nil {
		t.Fatalf("Decode of json.Marshal output: %v", err)
	}
	var back []deposit.Data
	if err := json.Unmarshal(file, &back); err != nil {
		t.Fatalf("json.Unmarshal of Encode output: %v", err)
	}
	if !reflect.DeepEqual(back, entries) || !reflect.DeepEqual(fromFile, entries) {
		t.Fatal("round trip changed the entries")
	}
	for _, bad := range []string{
		`{"pubkey":"00"}`,
		strings.Replace(string(mustMarshal(t, entries[0])), `"amount"`, `"amount_gwei"`, 1),
	} {
		var d deposit.Data
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}
