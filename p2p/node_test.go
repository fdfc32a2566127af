package p2p_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"

	"github.com/stingerdvt/stinger/p2p"
)

func TestGaterRefusesNonClusterPeerInBothDirections(t *testing.T) {
	c := newCluster(t, 2)
	node, reg := c.nodes[0], c.regs[0]
	outsider, err := libp2p.New(libp2p.Identity(testKey(t, 99)), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"),
		libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = outsider.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	t.Run("outsider dials in", func(t *testing.T) {
		before := metricValue(t, reg, "stinger_p2p_refused_connections_total", map[string]string{"direction": "inbound"})
		err := outsider.Connect(ctx, peer.AddrInfo{ID: node.ID(), Addrs: node.Host().Addrs()})
		// The handshake completes on the outsider's side before we close, so it may see success
		// briefly; what matters is that the node never keeps a connection or runs a protocol.
		eventually(t, 5*time.Second, func() error {
			if len(node.Host().Network().ConnsToPeer(outsider.ID())) != 0 {
				return errors.New("node holds a connection to the outsider")
			}
			if got := metricValue(t, reg, "stinger_p2p_refused_connections_total", map[string]string{"direction": "inbound"}); got != before+1 {
				return errors.New("inbound refusal not counted")
			}
			return nil
		})
		t.Logf("outsider connect: %v", err)
		// No protocol ran: identify never told the outsider which protocols the node speaks.
		if protos, _ := outsider.Peerstore().GetProtocols(node.ID()); len(protos) != 0 {
			t.Fatalf("outsider learnt protocols %v: a protocol ran", protos)
		}
	})
	t.Run("node dials outsider", func(t *testing.T) {
		before := metricValue(t, reg, "stinger_p2p_refused_connections_total", map[string]string{"direction": "outbound"})
		err := node.Host().Connect(ctx, peer.AddrInfo{ID: outsider.ID(), Addrs: outsider.Addrs()})
		if err == nil {
			t.Fatal("node connected to a non-cluster peer")
		}
		if got := metricValue(t, reg, "stinger_p2p_refused_connections_total", map[string]string{"direction": "outbound"}); got <= before {
			t.Fatalf("outbound refusal not counted: %v -> %v", before, got)
		}
		if len(node.Host().Network().ConnsToPeer(outsider.ID())) != 0 {
			t.Fatal("node holds a connection to the outsider")
		}
	})
	t.Run("outsider dials in over QUIC", func(t *testing.T) {
		q := newCluster(t, 1) // a node that listens on QUIC only
		q.stop(0)
		q.start(t, 0, loopback(t, "/ip4/127.0.0.1/udp/0/quic-v1"))
		nq := q.nodes[0]
		// A fresh outsider: nq has op0's key, and the first outsider may still believe its
		// refused TCP connection to op0 is open, in which case Connect would not dial at all.
		outsider2, err := libp2p.New(libp2p.Identity(testKey(t, 98)), libp2p.NoListenAddrs, libp2p.DisableMetrics())
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = outsider2.Close() }()
		cerr := outsider2.Connect(ctx, peer.AddrInfo{ID: nq.ID(), Addrs: nq.Host().Addrs()})
		t.Logf("outsider connect over QUIC: %v", cerr)
		eventually(t, 5*time.Second, func() error {
			if len(nq.Host().Network().ConnsToPeer(outsider2.ID())) != 0 {
				return errors.New("node holds a QUIC connection to the outsider")
			}
			if metricValue(t, q.regs[0], "stinger_p2p_refused_connections_total", nil) < 1 {
				return errors.New("refusal not counted")
			}
			return nil
		})
	})
}

func TestClusterPeerConnectsOverEveryTransportAndSecurity(t *testing.T) {
	tests := []struct {
		name   string
		listen string
		opts   []libp2p.Option
	}{
		{"tcp+noise", "/ip4/127.0.0.1/tcp/0", []libp2p.Option{libp2p.Transport(tcp.NewTCPTransport), libp2p.Security(noise.ID, noise.New)}},
		{"tcp+tls", "/ip4/127.0.0.1/tcp/0", []libp2p.Option{libp2p.Transport(tcp.NewTCPTransport), libp2p.Security(libp2ptls.ID, libp2ptls.New)}},
		{"quic", "/ip4/127.0.0.1/udp/0/quic-v1", []libp2p.Option{libp2p.Transport(quic.NewTransport)}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, 2)
			c.stop(0)
			c.start(t, 0, loopback(t, tt.listen))
			// A bare host holding operator 1's key, restricted to one transport/security.
			opts := append([]libp2p.Option{libp2p.Identity(c.keys[1]), libp2p.NoListenAddrs, libp2p.DisableMetrics(),
				libp2p.Muxer(yamux.ID, yamux.DefaultTransport)}, tt.opts...)
			h, err := libp2p.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = h.Close() }()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := h.Connect(ctx, peer.AddrInfo{ID: c.nodes[0].ID(), Addrs: c.nodes[0].Host().Addrs()}); err != nil {
				t.Fatalf("case %d: connect: %v", i, err)
			}
			eventually(t, 5*time.Second, func() error {
				if !c.nodes[0].Peers()[0].Connected {
					return errors.New("node does not report the peer connected")
				}
				return nil
			})
		})
	}
}

func TestBroadcastReachesAllOtherPeers(t *testing.T) {
	c := newCluster(t, 4)
	recs := make([]*recorder, 4)
	for i, nd := range c.nodes {
		recs[i] = newRecorder()
		if err := nd.HandleMessages(testProto, recs[i].handle); err != nil {
			t.Fatal(err)
		}
	}
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.nodes[0].Broadcast(ctx, testProto, []byte("to all")); err != nil {
		t.Fatalf("broadcast: %v", err)
	}
	for i := 1; i < 4; i++ {
		select {
		case msg := <-recs[i].ch:
			if msg.From != c.nodes[0].ID() || msg.Via != c.nodes[0].ID() || string(msg.Payload) != "to all" {
				t.Fatalf("node %d got %+v", i, msg)
			}
		case <-ctx.Done():
			t.Fatalf("node %d did not receive the broadcast", i)
		}
	}
	time.Sleep(50 * time.Millisecond)
	for i, want := range []int{0, 1, 1, 1} {
		if got := recs[i].count(); got != want {
			t.Fatalf("node %d received %d messages, want %d", i, got, want)
		}
	}
	if got := metricValue(t, c.regs[0], "stinger_p2p_messages_total", map[string]string{"direction": "out"}); got != 3 {
		t.Fatalf("sender counted %v messages out, want 3", got)
	}
}

func TestRequestReturnsVerifiedResponseAndHandlerErrorsReachRequester(t *testing.T) {
	c := newCluster(t, 2)
	proto := p2p.Protocol{Name: "echo", Version: "1.0.0", MaxSize: 1024, Timeout: 5 * time.Second}
	if err := c.nodes[1].HandleRequests(proto, func(_ context.Context, msg p2p.Message) ([]byte, error) {
		if string(msg.Payload) == "fail" {
			return nil, errors.New("refused")
		}
		return append([]byte("echo:"), msg.Payload...), nil
	}); err != nil {
		t.Fatal(err)
	}
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	ctx := context.Background()
	tests := []struct {
		name, req, want string
		wantErr         bool
	}{
		{"echo", "ping", "echo:ping", false},
		{"handler error resets", "fail", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.nodes[0].Request(ctx, proto, c.nodes[1].ID(), []byte(tt.req))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Request() error = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && (string(resp.Payload) != tt.want || resp.From != c.nodes[1].ID()) {
				t.Fatalf("response %q from %s", resp.Payload, resp.From)
			}
		})
	}
	if _, err := c.nodes[0].Request(ctx, proto, c.nodes[0].ID(), nil); !errors.Is(err, p2p.ErrNotClusterPeer) {
		t.Fatalf("request to self: %v, want ErrNotClusterPeer", err)
	}
}

func TestForwardedMessageIsAttributedToItsSigner(t *testing.T) {
	c := newCluster(t, 3)
	atB, atC := newRecorder(), newRecorder()
	if err := c.nodes[1].HandleMessages(testProto, atB.handle); err != nil {
		t.Fatal(err)
	}
	if err := c.nodes[2].HandleMessages(testProto, atC.handle); err != nil {
		t.Fatal(err)
	}
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	ctx := context.Background()
	if err := c.nodes[0].Send(ctx, testProto, c.nodes[1].ID(), []byte("from A")); err != nil {
		t.Fatal(err)
	}
	got := <-atB.ch
	if err := c.nodes[1].Forward(ctx, testProto, c.nodes[2].ID(), got.Envelope); err != nil {
		t.Fatal(err)
	}
	fwd := <-atC.ch
	if fwd.From != c.nodes[0].ID() || fwd.Via != c.nodes[1].ID() || string(fwd.Payload) != "from A" {
		t.Fatalf("forwarded message From=%s Via=%s payload=%q", fwd.From, fwd.Via, fwd.Payload)
	}
}

func TestRestartedPeerIsReconnectedWithin10s(t *testing.T) {
	c := newCluster(t, 3)
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	addrs := c.nodes[2].Host().Network().ListenAddresses()
	c.stop(2)
	eventually(t, 5*time.Second, func() error {
		for _, st := range c.nodes[0].Peers() {
			if st.Name == "op2" && st.Connected {
				return errors.New("op0 still connected to stopped op2")
			}
		}
		return nil
	})
	// Restart op2 on the same addresses without running its own dial loop: only the others'
	// reconnect loops can bring the connections back.
	time.Sleep(300 * time.Millisecond) // let the others' backoff grow past its minimum
	c.start(t, 2, addrs)
	restarted := time.Now()
	eventually(t, 10*time.Second, func() error {
		for _, i := range []int{0, 1} {
			for _, st := range c.nodes[i].Peers() {
				if st.Name == "op2" && !st.Connected {
					return errors.New("op2 not reconnected yet")
				}
			}
		}
		return nil
	})
	t.Logf("restarted peer reconnected after %s", time.Since(restarted))
	if got := metricValue(t, c.regs[0], "stinger_p2p_peer_errors_total", map[string]string{"peer": "op2", "reason": "dial_failed"}); got < 1 {
		t.Fatalf("no failed redial counted while op2 was down (got %v)", got)
	}
	if got := metricValue(t, c.regs[0], "stinger_p2p_peer_connected", map[string]string{"peer": "op2"}); got != 1 {
		t.Fatalf("peer_connected{op2} = %v, want 1", got)
	}
}

func TestDroppedConnectionIsRedialed(t *testing.T) {
	c := newCluster(t, 2)
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	old := map[string]bool{}
	for _, conn := range c.nodes[0].Host().Network().ConnsToPeer(c.nodes[1].ID()) {
		old[conn.ID()] = true
	}
	// Both sides drop the connection, as when a network path breaks and heals.
	_ = c.nodes[0].Host().Network().ClosePeer(c.nodes[1].ID())
	_ = c.nodes[1].Host().Network().ClosePeer(c.nodes[0].ID())
	eventually(t, 5*time.Second, func() error {
		for _, conn := range c.nodes[0].Host().Network().ConnsToPeer(c.nodes[1].ID()) {
			if !old[conn.ID()] {
				return nil
			}
		}
		return errors.New("no new connection yet")
	})
	c.waitMesh(t, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec := newRecorder()
	if err := c.nodes[1].HandleMessages(testProto, rec.handle); err != nil {
		t.Fatal(err)
	}
	if err := c.nodes[0].Send(ctx, testProto, c.nodes[1].ID(), []byte("after heal")); err != nil {
		t.Fatalf("send after heal: %v", err)
	}
}

func TestExternalAddrsReplaceAdvertisedAddrs(t *testing.T) {
	key := testKey(t, 1)
	cfg := testConfig(key, []p2p.Peer{{ID: mustID(t, key)}}, 1)
	cfg.ListenAddrs = loopback(t, "/ip4/127.0.0.1/tcp/0")
	cfg.ExternalAddrs = loopback(t, "/dns4/op0.example.org/tcp/3610")
	nd, err := p2p.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = nd.Close() }()
	got := nd.Host().Addrs()
	if len(got) != 1 || got[0].String() != "/dns4/op0.example.org/tcp/3610" {
		t.Fatalf("advertised %v, want the external address only", got)
	}
}

func TestUnresponsivePeerConnectionIsClosedAndRedialed(t *testing.T) {
	c := newCluster(t, 2)
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	old := map[string]bool{}
	for _, conn := range c.nodes[0].Host().Network().ConnsToPeer(c.nodes[1].ID()) {
		old[conn.ID()] = true
	}
	// op1 stops answering pings while its connection stays open: to op0 it looks like a connection
	// whose packets vanish. After PingFailures (2) failed pings op0 must close it and dial again.
	c.nodes[1].Host().RemoveStreamHandler(ping.ID)
	unresponsive := map[string]string{"peer": "op1", "reason": "unresponsive"}
	eventually(t, 5*time.Second, func() error {
		if got := metricValue(t, c.regs[0], "stinger_p2p_peer_errors_total", unresponsive); got < 1 {
			return fmt.Errorf("peer_errors_total{op1,unresponsive} = %v", got)
		}
		return nil
	})
	if got := metricValue(t, c.regs[0], "stinger_p2p_peer_errors_total", map[string]string{"peer": "op1", "reason": "ping_failed"}); got < 2 {
		t.Errorf("closed after %v failed pings, want >= 2", got)
	}
	eventually(t, 5*time.Second, func() error {
		for _, conn := range c.nodes[0].Host().Network().ConnsToPeer(c.nodes[1].ID()) {
			if !old[conn.ID()] {
				return nil
			}
		}
		return errors.New("no new connection to op1 yet")
	})
}

func TestSendFailsFastToAbsentOrBusyPeer(t *testing.T) {
	const maxStreams = 2
	c := newClusterWith(t, 3, func(_ int, cfg *p2p.Config) { cfg.MaxStreamsPerPeer = maxStreams })
	c.stop(2) // op2's host is closed before anything runs: it is absent
	c.run(0)
	c.run(1)
	c.waitMeshOf(t, 10*time.Second, 0, 1)

	// Absent peer: the send returns at once instead of dialling (the connect loop dials).
	start := time.Now()
	err := c.nodes[0].Send(context.Background(), testProto, c.nodes[2].ID(), []byte("x"))
	if !errors.Is(err, p2p.ErrNotConnected) {
		t.Fatalf("send to absent peer: %v, want ErrNotConnected", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("send to absent peer took %s", d)
	}

	// A broadcast that misses the absent peer says so per peer and that op1 got it.
	oneWay := p2p.Protocol{Name: "oneway", Version: "1.0.0", MaxSize: 64, Timeout: 5 * time.Second}
	if err := c.nodes[1].HandleMessages(oneWay, newRecorder().handle); err != nil {
		t.Fatal(err)
	}
	var be *p2p.BroadcastError
	if err := c.nodes[0].Broadcast(context.Background(), oneWay, []byte("x")); !errors.As(err, &be) ||
		!be.Delivered() || len(be.Errs) != 1 || !errors.Is(err, p2p.ErrNotConnected) {
		t.Fatalf("broadcast with op2 absent: %v, want a BroadcastError delivered to op1, op2 not connected", err)
	}

	// Busy peer: op1 holds every request open; the send after maxStreams in flight is refused at once.
	release := make(chan struct{})
	entered := make(chan struct{}, maxStreams)
	if err := c.nodes[1].HandleRequests(testProto, func(ctx context.Context, _ p2p.Message) ([]byte, error) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return []byte("ok"), nil
	}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, maxStreams)
	for range maxStreams {
		go func() {
			_, err := c.nodes[0].Request(context.Background(), testProto, c.nodes[1].ID(), []byte("hold"))
			done <- err
		}()
	}
	for range maxStreams {
		<-entered
	}
	if err := c.nodes[0].Send(context.Background(), testProto, c.nodes[1].ID(), []byte("x")); !errors.Is(err, p2p.ErrPeerBusy) {
		t.Fatalf("send with %d in flight: %v, want ErrPeerBusy", maxStreams, err)
	}
	close(release)
	for range maxStreams {
		if err := <-done; err != nil {
			t.Fatalf("held request: %v", err)
		}
	}
	if _, err := c.nodes[0].Request(context.Background(), testProto, c.nodes[1].ID(), []byte("after")); err != nil {
		t.Fatalf("request after the others finished: %v", err)
	}
}
