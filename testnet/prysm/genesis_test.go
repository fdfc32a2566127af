package prysm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"gopkg.in/yaml.v3"
)

// The chain config puts every fork through Electra at genesis with distinct versions and keeps Fulu
// (which would need an Osaka time in geth's genesis) in the far future.
func TestChainConfigForksAndTiming(t *testing.T) {
	fv := ForkVersionsFrom(phase0.Version{0x10, 0, 0, 0x5a})
	var got map[string]any
	if err := yaml.Unmarshal([]byte(chainConfig(96, 4, fv)), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"PRESET_BASE": "mainnet", "SECONDS_PER_SLOT": 4, "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT": 96,
		"DEPOSIT_CHAIN_ID": ChainID, "GENESIS_FORK_VERSION": 0x1000005a,
		"ALTAIR_FORK_EPOCH": 0, "BELLATRIX_FORK_EPOCH": 0, "CAPELLA_FORK_EPOCH": 0, "DENEB_FORK_EPOCH": 0,
		"ELECTRA_FORK_EPOCH": 0, "ELECTRA_FORK_VERSION": 0x6000005a, "FULU_FORK_EPOCH": FarFutureEpoch,
		"FULU_FORK_VERSION": 0x7000005a,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !equalNumberOrString(g, v) {
			t.Errorf("%s = %v (%T), want %v", k, got[k], got[k], v)
		}
	}
	// Versions are unquoted hex (Prysm's loader rewrites 0x lines), so YAML reads them as numbers.
	seen := map[int]string{}
	for k, v := range got {
		if !strings.HasSuffix(k, "_FORK_VERSION") {
			continue
		}
		n, ok := v.(int)
		if !ok {
			t.Errorf("%s = %v: want unquoted hex", k, v)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("%s and %s share version %#x", k, other, n)
		}
		seen[n] = k
	}
	if len(seen) != 7 {
		t.Errorf("%d fork versions, want 7 (genesis through Fulu)", len(seen))
	}
}

func equalNumberOrString(got, want any) bool {
	switch w := want.(type) {
	case string:
		return got == w
	case int:
		g, ok := got.(int)
		return ok && g == w
	case uint64:
		switch g := got.(type) {
		case uint64:
			return g == w
		case int:
			return g >= 0 && uint64(g) == w
		}
	}
	return false
}

// The system contracts come from geth's dev genesis, existing accounts are kept, and a dev genesis
// without them is an error naming the address.
func TestAddSystemContracts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "genesis.json")
	in := `{"config":{"chainId":1337},"alloc":{"0x000f3df6d732807ef1319fb7b8bb8522d0beac02":{"balance":"0x7","code":"0xaa"},
		"0x4242424242424242424242424242424242424242":{"balance":"0x1"}},"timestamp":"0x10"}`
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	dev := map[string]any{"alloc": map[string]any{}}
	for i, a := range systemContracts {
		dev["alloc"].(map[string]any)[strings.TrimPrefix(a, "0x")] = map[string]any{"balance": "0x0", "code": "0x0" + string(rune('1'+i))}
	}
	raw, _ := json.Marshal(dev)
	out, err := addSystemContracts(path, raw)
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Config    map[string]any `json:"config"`
		Timestamp string         `json:"timestamp"`
		BaseFee   string         `json:"baseFeePerGas"`
		Alloc     map[string]struct {
			Balance string `json:"balance"`
			Code    string `json:"code"`
		} `json:"alloc"`
	}
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatal(err)
	}
	if g.BaseFee != "0x3b9aca00" {
		t.Errorf("base fee %q, want 1 gwei", g.BaseFee)
	}
	if g.Timestamp != "0x10" || g.Config["chainId"] != float64(1337) {
		t.Errorf("other genesis fields changed: %s", out)
	}
	if len(g.Alloc) != 5 {
		t.Errorf("alloc has %d accounts, want the 2 given + 3 added: %s", len(g.Alloc), out)
	}
	if a := g.Alloc["0x000f3df6d732807ef1319fb7b8bb8522d0beac02"]; a.Code != "0xaa" {
		t.Errorf("existing system contract account overwritten: %+v", a)
	}
	if a := g.Alloc[strings.ToLower(systemContracts[3])]; a.Code != "0x04" {
		t.Errorf("EIP-7251 contract not copied: %+v", a)
	}
	delete(dev["alloc"].(map[string]any), strings.TrimPrefix(systemContracts[2], "0x"))
	raw, _ = json.Marshal(dev)
	if _, err := addSystemContracts(path, raw); err == nil || !strings.Contains(err.Error(), systemContracts[2]) {
		t.Errorf("dev genesis without %s: err %v", systemContracts[2], err)
	}
}
