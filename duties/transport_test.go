package duties_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/p2p"
)

// TestP2PTransportDeliversBatchesWithSenderIndex runs three in-process libp2p nodes on 127.0.0.1: a batch
// broadcast by operator 0 reaches operators 1 and 2, attributed to operator 0.
func TestP2PTransportDeliversBatchesWithSenderIndex(t *testing.T) {
	const n = 3
	keys := make([]crypto.PrivKey, n)
	peers := make([]p2p.Peer, n)
	ids := make([]peer.ID, n)
	for i := range n {
		var s [32]byte
		s[0] = byte(i + 1)
		raw := make([]byte, 32)
		_, _ = rand.NewChaCha8(s).Read(raw)
		k, err := crypto.UnmarshalSecp256k1PrivateKey(raw)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
		if ids[i], err = peer.IDFromPrivateKey(k); err != nil {
			t.Fatal(err)
		}
		peers[i] = p2p.Peer{ID: ids[i], Name: fmt.Sprintf("op%d", i)}
	}
	nodes := make([]*p2p.Node, n)
	type recv struct {
		to, from int
		payload  []byte
	}
	got := make(chan recv, 8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range n {
		cfg := p2p.DefaultConfig()
		cfg.Key, cfg.Peers, cfg.LockHash = keys[i], peers, bytes.Repeat([]byte{7}, 32)
		cfg.ReconnectMin, cfg.ReconnectMax = 50*time.Millisecond, 500*time.Millisecond
		cfg.Logger = zap.NewNop()
		cfg.Rand = rand.New(rand.NewPCG(uint64(i), 1))
		addrs, err := p2p.ParseMultiaddrs([]string{"/ip4/127.0.0.1/tcp/0"})
		if err != nil {
			t.Fatal(err)
		}
		cfg.ListenAddrs = addrs
		nd, err := p2p.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = nd.Close() })
		nodes[i] = nd
		tr, err := duties.NewP2PTransport(nd, ids)
		if err != nil {
			t.Fatal(err)
		}
		to := i
		tr.Receive(func(_ context.Context, from int, payload []byte) { got <- recv{to, from, payload} })
	}
	for i, nd := range nodes {
		for j, other := range nodes {
			if i != j {
				if err := nd.AddAddrs(other.ID(), other.Host().Network().ListenAddresses()); err != nil {
					t.Fatal(err)
				}
			}
		}
		go func() { _ = nd.Run(ctx) }()
	}
	sender, err := duties.NewP2PTransport(&onlyBroadcast{nodes[0]}, ids)
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("batch")
	deadline := time.Now().Add(10 * time.Second)
	for {
		connected := 0
		for _, st := range nodes[0].Peers() {
			if st.Connected {
				connected++
			}
		}
		if connected == n-1 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("op0 connected to %d of %d peers", connected, n-1)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := sender.Broadcast(ctx, payload); err != nil {
		t.Fatalf("broadcast: %v", err)
	}
	seen := map[int]bool{}
	for len(seen) < n-1 {
		select {
		case r := <-got:
			if r.from != 0 || !bytes.Equal(r.payload, payload) {
				t.Fatalf("operator %d got %q from %d, want %q from 0", r.to, r.payload, r.from, payload)
			}
			seen[r.to] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("delivered to %v only", seen)
		}
	}
}

// onlyBroadcast lets a second transport share a node without registering the protocol handler twice.
type onlyBroadcast struct{ n *p2p.Node }

func (o *onlyBroadcast) Broadcast(ctx context.Context, p p2p.Protocol, payload []byte) error {
	return o.n.Broadcast(ctx, p, payload)
}

func (o *onlyBroadcast) HandleMessages(p2p.Protocol, p2p.MessageHandler) error { return nil }

// fakeBroadcaster answers every broadcast with err.
type fakeBroadcaster struct{ err error }

func (f fakeBroadcaster) Broadcast(context.Context, p2p.Protocol, []byte) error { return f.err }

func (fakeBroadcaster) HandleMessages(p2p.Protocol, p2p.MessageHandler) error { return nil }

func TestP2PTransportBroadcastFailsOnlyWhenNoPeerGotTheBatch(t *testing.T) {
	down := fmt.Errorf("send to op3: %w", p2p.ErrNotConnected)
	tests := []struct {
		name    string
		err     error
		wantErr bool
	}{
		{"every peer", nil, false},
		{"one of three peers down", &p2p.BroadcastError{Peers: 3, Errs: []error{down}}, false},
		{"two of three peers down", &p2p.BroadcastError{Peers: 3, Errs: []error{down, down}}, false},
		{"no peer reached", &p2p.BroadcastError{Peers: 3, Errs: []error{down, down, down}}, true},
		{"not a per-peer failure", p2p.ErrOversize, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := duties.NewP2PTransport(fakeBroadcaster{tt.err}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Broadcast(context.Background(), []byte("batch")); (err != nil) != tt.wantErr {
				t.Fatalf("Broadcast = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
