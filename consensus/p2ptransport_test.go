package consensus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
	"github.com/stingerdvt/stinger/p2p"
)

// TestRunnersDecideOverLibp2p runs four runners over real libp2p hosts on
// loopback: every runner decides the leader's value.
func TestRunnersDecideOverLibp2p(t *testing.T) {
	const n = 4
	privs, pubs := testKeys(t, n, crypto.Secp256k1)
	ids := make([]peer.ID, n)
	for i, k := range privs {
		ids[i], _ = peer.IDFromPrivateKey(k)
	}
	listen, _ := ma.NewMultiaddr("/ip4/127.0.0.1/tcp/0")
	nodes := make([]*p2p.Node, n)
	for i := range n {
		cfg := p2p.DefaultConfig()
		cfg.Key, cfg.LockHash, cfg.ListenAddrs = privs[i], []byte("lock"), []ma.Multiaddr{listen}
		cfg.ReconnectMin, cfg.ReconnectMax = 20*time.Millisecond, 200*time.Millisecond
		for j := range n {
			cfg.Peers = append(cfg.Peers, p2p.Peer{ID: ids[j]})
		}
		node, err := p2p.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { node.Close() })
		nodes[i] = node
	}
	for i := range n {
		for j := range n {
			if i != j {
				if err := nodes[i].AddAddrs(ids[j], nodes[j].Addrs()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	verifier, err := consensus.NewKeyVerifier(pubs)
	if err != nil {
		t.Fatal(err)
	}
	duty := qbft.InstanceID{Slot: 7, Duty: 1}
	decided := make(chan []byte, n)
	var wg sync.WaitGroup
	for i := range n {
		go nodes[i].Run(ctx)
		tr, err := consensus.NewP2PTransport(nodes[i], ids, 1024)
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		signer, _ := consensus.NewKeySigner(privs[i])
		r, err := consensus.New(consensus.Config{
			N: n, Self: i, Transport: tr, Signer: signer, Verifier: verifier, Store: consensus.NewMemStore(),
			CheckValue: func(qbft.InstanceID, []byte) error { return nil },
			Deadline:   func(qbft.InstanceID) time.Time { return time.Now().Add(time.Minute) },
		})
		if err != nil {
			t.Fatal(err)
		}
		r.Subscribe(func(d consensus.Decided) { decided <- d.Value })
		wg.Go(func() { _ = r.Run(ctx) })
		if err := r.Propose(ctx, duty, []byte{byte('a' + i)}); err != nil {
			t.Fatal(err)
		}
	}
	var first []byte
	for range n {
		select {
		case v := <-decided:
			if first == nil {
				first = v
			} else if string(v) != string(first) {
				t.Fatalf("decided %q and %q", first, v)
			}
		case <-ctx.Done():
			t.Fatal("not every runner decided")
		}
	}
	cancel()
	wg.Wait()
}
