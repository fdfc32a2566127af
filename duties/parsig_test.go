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
		out[pk] = ParSig{Root: root, Signature: sig}
	}
	return out
}

func TestParSigCodecRoundTripAndStrictness(t *testing.T) {
	tv := newTestValidators(t, 3)
	duty := Duty{Slot: 77, Type: DutyAttester}
	set := tv.partials(0, phase0.Root{9})
	b, err := EncodeParSigs(duty, set)
	if err != nil {
		t.Fatal(err)
	}
	gotDuty, gotSet, err := DecodeParSigs(b)
	if err != nil || gotDuty != duty || len(gotSet) != len(set) {
		t.Fatalf("round trip: %v %v %d", err, gotDuty, len(gotSet))
	}
	for pk, ps := range set {
		if gotSet[pk].Root != ps.Root || gotSet[pk].Signature != ps.Signature {
			t.Fatalf("round trip changed %x", pk[:4])
		}
	}
	again, _ := EncodeParSigs(gotDuty, gotSet)
	if !bytes.Equal(again, b) {
		t.Fatal("encoding is not canonical")
	}
	swapped := append([]byte{}, b...)
	copy(swapped[parSigHeader:], b[parSigHeader+parSigEntry:parSigHeader+2*parSigEntry])
	copy(swapped[parSigHeader+parSigEntry:], b[parSigHeader:parSigHeader+parSigEntry])
	badType := append([]byte{}, b...)
	badType[9] = 0xff
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short header", b[:5]},
		{"truncated entry", b[:len(b)-1]},
		{"trailing byte", append(append([]byte{}, b...), 0)},
		{"unsorted keys", swapped},
		{"unknown duty type", badType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := DecodeParSigs(tc.b); !errors.Is(err, ErrMalformedParSigs) {
				t.Fatalf("got %v, want ErrMalformedParSigs", err)
			}
		})
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
		pk   PubKey
	}
	var mu sync.Mutex
	var blamed []blame
	recv := newExchange(net.Transport(0), tv.public, seededReaderOf(1), zap.NewNop(), invalid,
		func(_ Duty, from int, pk PubKey, _ string) {
			mu.Lock()
			blamed = append(blamed, blame{from, pk})
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
		func(Duty, int, PubKey, string) {})
	root := phase0.Root{4}
	set := tv.partials(2, root)
	forged := tv.partials(1, root)[tv.pubkeys[3]] // operator 1's partial sent as operator 2's
	set[tv.pubkeys[3]] = forged
	if err := send.Broadcast(context.Background(), Duty{Slot: 5, Type: DutyAttester}, set); err != nil {
		t.Fatal(err)
	}
	net.Wait()
	valid := <-got
	if len(valid) != 3 {
		t.Fatalf("delivered %d partials, want the 3 valid ones", len(valid))
	}
	if _, ok := valid[tv.pubkeys[3]]; ok {
		t.Fatal("the forged partial was delivered")
	}
	if len(blamed) != 1 || blamed[0] != (blame{2, tv.pubkeys[3]}) {
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
				msgs[pk] = &Message{Root: root}
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
			for pk, sig := range out[0] {
				s, err := bls.SignatureFromBytes(sig[:])
				if err != nil || !s.Verify(tv.group[pk], root[:]) {
					t.Fatalf("recovered signature of %x does not verify", pk[:4])
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
