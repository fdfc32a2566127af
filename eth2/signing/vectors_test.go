package signing_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatalf("decode hex %q: %v", s, err)
	}
	return b
}

type sszVectors struct {
	DepositDomain []struct {
		ForkVersion    string  `json:"fork_version"`
		Valid          bool    `json:"valid"`
		ExpectedDomain *string `json:"expected_domain"`
	} `json:"compute_deposit_domain"`
	ForkDataRoot []struct {
		CurrentVersion string  `json:"current_version"`
		GVR            string  `json:"genesis_validators_root"`
		Valid          bool    `json:"valid"`
		Expected       *string `json:"expected_fork_data_root"`
	} `json:"compute_deposit_fork_data_root"`
	SigningRoot []struct {
		ObjectType string `json:"object_type"`
		Object     struct {
			Pubkey                string `json:"pubkey"`
			WithdrawalCredentials string `json:"withdrawal_credentials"`
			Amount                uint64 `json:"amount"`
		} `json:"object"`
		Domain   string  `json:"domain"`
		Valid    bool    `json:"valid"`
		Expected *string `json:"expected_signing_root"`
	} `json:"compute_signing_root"`
}

// TestDepositCLIVectors proves compute_deposit_domain, compute_fork_data_root
// and compute_signing_root match staking-deposit-cli, including its
// wrong-length error cases.
func TestDepositCLIVectors(t *testing.T) {
	var v sszVectors
	readJSON(t, "staking_deposit_cli_ssz_vectors.json", &v)
	passed := 0
	for i, c := range v.DepositDomain {
		t.Run("compute_deposit_domain/"+c.ForkVersion, func(t *testing.T) {
			version, err := signing.VersionFromBytes(unhex(t, c.ForkVersion))
			if !c.Valid {
				if !errors.Is(err, signing.ErrLength) {
					t.Fatalf("case %d: err = %v, want ErrLength", i, err)
				}
				passed++
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, err := signing.ComputeDepositDomain(version)
			if err != nil {
				t.Fatal(err)
			}
			if got := "0x" + hex.EncodeToString(d[:]); got != *c.ExpectedDomain {
				t.Fatalf("domain = %s, want %s", got, *c.ExpectedDomain)
			}
			passed++
		})
	}
	for _, c := range v.ForkDataRoot {
		t.Run("compute_fork_data_root/"+c.CurrentVersion, func(t *testing.T) {
			version, verr := signing.VersionFromBytes(unhex(t, c.CurrentVersion))
			gvr, gerr := signing.RootFromBytes(unhex(t, c.GVR))
			if gerr != nil {
				t.Fatal(gerr)
			}
			if !c.Valid {
				if !errors.Is(verr, signing.ErrLength) {
					t.Fatalf("err = %v, want ErrLength", verr)
				}
				passed++
				return
			}
			if verr != nil {
				t.Fatal(verr)
			}
			r, err := signing.ComputeForkDataRoot(version, gvr)
			if err != nil {
				t.Fatal(err)
			}
			if got := "0x" + hex.EncodeToString(r[:]); got != *c.Expected {
				t.Fatalf("fork data root = %s, want %s", got, *c.Expected)
			}
			passed++
		})
	}
	for _, c := range v.SigningRoot {
		t.Run("compute_signing_root/"+c.ObjectType+"/domain_len_"+strconv.Itoa(len(unhex(t, c.Domain))), func(t *testing.T) {
			msg := &phase0.DepositMessage{
				PublicKey:             phase0.BLSPubKey(unhex(t, c.Object.Pubkey)),
				WithdrawalCredentials: unhex(t, c.Object.WithdrawalCredentials),
				Amount:                phase0.Gwei(c.Object.Amount),
			}
			domain, err := signing.DomainFromBytes(unhex(t, c.Domain))
			if !c.Valid {
				if !errors.Is(err, signing.ErrLength) {
					t.Fatalf("err = %v, want ErrLength", err)
				}
				passed++
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r, err := signing.ComputeSigningRoot(msg, domain)
			if err != nil {
				t.Fatal(err)
			}
			if got := "0x" + hex.EncodeToString(r[:]); got != *c.Expected {
				t.Fatalf("signing root = %s, want %s", got, *c.Expected)
			}
			passed++
		})
	}
	if want := len(v.DepositDomain) + len(v.ForkDataRoot) + len(v.SigningRoot); passed != want || want != 9 {
		t.Fatalf("deposit-cli ssz vectors: %d of %d passed (want 9)", passed, want)
	}
	t.Logf("deposit-cli ssz vectors: %d passed", passed)
}

// TestDomainTypesMatchSpec proves every exported domain type equals the
// consensus-specs constant.
func TestDomainTypesMatchSpec(t *testing.T) {
	var v struct {
		DomainTypes map[string]string `json:"domain_types"`
	}
	readJSON(t, "domain_types.json", &v)
	ours := map[string]phase0.DomainType{
		"DOMAIN_BEACON_PROPOSER":                signing.DomainBeaconProposer,
		"DOMAIN_BEACON_ATTESTER":                signing.DomainBeaconAttester,
		"DOMAIN_RANDAO":                         signing.DomainRandao,
		"DOMAIN_DEPOSIT":                        signing.DomainDeposit,
		"DOMAIN_VOLUNTARY_EXIT":                 signing.DomainVoluntaryExit,
		"DOMAIN_SELECTION_PROOF":                signing.DomainSelectionProof,
		"DOMAIN_AGGREGATE_AND_PROOF":            signing.DomainAggregateAndProof,
		"DOMAIN_SYNC_COMMITTEE":                 signing.DomainSyncCommittee,
		"DOMAIN_SYNC_COMMITTEE_SELECTION_PROOF": signing.DomainSyncCommitteeSelectionProof,
		"DOMAIN_CONTRIBUTION_AND_PROOF":         signing.DomainContributionAndProof,
		"DOMAIN_BLS_TO_EXECUTION_CHANGE":        signing.DomainBLSToExecutionChange,
		"DOMAIN_APPLICATION_MASK":               signing.DomainApplicationBuilder,
	}
	for name, want := range v.DomainTypes {
		t.Run(name, func(t *testing.T) {
			got, ok := ours[name]
			if !ok {
				t.Fatalf("no exported constant for %s", name)
			}
			if g := "0x" + hex.EncodeToString(got[:]); g != want {
				t.Fatalf("%s = %s, want %s", name, g, want)
			}
		})
	}
	if len(v.DomainTypes) != len(ours) {
		t.Fatalf("spec lists %d domain types, we check %d", len(v.DomainTypes), len(ours))
	}
}

type exitVector struct {
	Name  string `json:"name"`
	Chain string `json:"chain"`
	Exit  struct {
		Epoch          uint64 `json:"epoch"`
		ValidatorIndex uint64 `json:"validator_index"`
	} `json:"voluntary_exit"`
	Pubkey        string `json:"pubkey"`
	Signature     string `json:"signature"`
	Domain        string `json:"domain"`
	SigningRoot   string `json:"signing_root"`
	ExpectedValid bool   `json:"expected_valid"`
}

func readExitVectors(t *testing.T) []exitVector {
	t.Helper()
	var v struct {
		Cases []exitVector `json:"cases"`
	}
	readJSON(t, "signed_voluntary_exit_vectors.json", &v)
	if len(v.Cases) != 6 {
		t.Fatalf("exit vectors: %d cases, want 6", len(v.Cases))
	}
	return v.Cases
}

// exitSigningRoot computes the EIP-7044 signing root of a vector's exit on its
// chain, as verified by that chain today (current epoch past Deneb).
func exitSigningRoot(t *testing.T, c exitVector) (phase0.Domain, phase0.Root) {
	t.Helper()
	n, err := signing.NetworkByName(c.Chain)
	if err != nil {
		t.Fatal(err)
	}
	domain, err := n.ExitDomain(n.DenebForkEpoch, phase0.Epoch(c.Exit.Epoch))
	if err != nil {
		t.Fatal(err)
	}
	exit := &phase0.VoluntaryExit{Epoch: phase0.Epoch(c.Exit.Epoch), ValidatorIndex: phase0.ValidatorIndex(c.Exit.ValidatorIndex)}
	root, err := signing.ComputeSigningRoot(exit, domain)
	if err != nil {
		t.Fatal(err)
	}
	return domain, root
}

// TestVoluntaryExitDomainAndRootEIP7044 proves the exit domain is pinned to
// the Capella fork version on each preset and the signing roots match the
// ethstaker-deposit-cli vectors.
func TestVoluntaryExitDomainAndRootEIP7044(t *testing.T) {
	for _, c := range readExitVectors(t) {
		t.Run(c.Name, func(t *testing.T) {
			domain, root := exitSigningRoot(t, c)
			if got := "0x" + hex.EncodeToString(domain[:]); got != c.Domain {
				t.Errorf("domain = %s, want %s", got, c.Domain)
			}
			if got := "0x" + hex.EncodeToString(root[:]); got != c.SigningRoot {
				t.Errorf("signing root = %s, want %s", got, c.SigningRoot)
			}
		})
	}
}
