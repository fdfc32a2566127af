package dkg

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
	"github.com/stingerdvt/stinger/eth2/keystore"
)

func TestDealWritesVerifiableOutputs(t *testing.T) {
	keys, def := testCluster(t, 4, 3)
	for i := range def.Operators {
		def.Operators[i].Approval = ""
	}
	existing := make([]*bls.SecretKey, 3)
	r := seeded(7)
	for i := range existing {
		sk, err := bls.GenerateSecretKey(r)
		if err != nil {
			t.Fatal(err)
		}
		existing[i] = sk
	}
	lock, shares, err := Deal(DealerParams{Definition: def, Keys: keys, Secrets: existing, Rand: r})
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Verify(); err != nil {
		t.Fatal(err)
	}
	// Splitting existing keys keeps each validator's public key.
	for v, sk := range existing {
		if got := lock.Validators[v].PublicKey; got != "0x"+hex.EncodeToString(sk.PublicKey().Bytes()) {
			t.Fatalf("validator %d: lock key %s is not the existing key", v, got)
		}
	}
	dir := t.TempDir()
	opts := OutputOptions{Rand: seeded(8), Keystore: []keystore.Option{keystore.WithPBKDF2(16)}}
	if err := WriteOutputs(dir, lock, shares[2], opts); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for _, p := range []string{KeystorePath(dir, i), PasswordPath(dir, i)} {
			info, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %o, want 0600", p, info.Mode().Perm())
			}
		}
	}
	loaded, err := LoadShares(dir, lock, 2)
	if err != nil {
		t.Fatal(err)
	}
	for v := range loaded {
		if !loaded[v].Equal(shares[2][v]) {
			t.Fatalf("validator %d: loaded share differs", v)
		}
	}
	// Loading with the wrong operator index is caught.
	if _, err := LoadShares(dir, lock, 1); err == nil || !strings.Contains(err.Error(), "public share") {
		t.Fatalf("wrong operator index: %v", err)
	}
	deposits, err := deposit.VerifyFile(filepath.Join(dir, DepositDataFileName), def.DepositNetwork())
	if err != nil {
		t.Fatal(err)
	}
	if len(deposits) != 3 {
		t.Fatalf("%d deposits, want 3", len(deposits))
	}
	// A second run never overwrites the first.
	if err := WriteOutputs(dir, lock, shares[2], opts); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Fatalf("second write: %v", err)
	}
}

func TestLockVerifyReportsTampering(t *testing.T) {
	keys, def := testCluster(t, 4, 2)
	for i := range def.Operators {
		def.Operators[i].Approval = ""
	}
	lock, _, err := Deal(DealerParams{Definition: def, Keys: keys, Rand: seeded(9)})
	if err != nil {
		t.Fatal(err)
	}
	copyLock := func() *cluster.Lock {
		raw, _ := lock.Marshal()
		var l cluster.Lock
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatal(err)
		}
		return &l
	}
	tests := []struct {
		name   string
		mutate func(l *cluster.Lock)
		want   string
	}{
		{"swapped public shares", func(l *cluster.Lock) {
			ps := l.Validators[0].PublicShares
			ps[0], ps[1] = ps[1], ps[0]
			l.LockHash = rehash(t, l)
		}, "do not interpolate"},
		{"changed amount", func(l *cluster.Lock) { l.Validators[1].DepositData[0].Amount = 1 }, "lock_hash"},
		{"bad deposit signature", func(l *cluster.Lock) {
			d := &l.Validators[1].DepositData[0]
			d.Signature = l.Validators[0].DepositData[0].Signature
			l.LockHash = rehash(t, l)
		}, "deposit_data_root"},
		{"deposit for another network", func(l *cluster.Lock) {
			l.Validators[0].DepositData[0].NetworkName = "mainnet"
			l.LockHash = rehash(t, l)
		}, "network_name"},
		{"forged operator signature", func(l *cluster.Lock) { l.Signatures[3] = l.Signatures[2] }, "operator_signatures[3]"},
		{"missing validator", func(l *cluster.Lock) { l.Validators = l.Validators[:1]; l.LockHash = rehash(t, l) }, "distributed_validators: 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := copyLock()
			tc.mutate(l)
			err := l.Verify()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func rehash(t *testing.T, l *cluster.Lock) string {
	h, err := l.ComputeHash()
	if err != nil {
		t.Fatal(err)
	}
	return "0x" + hex.EncodeToString(h)
}
