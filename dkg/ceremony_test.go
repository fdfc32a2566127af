package dkg

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
)

func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return rand.NewChaCha8(s)
}

// testCluster returns n operator keys and an approved definition.
func testCluster(t testing.TB, n, validators int) ([]crypto.PrivKey, *cluster.Definition) {
	t.Helper()
	r := seeded(uint64(1000 + n))
	keys := make([]crypto.PrivKey, n)
	ops := make([]cluster.Operator, n)
	for i := range n {
		k, _, err := crypto.GenerateSecp256k1Key(r)
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := peer.IDFromPrivateKey(k)
		keys[i] = k
		ops[i] = cluster.Operator{PeerID: pid.String(), Addresses: []string{}, Name: fmt.Sprintf("op%d", i)}
	}
	def, err := cluster.NewDefinition(cluster.NewDefinitionParams{
		Name: "dkg test", Operators: ops, NumValidators: validators, Network: "hoodi", ForkVersion: "0x10000910",
		WithdrawalAddresses: []string{"0x000000000000000000000000000000000000dEaD"},
		FeeRecipients:       []string{"0x1111111111111111111111111111111111111111"},
		Now:                 time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if err := def.Approve(k); err != nil {
			t.Fatal(err)
		}
	}
	return keys, def
}

type outcome struct {
	res *Result
	err error
}

// runCeremony runs every operator in process; skip lists operators that never start.
func runCeremony(t testing.TB, keys []crypto.PrivKey, def *cluster.Definition, timeout time.Duration, tampers map[int]*tamper, skip ...int) []outcome {
	t.Helper()
	n := len(keys)
	net := NewMemNetwork(n)
	absent := make(map[int]bool)
	for _, s := range skip {
		absent[s] = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		if absent[i] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Run(ctx, Config{Definition: def, Key: keys[i], Transport: net.Transport(i), Rand: seeded(uint64(i)), tamper: tampers[i]})
			out[i] = outcome{res, err}
		}()
	}
	wg.Wait()
	return out
}

func TestCeremonyProducesConsistentThresholdKeys(t *testing.T) {
	for _, tc := range []struct{ n, validators int }{{4, 3}, {7, 2}, {10, 1}} {
		t.Run(fmt.Sprintf("n=%d", tc.n), func(t *testing.T) {
			keys, def := testCluster(t, tc.n, tc.validators)
			outs := runCeremony(t, keys, def, time.Minute, nil)
			var lockBytes []byte
			for i, o := range outs {
				if o.err != nil {
					t.Fatalf("operator %d: %v", i, o.err)
				}
				raw, err := o.res.Lock.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				if lockBytes == nil {
					lockBytes = raw
				} else if !bytes.Equal(raw, lockBytes) {
					t.Fatalf("operator %d's lock differs", i)
				}
			}
			lock := outs[0].res.Lock
			if err := lock.Verify(); err != nil {
				t.Fatalf("lock verify: %v", err)
			}
			thr := def.Threshold
			for v, dv := range lock.Validators {
				// Each share matches its public share.
				for i, o := range outs {
					if got := "0x" + hex.EncodeToString(o.res.Shares[v].PublicKey().Bytes()); got != dv.PublicShares[i] {
						t.Fatalf("validator %d operator %d: share's public key %s != public share %s", v, i, got, dv.PublicShares[i])
					}
				}
				// Any t shares (windows and a shuffled pick) recover the group key; t-1 do not.
				for start := 0; start+thr <= tc.n; start++ {
					subset := make(map[uint64]*bls.SecretKey)
					for i := start; i < start+thr; i++ {
						subset[uint64(i+1)] = outs[i].res.Shares[v]
					}
					sk, err := bls.RecoverSecret(subset)
					if err != nil {
						t.Fatal(err)
					}
					if got := "0x" + hex.EncodeToString(sk.PublicKey().Bytes()); got != dv.PublicKey {
						t.Fatalf("validator %d: shares %d..%d recover %s, lock has %s", v, start, start+thr-1, got, dv.PublicKey)
					}
					delete(subset, uint64(start+1))
					sk, err = bls.RecoverSecret(subset)
					if err == nil && "0x"+hex.EncodeToString(sk.PublicKey().Bytes()) == dv.PublicKey {
						t.Fatalf("validator %d: t-1 shares recovered the key", v)
					}
				}
			}
		})
	}
}

func TestCeremonyNamesDealerOfBadShare(t *testing.T) {
	keys, def := testCluster(t, 4, 2)
	outs := runCeremony(t, keys, def, time.Minute, map[int]*tamper{1: {badShare: true, badShareFor: 2}})
	for i, o := range outs {
		var oe *OperatorError
		if !errors.As(o.err, &oe) {
			t.Fatalf("operator %d: error %v, want an OperatorError", i, o.err)
		}
		if len(oe.Operators) != 1 || oe.Operators[0] != 1 || oe.Round != RoundJustify {
			t.Fatalf("operator %d: blamed %v in round %s, want [1] in justify", i, oe.Operators, oe.Round)
		}
		if !strings.Contains(o.err.Error(), `"op1"`) {
			t.Fatalf("operator %d: error does not name op1: %v", i, o.err)
		}
	}
}

func TestCeremonyNamesDealerOfBadCommitment(t *testing.T) {
	keys, def := testCluster(t, 4, 2)
	outs := runCeremony(t, keys, def, time.Minute, map[int]*tamper{3: {badCommitment: true}})
	for i, o := range outs {
		var oe *OperatorError
		if !errors.As(o.err, &oe) || len(oe.Operators) != 1 || oe.Operators[0] != 3 {
			t.Fatalf("operator %d: error %v, want operator 3 blamed", i, o.err)
		}
	}
}

func TestCeremonyTimesOutNamingAbsentOperator(t *testing.T) {
	keys, def := testCluster(t, 4, 1)
	outs := runCeremony(t, keys, def, 2*time.Second, nil, 2)
	for i, o := range outs {
		if i == 2 {
			continue
		}
		var me *MissingError
		if !errors.As(o.err, &me) {
			t.Fatalf("operator %d: error %v, want a MissingError", i, o.err)
		}
		if me.Round != RoundDeal || len(me.Operators) != 1 || me.Operators[0] != 2 || !strings.Contains(o.err.Error(), `"op2"`) {
			t.Fatalf("operator %d: %v", i, o.err)
		}
		if !errors.Is(o.err, context.DeadlineExceeded) {
			t.Fatalf("operator %d: not a deadline error: %v", i, o.err)
		}
	}
}

func TestCeremonyRefusesUnapprovedDefinition(t *testing.T) {
	keys, def := testCluster(t, 4, 1)
	def.Operators[3].Approval = ""
	_, err := Run(context.Background(), Config{Definition: def, Key: keys[0], Transport: NewMemNetwork(4).Transport(0), Rand: seeded(1)})
	if err == nil || !strings.Contains(err.Error(), "lacks the approval") {
		t.Fatalf("error = %v", err)
	}
}

func TestMalformedDealingIsBlamedOnItsSender(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload []byte
	}{
		{"empty", nil},
		{"truncated", []byte{0, 0, 0, 1, 0, 0, 0}},
		{"huge count", []byte{0xff, 0xff, 0xff, 0xff}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodeDealing(tc.payload, 4, 3, 1); !errors.Is(err, errMalformed) {
				t.Fatalf("error = %v, want errMalformed", err)
			}
		})
	}
}

func BenchmarkCeremony(b *testing.B) {
	for _, v := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("validators=%d", v), func(b *testing.B) {
			keys, def := testCluster(b, 4, v)
			for b.Loop() {
				outs := runCeremony(b, keys, def, 10*time.Minute, nil)
				if outs[0].err != nil {
					b.Fatal(outs[0].err)
				}
			}
		})
	}
}
