package cluster_test

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/cluster"
)

// newSeeded returns a deterministic, unbounded randomness source.
func newSeeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// testOperators returns n operator keys and their definition entries.
func testOperators(t *testing.T, n int) ([]crypto.PrivKey, []cluster.Operator) {
	t.Helper()
	r := newSeeded(byte(n))
	keys := make([]crypto.PrivKey, n)
	ops := make([]cluster.Operator, n)
	for i := range n {
		k, _, err := crypto.GenerateSecp256k1Key(r)
		if err != nil {
			t.Fatal(err)
		}
		pid, err := peer.IDFromPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
		ops[i] = cluster.Operator{PeerID: pid.String(), Addresses: []string{"/ip4/127.0.0.1/tcp/3610"}, Name: "op" + string(rune('a'+i))}
	}
	return keys, ops
}

func validParams(ops []cluster.Operator) cluster.NewDefinitionParams {
	return cluster.NewDefinitionParams{
		Name:                "test cluster",
		Operators:           ops,
		NumValidators:       2,
		Network:             "hoodi",
		ForkVersion:         "0x10000910",
		WithdrawalAddresses: []string{"0x000000000000000000000000000000000000dEaD"},
		FeeRecipients:       []string{"0x1111111111111111111111111111111111111111"},
		Now:                 time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
	}
}

func TestNewDefinitionDefaultsAndHash(t *testing.T) {
	_, ops := testOperators(t, 4)
	d, err := cluster.NewDefinition(validParams(ops))
	if err != nil {
		t.Fatal(err)
	}
	if d.Threshold != 3 {
		t.Errorf("default threshold for 4 operators = %d, want 3", d.Threshold)
	}
	if d.CredentialType != cluster.CredentialExecution {
		t.Errorf("default credential type = %s", d.CredentialType)
	}
	if len(d.DepositAmounts) != 1 || d.DepositAmounts[0] != cluster.DefaultDepositGwei {
		t.Errorf("default deposit amounts = %v", d.DepositAmounts)
	}
	if _, err := d.Hash(); err != nil {
		t.Fatalf("fresh definition hash: %v", err)
	}
	d2, err := cluster.NewDefinition(validParams(ops))
	if err != nil {
		t.Fatal(err)
	}
	if d.DefinitionHash != d2.DefinitionHash {
		t.Errorf("hash is not deterministic: %s vs %s", d.DefinitionHash, d2.DefinitionHash)
	}
}

func TestDefaultThreshold(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{1, 1}, {3, 2}, {4, 3}, {7, 5}, {10, 7}, {13, 9}} {
		if got := cluster.DefaultThreshold(tc.n); got != tc.want {
			t.Errorf("DefaultThreshold(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func TestNewDefinitionRejectsBadFields(t *testing.T) {
	_, ops := testOperators(t, 4)
	tests := []struct {
		name    string
		mutate  func(p *cluster.NewDefinitionParams)
		wantErr string
	}{
		{"threshold at half", func(p *cluster.NewDefinitionParams) { p.Threshold = 2 }, "threshold 2"},
		{"threshold above n", func(p *cluster.NewDefinitionParams) { p.Threshold = 5 }, "threshold 5"},
		{"no validators", func(p *cluster.NewDefinitionParams) { p.NumValidators = 0 }, "num_validators 0"},
		{"bad fork version", func(p *cluster.NewDefinitionParams) { p.ForkVersion = "0x1234" }, "fork_version"},
		{"fork version of another network", func(p *cluster.NewDefinitionParams) { p.ForkVersion = "0x00000000" }, "network hoodi has genesis fork version 0x10000910"},
		{"bad credential type", func(p *cluster.NewDefinitionParams) { p.CredentialType = "0x00" }, "withdrawal_credential_type"},
		{"zero withdrawal address", func(p *cluster.NewDefinitionParams) {
			p.WithdrawalAddresses = []string{"0x0000000000000000000000000000000000000000"}
		}, "zero address"},
		{"withdrawal address count", func(p *cluster.NewDefinitionParams) {
			p.WithdrawalAddresses = []string{"0x000000000000000000000000000000000000dEaD", "0x000000000000000000000000000000000000dEaD", "0x000000000000000000000000000000000000dEaD"}
		}, "withdrawal_addresses: got 3"},
		{"bad fee recipient", func(p *cluster.NewDefinitionParams) { p.FeeRecipients = []string{"nope"} }, "fee_recipients[0]"},
		{"deposit too small", func(p *cluster.NewDefinitionParams) { p.DepositAmounts = []uint64{1} }, "deposit_amounts[0] 1"},
		{"deposit over 32 ETH with 0x01", func(p *cluster.NewDefinitionParams) { p.DepositAmounts = []uint64{33_000_000_000} }, "exceeds"},
		{"duplicate operator", func(p *cluster.NewDefinitionParams) {
			p.Operators = []cluster.Operator{ops[0], ops[0], ops[1], ops[2]}
		}, "duplicate"},
		{"bad multiaddr", func(p *cluster.NewDefinitionParams) {
			bad := append([]cluster.Operator(nil), ops...)
			bad[1].Addresses = []string{"127.0.0.1:3610"}
			p.Operators = bad
		}, "operators[1].addresses[0]"},
		{"empty name", func(p *cluster.NewDefinitionParams) { p.Name = " " }, "name: must not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := validParams(ops)
			tc.mutate(&p)
			_, err := cluster.NewDefinition(p)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestCompoundingAllowsUpTo2048ETH(t *testing.T) {
	_, ops := testOperators(t, 4)
	p := validParams(ops)
	p.CredentialType = cluster.CredentialCompounding
	p.DepositAmounts = []uint64{1024_000_000_000, 1024_000_000_000}
	if _, err := cluster.NewDefinition(p); err != nil {
		t.Fatalf("2048 ETH compounding: %v", err)
	}
	p.DepositAmounts = []uint64{2048_000_000_000, 1_000_000_000}
	if _, err := cluster.NewDefinition(p); err == nil {
		t.Fatal("2049 ETH accepted")
	}
}

func TestApprovalsRoundTripAndTamper(t *testing.T) {
	keys, ops := testOperators(t, 4)
	d, err := cluster.NewDefinition(validParams(ops))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cluster-definition.json")
	for i, k := range keys {
		if err := d.ValidateApproved(); err == nil {
			t.Fatalf("approved with only %d approvals", i)
		}
		if err := d.Approve(k); err != nil {
			t.Fatal(err)
		}
		if err := d.Save(path); err != nil {
			t.Fatal(err)
		}
		if d, err = cluster.LoadDefinition(path); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.ValidateApproved(); err != nil {
		t.Fatalf("fully approved: %v", err)
	}

	t.Run("foreign key cannot approve", func(t *testing.T) {
		other, _ := testOperators(t, 5)
		if err := d.Approve(other[4]); err == nil || !strings.Contains(err.Error(), "is not an operator") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("changed content breaks the hash", func(t *testing.T) {
		c := *d
		c.NumValidators = 3
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "does not match the content") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("swapped approval is rejected", func(t *testing.T) {
		c := *d
		c.Operators = append([]cluster.Operator(nil), d.Operators...)
		c.Operators[0].Approval, c.Operators[1].Approval = c.Operators[1].Approval, c.Operators[0].Approval
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "operators[0].approval") || !strings.Contains(err.Error(), "operators[1].approval") {
			t.Fatalf("error = %v", err)
		}
	})
}
