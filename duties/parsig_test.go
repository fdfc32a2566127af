package duties

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// testValidators splits nVals seeded keys 3-of-4.
type testValidators struct {
	pubkeys []PubKey
	group   map[PubKey]*bls.PublicKey
	secrets map[PubKey]map[uint64]*bls.SecretKey // share index -> share
	public  map[PubKey][]*bls.PublicKey          // operator index -> public share
}

func newTestValidators(t *testing.T, nVals int) *testValidators {
	t.Helper()
	r := seededReaderOf(11)
	tv := &testValidators{group: map[PubKey]*bls.PublicKey{}, secrets: map[PubKey]map[uint64]*bls.SecretKey{},
		public: map[PubKey][]*bls.PublicKey{}}
	for range nVals {
		sk, err := bls.GenerateSecretKey(r)
		if err != nil {
			t.Fatal(err)
		}
		shares, err := bls.Split(sk, 4, 3, r)
		if err != nil {
			t.Fatal(err)
		}
		var pk PubKey
		copy(pk[:], sk.PublicKey().Bytes())
		tv.pubkeys = append(tv.pubkeys, pk)
		tv.group[pk] = sk.PublicKey()
		tv.secrets[pk] = shares
		for i := range 4 {
			tv.public[pk] = append(tv.public[pk], shares[uint64(i+1)].PublicKey())
		}
	}
	return tv
}

// partials returns operator op's partial signatures of root for every validator.
func (tv *testValidators) partials(op int, root phase0.Root) ParSignedSet {
	out := ParSignedSet{}
	for _, pk := range tv.pubkeys {
		var sig phase0.BLSSignature
		copy(sig[:], tv.secrets[pk][uint64(op+1)].Sign(root[:]).Bytes())
		out[Key{PubKey: pk}] = ParSig{Root: root, Signature: sig}
	}
	return out
}

// subPartials returns operator op's partial signatures of root for every validator in each of subs.
func (tv *testValidators) subPartials(op int, root phase0.Root, subs ...uint64) ParSignedSet {
	out := ParSignedSet{}
	for k, ps := range tv.partials(op, root) {
		for _, sub := range subs {
			out[Key{PubKey: k.PubKey, Subcommittee: sub}] = ps
		}
	}
	return out
}

// TestParSigCodecRoundTripAndStrictness round-trips a batch of a per-validator duty and one of a duty
// performed per sync subcommittee (keys with a subcommittee byte), checks that the encoding is canonical
// and that the per-validator layout is unchanged, and refuses every non-canonical or out-of-range batch.
func TestParSigCodecRoundTripAndStrictness(t *testing.T) {
	tv := newTestValidators(t, 3)
	for _, tc := range []struct {
		name  string
		duty  Duty
		set   ParSignedSet
		entry int
	}{
		{"attester", Duty{Slot: 77, Type: DutyAttester}, tv.partials(0, phase0.Root{9}), parSigEntry},
		{"sync contribution, subcommittees 0 2 3", Duty{Slot: 78, Type: DutySyncContribution},
			tv.subPartials(0, phase0.Root{9}, 0, 2, 3), parSigEntry + 1},
		{"sync selection, subcommittee 1", Duty{Slot: 79, Type: DutyPrepareSyncContribution},
			tv.subPartials(0, phase0.Root{9}, 1), parSigEntry + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := EncodeParSigs(tc.duty, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != parSigHeader+len(tc.set)*tc.entry {
				t.Fatalf("%d bytes for %d entries, want %d-byte entries", len(b), len(tc.set), tc.entry)
			}
			gotDuty, gotSet, err := DecodeParSigs(b)
			if err != nil || gotDuty != tc.duty || len(gotSet) != len(tc.set) {
				t.Fatalf("round trip: %v %v %d", err, gotDuty, len(gotSet))
			}
			for k, ps := range tc.set {
				if gotSet[k].Root != ps.Root || gotSet[k].Signature != ps.Signature {
					t.Fatalf("round trip changed %s", k)
				}
			}
			again, _ := EncodeParSigs(gotDuty, gotSet)
			if !bytes.Equal(again, b) {
				t.Fatal("encoding is not canonical")
			}
			e := tc.entry
			swapped := append([]byte{}, b...)
			copy(swapped[parSigHeader:], b[parSigHeader+e:parSigHeader+2*e])
			copy(swapped[parSigHeader+e:], b[parSigHeader:parSigHeader+e])
			dup := append([]byte{}, b...)
			copy(dup[parSigHeader+e:], b[parSigHeader:parSigHeader+e])
			badType := append([]byte{}, b...)
			badType[9] = 0xff
			cases := []struct {
				name string
				b    []byte
			}{
				{"empty", nil},
				{"short header", b[:5]},
				{"truncated entry", b[:len(b)-1]},
				{"trailing byte", append(append([]byte{}, b...), 0)},
				{"unsorted keys", swapped},
				{"repeated key", dup},
				{"unknown duty type", badType},
			}
			if tc.duty.Type.BySubcommittee() {
				badSub := append([]byte{}, b...)
				badSub[parSigHeader+48] = SyncCommitteeSubnetCount
				cases = append(cases, struct {
					name string
					b    []byte
				}{"subcommittee out of range", badSub})
			}
			for _, c := range cases {
				if _, _, err := DecodeParSigs(c.b); !errors.Is(err, ErrMalformedParSigs) {
					t.Errorf("%s: got %v, want ErrMalformedParSigs", c.name, err)
				}
			}
		})
	}
	// A key's subcommittee must fit its duty type: none for a per-validator type, < 4 otherwise.
	for _, tc := range []struct {
		name string
		duty Duty
		set  ParSignedSet
	}{
		{"subcommittee in an attester batch", Duty{Slot: 1, Type: DutyAttester}, tv.subPartials(0, phase0.Root{1}, 1)},
		{"subcommittee 4", Duty{Slot: 1, Type: DutySyncContribution}, tv.subPartials(0, phase0.Root{1}, 4)},
	} {
		if _, err := EncodeParSigs(tc.duty, tc.set); err == nil {
			t.Errorf("%s: encoded, want an error", tc.name)
		}
	}
}

// TestExchangeDropsAndAttributesInvalidPartials sends a batch in which one partial is signed with another
// operator's share: the receiver delivers the valid ones only and attributes the bad one to the sender in
// metrics and to the tracker.
func TestExchangeDropsAndAttributesInvalidPartials(t *testing.T) {
	tv := newTestValidators(t, 4)
	net := NewInmemParSigNetwork(4)
	invalid := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x"}, []string{"operator", "reason"})
	type blame struct {
		from int
		key  Key
	}
	var mu sync.Mutex
	var blamed []blame
	recv := newExchange(net.Transport(0), tv.public, seededReaderOf(1), zap.NewNop(), invalid,
		func(_ Duty, from int, k Key, _ string) {
			mu.Lock()
			blamed = append(blamed, blame{from, k})
			mu.Unlock()
		})
	got := make(chan ParSignedSet, 1)
	recv.Subscribe(func(_ context.Context, _ Duty, from int, set ParSignedSet) {
		if from != 2 {
			t.Errorf("delivered from operator %d, want 2", from)
		}
		got <- set
	})
	send := newExchange(net.Transport(2), tv.public, seededReaderOf(2), zap.NewNop(), invalid,
		func(Duty, int, Key, string) {})
	root := phase0.Root{4}
	set := tv.partials(2, root)
	forged := tv.partials(1, root)[Key{PubKey: tv.pubkeys[3]}] // operator 1's partial sent as operator 2's
	set[Key{PubKey: tv.pubkeys[3]}] = forged
	if err := send.Broadcast(context.Background(), Duty{Slot: 5, Type: DutyAttester}, set); err != nil {
		t.Fatal(err)
	}
	net.Wait()
	valid := <-got
	if len(valid) != 3 {
		t.Fatalf("delivered %d partials, want the 3 valid ones", len(valid))
	}
	if _, ok := valid[Key{PubKey: tv.pubkeys[3]}]; ok {
		t.Fatal("the forged partial was delivered")
	}
	if len(blamed) != 1 || blamed[0] != (blame{2, Key{PubKey: tv.pubkeys[3]}}) {
		t.Fatalf("blamed %v, want operator 2 for validator 3", blamed)
	}
	if v := counterValue(t, invalid.WithLabelValues("2", "bad_signature")); v != 1 {
		t.Fatalf("invalid partial metric for operator 2 = %v, want 1", v)
	}
}

func TestAggregatorRecoversFromAnyThresholdOfOwnRoot(t *testing.T) {
	tv := newTestValidators(t, 2)
	root, other := phase0.Root{7}, phase0.Root{8}
	for _, tc := range []struct {
		name string
		// adds lists which operators send partials over which root, in order.
		adds []struct {
			op   int
			root phase0.Root
		}
		want bool
	}{
		{"three of our root", []struct {
			op   int
			root phase0.Root
		}{{0, root}, {2, root}, {3, root}}, true},
		{"two of our root and one other", []struct {
			op   int
			root phase0.Root
		}{{0, root}, {2, root}, {3, other}}, false},
		{"any three of four", []struct {
			op   int
			root phase0.Root
		}{{3, other}, {1, root}, {0, root}, {2, root}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			agg := newAggregator(3, tv.group, seededReaderOf(3), zap.NewNop(), prometheus.NewCounter(prometheus.CounterOpts{Name: "f"}))
			var out []SignedSet
			agg.Subscribe(func(_ context.Context, _ Duty, s SignedSet) { out = append(out, s) })
			duty := Duty{Slot: 1, Type: DutyAttester}
			msgs := UnsignedSet{}
			for _, pk := range tv.pubkeys {
				msgs[Key{PubKey: pk}] = &Message{Root: root}
			}
			agg.Expect(duty, msgs)
			for _, a := range tc.adds {
				agg.Add(context.Background(), duty, a.op, tv.partials(a.op, a.root))
			}
			if !tc.want {
				if len(out) != 0 {
					t.Fatalf("recovered %d sets, want none", len(out))
				}
				return
			}
			if len(out) != 1 || len(out[0]) != len(tv.pubkeys) {
				t.Fatalf("got %d sets, want one batch of all validators", len(out))
			}
			for k, sig := range out[0] {
				s, err := bls.SignatureFromBytes(sig[:])
				if err != nil || !s.Verify(tv.group[k.PubKey], root[:]) {
					t.Fatalf("recovered signature of %s does not verify", k)
				}
			}
		})
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
