package consensus_test

import (
	"context"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
)

// scriptTransport lets a test play a runner's peers: it injects inbound
// messages and reads what the runner broadcasts.
type scriptTransport struct {
	in  chan consensus.Inbound
	out chan []byte
}

func (t *scriptTransport) Broadcast(_ context.Context, data []byte) error {
	t.out <- data
	return nil
}

func (t *scriptTransport) Messages() <-chan consensus.Inbound { return t.in }

// awaitBroadcast returns the runner's next broadcast, which must be typ for duty.
func (t *scriptTransport) awaitBroadcast(tb testing.TB, duty qbft.InstanceID, typ qbft.MsgType) qbft.Envelope {
	tb.Helper()
	select {
	case data := <-t.out:
		e, err := qbft.UnmarshalEnvelope(data)
		if err != nil {
			tb.Fatal(err)
		}
		if e.Instance != duty || e.Type != typ {
			tb.Fatalf("runner broadcast %s for %s, want %s for %s", e.Type, e.Instance, typ, duty)
		}
		return e
	case <-time.After(5 * time.Second):
		tb.Fatalf("runner did not broadcast %s for %s", typ, duty)
	}
	return qbft.Envelope{}
}

// A signed message is verified once: the same message with the same
// signature bytes inside a later justification (or received again on its
// own) is not verified again, our own messages are not verified at all, and
// a copy carrying another signature is still verified and rejected.
func TestRunner_VerifiesEachSignedMessageOnce(t *testing.T) {
	const n = 4
	duty := qbft.InstanceID{Slot: 1, Duty: 1}
	value := []byte("v")
	privs, pubs := testKeys(t, n, crypto.Ed25519)
	signers := make([]*consensus.KeySigner, n)
	for i := range signers {
		signers[i], _ = consensus.NewKeySigner(privs[i])
	}
	sign := func(src int, m qbft.Message, v []byte, just []qbft.Signed) qbft.Envelope {
		m.Instance, m.Source = duty, uint16(src)
		e := qbft.Envelope{Signed: qbft.Signed{Message: m}, Value: v, Justification: just}
		sig, err := signers[src].Sign(e.SigningBytes())
		if err != nil {
			t.Fatal(err)
		}
		e.Signature = sig
		return e
	}
	hash := qbft.HashValue(value)
	pp := sign(1, qbft.Message{Type: qbft.MsgPrePrepare, Round: 1, ValueHash: hash}, value, nil)
	prepare := func(src int) qbft.Envelope {
		return sign(src, qbft.Message{Type: qbft.MsgPrepare, Round: 1, ValueHash: hash}, nil, nil)
	}
	prepare1, prepare2 := prepare(1), prepare(2)
	forged2 := prepare2.Signed
	forged2.Signature = append([]byte(nil), prepare2.Signature...)
	forged2.Signature[0] ^= 1
	roundChange := func(ownPrepare qbft.Signed, second qbft.Signed) qbft.Envelope {
		return sign(3, qbft.Message{Type: qbft.MsgRoundChange, Round: 2, ValueHash: hash, PreparedRound: 1}, value,
			[]qbft.Signed{ownPrepare, prepare1.Signed, second})
	}

	for _, tc := range []struct {
		name string
		// forge makes the round change carry prepare 2 with a bad signature.
		forge        bool
		wantVerifies int64
		wantInvalid  float64
	}{
		// PRE-PREPARE, PREPARE 2, the ROUND-CHANGE and the one new PREPARE
		// (from 1) of its justification: ours and 2's are known, and so is
		// PREPARE 1 when it then arrives on its own. (7 without the cache.)
		{name: "known messages in a justification and again on their own", wantVerifies: 4},
		// As above, but the justification's copy of PREPARE 2 carries another
		// signature: checked and rejected, with the whole ROUND-CHANGE.
		{name: "known message with another signature", forge: true, wantVerifies: 5, wantInvalid: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			verifier, err := consensus.NewKeyVerifier(pubs)
			if err != nil {
				t.Fatal(err)
			}
			counter := &countingVerifier{Verifier: verifier}
			tr := &scriptTransport{in: make(chan consensus.Inbound, 16), out: make(chan []byte, 16)}
			reg := prometheus.NewRegistry()
			r, err := consensus.New(consensus.Config{
				N: n, Self: 0, Transport: tr, Signer: signers[0], Verifier: counter, Store: consensus.NewMemStore(),
				CheckValue: func(qbft.InstanceID, []byte) error { return nil },
				Deadline:   func(qbft.InstanceID) time.Time { return time.Now().Add(time.Minute) },
				Leader:     func(_ qbft.InstanceID, round uint32) uint16 { return uint16(round % n) },
				Timeout:    qbft.IncreasingTimeout(time.Minute, time.Minute),
				Registerer: reg,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); _ = r.Run(ctx) }()
			defer func() { cancel(); <-done }()
			send := func(from int, e qbft.Envelope) {
				data, err := e.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				tr.in <- consensus.Inbound{From: from, Data: data}
			}

			if err := r.Propose(ctx, duty, []byte("own")); err != nil {
				t.Fatal(err)
			}
			send(1, pp)
			own := tr.awaitBroadcast(t, duty, qbft.MsgPrepare)
			send(2, prepare2)
			second := prepare2.Signed
			if tc.forge {
				second = forged2
			}
			send(3, roundChange(own.Signed, second))
			send(1, prepare1)
			// PREPAREs from 0, 1 and 2: a quorum, so the runner commits; by
			// then (one receive queue) it has handled the round change.
			tr.awaitBroadcast(t, duty, qbft.MsgCommit)
			if got := counter.n.Load(); got != tc.wantVerifies {
				t.Errorf("%d signature checks, want %d", got, tc.wantVerifies)
			}
			if got := sumFamily(t, reg, "stinger_consensus_invalid_messages_total", "signature"); got != tc.wantInvalid {
				t.Errorf("%v messages rejected for their signature, want %v", got, tc.wantInvalid)
			}
		})
	}
}
