package p2p_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stingerdvt/stinger/p2p"
)

func startRelay(t *testing.T, allowed []peer.ID) *p2p.Relay {
	t.Helper()
	cfg := p2p.DefaultRelayConfig()
	cfg.Key = testKey(t, 200)
	cfg.ListenAddrs = loopback(t, "/ip4/127.0.0.1/tcp/0")
	cfg.AllowedPeers = allowed
	cfg.Registerer = prometheus.NewRegistry()
	r, err := p2p.NewRelay(cfg)
	if err != nil {
		t.Fatalf("start relay: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// Two operators that listen on nothing (as behind NAT: no inbound route at all) and know no
// address of each other reach each other only through the relay.
func TestPeersWithoutDirectRouteTalkThroughRelay(t *testing.T) {
	keys := []crypto.PrivKey{testKey(t, 1), testKey(t, 2)}
	peers := []p2p.Peer{{ID: mustID(t, keys[0]), Name: "a"}, {ID: mustID(t, keys[1]), Name: "b"}}
	relay := startRelay(t, []peer.ID{peers[0].ID, peers[1].ID})

	regs := make([]*prometheus.Registry, 2)
	nodes := make([]*p2p.Node, 2)
	recs := []*recorder{newRecorder(), newRecorder()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	for i, key := range keys {
		cfg := testConfig(key, peers, uint64(i))
		cfg.ListenAddrs = nil // no listener: nobody can dial this node directly
		cfg.Relays = relay.Addrs()
		regs[i] = prometheus.NewRegistry()
		cfg.Registerer = regs[i]
		nd, err := p2p.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := nd.HandleMessages(testProto, recs[i].handle); err != nil {
			t.Fatal(err)
		}
		nodes[i] = nd
		go func() { _ = nd.Run(ctx); done <- struct{}{} }()
	}
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		for _, nd := range nodes {
			_ = nd.Close()
		}
	})

	eventually(t, 10*time.Second, func() error {
		for i, nd := range nodes {
			st := nd.Peers()[0]
			if !st.Connected || !st.Relayed {
				return errors.New("nodes not connected through the relay yet")
			}
			if !strings.Contains(st.Addresses[0], "/p2p-circuit") {
				return errors.New("connection address is not a circuit")
			}
			if metricValue(t, regs[i], "stinger_p2p_relay_reservation_active", nil) != 1 {
				return errors.New("reservation not held")
			}
		}
		return nil
	})
	sendCtx, sendCancel := context.WithTimeout(ctx, 5*time.Second)
	defer sendCancel()
	for i, nd := range nodes {
		other := nodes[1-i]
		if err := nd.Send(sendCtx, testProto, other.ID(), []byte("via relay")); err != nil {
			t.Fatalf("send %d -> %d through relay: %v", i, 1-i, err)
		}
		msg := <-recs[1-i].ch
		if msg.From != nd.ID() || string(msg.Payload) != "via relay" {
			t.Fatalf("node %d got %+v", 1-i, msg)
		}
	}
	// Neither node ever had a direct connection: every connection to the other is relayed.
	for _, nd := range nodes {
		for _, c := range nd.Host().Network().ConnsToPeer(nodes[0].ID()) {
			if !strings.Contains(c.RemoteMultiaddr().String(), "/p2p-circuit") {
				t.Fatalf("direct connection %s", c.RemoteMultiaddr())
			}
		}
	}
}

func TestRelayRefusesPeersOutsideItsAllowlist(t *testing.T) {
	keys := []crypto.PrivKey{testKey(t, 1), testKey(t, 2)}
	peers := []p2p.Peer{{ID: mustID(t, keys[0]), Name: "a"}, {ID: mustID(t, keys[1]), Name: "b"}}
	relay := startRelay(t, []peer.ID{mustID(t, testKey(t, 50))}) // serves someone else
	cfg := testConfig(keys[0], peers, 0)
	cfg.Relays = relay.Addrs()
	reg := prometheus.NewRegistry()
	cfg.Registerer = reg
	nd, err := p2p.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = nd.Run(ctx); close(done) }()
	defer func() { cancel(); <-done; _ = nd.Close() }()
	eventually(t, 5*time.Second, func() error {
		if metricValue(t, reg, "stinger_p2p_relay_reservation_failures_total", nil) < 1 {
			return errors.New("no reservation attempt refused yet")
		}
		return nil
	})
	if got := metricValue(t, reg, "stinger_p2p_relay_reservation_active", nil); got != 0 {
		t.Fatalf("reservation granted to a peer outside the allowlist")
	}
}

func TestRelayConfigValidate(t *testing.T) {
	base := p2p.DefaultRelayConfig()
	base.Key = testKey(t, 1)
	base.ListenAddrs = loopback(t, "/ip4/127.0.0.1/tcp/0")
	tests := []struct {
		name    string
		mutate  func(c *p2p.RelayConfig)
		wantErr string
	}{
		{"default ok", func(*p2p.RelayConfig) {}, ""},
		{"unlimited circuits ok", func(c *p2p.RelayConfig) { c.CircuitData, c.CircuitDuration = 0, 0 }, ""},
		{"no key", func(c *p2p.RelayConfig) { c.Key = nil }, "Key"},
		{"no listen", func(c *p2p.RelayConfig) { c.ListenAddrs = nil }, "ListenAddrs"},
		{"half limited", func(c *p2p.RelayConfig) { c.CircuitData = 0 }, "CircuitData"},
		{"zero reservations", func(c *p2p.RelayConfig) { c.MaxReservations = 0 }, "MaxReservations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.mutate(&c)
			err := c.Validate()
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

// A relayed connection is replaced by a direct one once a direct address becomes known (here:
// b listens, a learns b's address over the relayed connection through identify).
func TestRelayedConnectionUpgradesToDirect(t *testing.T) {
	keys := []crypto.PrivKey{testKey(t, 1), testKey(t, 2)}
	peers := []p2p.Peer{{ID: mustID(t, keys[0]), Name: "a"}, {ID: mustID(t, keys[1]), Name: "b"}}
	relay := startRelay(t, nil)
	listen := [][]string{nil, {"/ip4/127.0.0.1/tcp/0"}}
	nodes := make([]*p2p.Node, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	for i, key := range keys {
		cfg := testConfig(key, peers, uint64(i))
		cfg.ListenAddrs = loopback(t, listen[i]...)
		cfg.Relays = relay.Addrs()
		nd, err := p2p.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = nd
	}
	for _, nd := range nodes {
		go func() { _ = nd.Run(ctx); done <- struct{}{} }()
	}
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		for _, nd := range nodes {
			_ = nd.Close()
		}
	})
	sawRelayed := false
	eventually(t, 10*time.Second, func() error {
		st := nodes[0].Peers()[0]
		sawRelayed = sawRelayed || (st.Connected && st.Relayed)
		if !st.Connected || st.Relayed {
			return errors.New("no direct connection yet")
		}
		return nil
	})
	if !sawRelayed {
		t.Fatal("never saw the relayed connection that a (knowing no address of b) must start with")
	}
	for _, c := range nodes[0].Host().Network().ConnsToPeer(nodes[1].ID()) {
		if !c.Stat().Limited {
			return
		}
	}
	t.Fatal("no direct connection")
}
