package deposit_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/eth2/signing"
)

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

var withdrawalAddr = common.HexToAddress("0x00000000000000000000000000000000000000f1")

func devnet(t *testing.T) *signing.Network {
	t.Helper()
	n, err := signing.NewDevnet(signing.Network{
		Name:                 "stinger-devnet",
		GenesisForkVersion:   phase0.Version{0x10, 0, 0, 0x38},
		AltairForkVersion:    phase0.Version{0x20, 0, 0, 0x38},
		BellatrixForkVersion: phase0.Version{0x30, 0, 0, 0x38},
		CapellaForkVersion:   phase0.Version{0x40, 0, 0, 0x38},
		DenebForkVersion:     phase0.Version{0x50, 0, 0, 0x38},
		ElectraForkVersion:   phase0.Version{0x60, 0, 0, 0x38},
		FuluForkVersion:      phase0.Version{0x70, 0, 0, 0x38},
		FuluForkEpoch:        signing.FarFutureEpoch,
		GenesisTime:          time.Unix(1_700_000_000, 0),
		DepositContract:      common.HexToAddress("0x4242424242424242424242424242424242424242"),
		DepositChainID:       1337,
		SlotsPerEpoch:        8,
		SlotDuration:         2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignVerifyWriteRead proves 0x01 and 0x02 deposits of 1 to 2048 ETH
// are built, signed, verified, written (0644) and read back unchanged on
// presets and on a devnet without a genesis validators root.
func TestSignVerifyWriteRead(t *testing.T) {
	networks := []*signing.Network{signing.Mainnet(), signing.Hoodi(), devnet(t)}
	creds := map[string][]byte{
		"0x01": deposit.ExecutionCredentials(withdrawalAddr),
		"0x02": deposit.CompoundingCredentials(withdrawalAddr),
	}
	amounts := []phase0.Gwei{deposit.MinAmount, deposit.MinAmount + 1, deposit.DefaultAmount, 1234_567_890_123, deposit.MaxAmount}
	for _, n := range networks {
		for cname, c := range creds {
			t.Run(n.Name+"/"+cname, func(t *testing.T) {
				var entries []deposit.Data
				for i, a := range amounts {
					d, err := deposit.Sign(n, testKey(t, uint64(i)), c, a)
					if err != nil {
						t.Fatal(err)
					}
					if d.NetworkName != n.Name || d.ForkVersion != n.GenesisForkVersion || d.Amount != a {
						t.Fatalf("entry fields: %+v", d)
					}
					entries = append(entries, *d)
				}
				if err := deposit.Verify(entries, n); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "deposit_data.json")
				if err := deposit.WriteFile(path, entries, n); err != nil {
					t.Fatal(err)
				}
				if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
					t.Fatalf("file mode: %v %v", info.Mode(), err)
				}
				back, err := deposit.VerifyFile(path, n)
				if err != nil {
					t.Fatal(err)
				}
				for i := range entries {
					if back[i].DepositDataRoot != entries[i].DepositDataRoot || back[i].Signature != entries[i].Signature {
						t.Fatalf("entry %d changed on disk", i)
					}
				}
				if err := deposit.WriteFile(path, entries, n); !errors.Is(err, deposit.ErrFileExists) {
					t.Fatalf("second write: err = %v, want ErrFileExists", err)
				}
			})
		}
	}
}

// TestCompleteWithThresholdSignature proves a deposit can be completed with
// a signature recovered from t of n threshold partial signatures, and that a
// signature from another key is refused.
func TestCompleteWithThresholdSignature(t *testing.T) {
	sk := testKey(t, 42)
	shares, err := bls.Split(sk, 4, 3, seeded(43))
	if err != nil {
		t.Fatal(err)
	}
	u, err := deposit.NewUnsigned(signing.Mainnet(), sk.PublicKey(), deposit.CompoundingCredentials(withdrawalAddr), 64*deposit.GweiPerETH)
	if err != nil {
		t.Fatal(err)
	}
	root := make([]byte, 32)
	copy(root, u.SigningRoot[:])
	partials := map[uint64]*bls.Signature{}
	for _, i := range []uint64{1, 3, 4} {
		partials[i] = shares[i].Sign(root)
	}
	group, err := bls.RecoverSignature(partials)
	if err != nil {
		t.Fatal(err)
	}
	d, err := u.Complete(group)
	if err != nil {
		t.Fatal(err)
	}
	if err := deposit.Verify([]deposit.Data{*d}, signing.Mainnet()); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Complete(shares[1].Sign(root)); !errors.Is(err, deposit.ErrInvalidSignature) {
		t.Fatalf("partial signature accepted: err = %v", err)
	}
	if _, err := u.Complete(nil); !errors.Is(err, deposit.ErrInvalidSignature) {
		t.Fatalf("nil signature: err = %v", err)
	}
}

func TestNewUnsignedRejectsBadInput(t *testing.T) {
	pk := testKey(t, 1).PublicKey()
	good := deposit.ExecutionCredentials(withdrawalAddr)
	padded := deposit.ExecutionCredentials(withdrawalAddr)
	padded[5] = 1
	unknown := deposit.ExecutionCredentials(withdrawalAddr)
	unknown[0] = 0x03
	bls00 := make([]byte, 32)
	tests := []struct {
		name   string
		net    *signing.Network
		creds  []byte
		amount phase0.Gwei
		field  string
	}{
		{"zero amount", signing.Mainnet(), good, 0, "amount"},
		{"just under 1 ETH", signing.Mainnet(), good, deposit.MinAmount - 1, "amount"},
		{"just over 2048 ETH", signing.Mainnet(), good, deposit.MaxAmount + 1, "amount"},
		{"0x00 credentials", signing.Mainnet(), bls00, deposit.DefaultAmount, "withdrawal_credentials"},
		{"0x03 prefix", signing.Mainnet(), unknown, deposit.DefaultAmount, "withdrawal_credentials"},
		{"non-zero padding", signing.Mainnet(), padded, deposit.DefaultAmount, "withdrawal_credentials"},
		{"short credentials", signing.Mainnet(), good[:31], deposit.DefaultAmount, "withdrawal_credentials"},
		{"nil network", nil, good, deposit.DefaultAmount, "nil network"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := deposit.NewUnsigned(tt.net, pk, tt.creds, tt.amount)
			if !errors.Is(err, deposit.ErrInvalidDeposit) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want ErrInvalidDeposit naming %s", err, tt.field)
			}
		})
	}
	if _, err := deposit.Sign(signing.Mainnet(), nil, good, deposit.DefaultAmount); err == nil {
		t.Fatal("nil key accepted")
	}
}

func TestCredentialsLayout(t *testing.T) {
	for name, tc := range map[string]struct {
		c      []byte
		prefix byte
	}{
		"execution":   {deposit.ExecutionCredentials(withdrawalAddr), 0x01},
		"compounding": {deposit.CompoundingCredentials(withdrawalAddr), 0x02},
	} {
		if len(tc.c) != 32 || tc.c[0] != tc.prefix || common.BytesToAddress(tc.c[12:]) != withdrawalAddr {
			t.Errorf("%s credentials = %x", name, tc.c)
		}
		for _, b := range tc.c[1:12] {
			if b != 0 {
				t.Errorf("%s padding not zero: %x", name, tc.c)
			}
		}
	}
}
