package p2p_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/p2p"
)

func TestPeersEndpointReportsConnectionsAndRTT(t *testing.T) {
	c := newCluster(t, 3)
	c.runAll()
	c.waitMesh(t, 10*time.Second)
	eventually(t, 5*time.Second, func() error {
		for _, st := range c.nodes[0].Peers() {
			if st.RTTMillis <= 0 || st.LastSeen == nil {
				return errors.New("RTT not measured yet")
			}
		}
		return nil
	})
	srv := httptest.NewServer(c.nodes[0].PeersHandler())
	defer srv.Close()

	resp, err := p2p.FetchPeers(context.Background(), srv.Client(), srv.URL)
	if err != nil {
		t.Fatalf("fetch peers: %v", err)
	}
	if resp.Self != c.nodes[0].ID().String() || len(resp.Peers) != 2 {
		t.Fatalf("self %s, %d peers", resp.Self, len(resp.Peers))
	}
	names := map[string]bool{}
	for _, st := range resp.Peers {
		names[st.Name] = true
		if !st.Connected || st.Relayed || st.RTTMillis <= 0 || len(st.Addresses) == 0 {
			t.Fatalf("peer %+v", st)
		}
		if _, err := peer.Decode(st.ID); err != nil {
			t.Fatalf("peer_id %q: %v", st.ID, err)
		}
	}
	if !names["op1"] || !names["op2"] {
		t.Fatalf("names %v", names)
	}
	if got := metricValue(t, c.regs[0], "stinger_p2p_peer_rtt_seconds", map[string]string{"peer": "op1"}); got <= 0 {
		t.Fatalf("rtt metric %v", got)
	}

	var out bytes.Buffer
	if err := p2p.FormatPeers(&out, resp, time.Now()); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{"NAME", "op1", "op2", "yes", "ms", "/ip4/127.0.0.1/tcp/"} {
		if !strings.Contains(table, want) {
			t.Fatalf("table lacks %q:\n%s", want, table)
		}
	}
	t.Logf("\n%s", table)
}

func TestPeersEndpointErrors(t *testing.T) {
	c := newCluster(t, 2)
	mux := http.NewServeMux()
	mux.Handle(p2p.PeersPath, c.nodes[0].PeersHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tests := []struct {
		name    string
		url     string
		wantErr string
	}{
		{"not found", srv.URL + "/nothing", "404"},
		{"unreachable", "http://127.0.0.1:1", "fetch peers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p2p.FetchPeers(context.Background(), srv.Client(), tt.url)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("FetchPeers() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
	res, err := srv.Client().Post(srv.URL+p2p.PeersPath, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST status %d, want 405", res.StatusCode)
	}
}

func TestConfigValidateNamesTheProblem(t *testing.T) {
	self, other := testKey(t, 1), testKey(t, 2)
	peers := []p2p.Peer{{ID: mustID(t, self)}, {ID: mustID(t, other)}}
	tests := []struct {
		name    string
		mutate  func(c *p2p.Config)
		wantErr string
	}{
		{"ok", func(*p2p.Config) {}, ""},
		{"no key", func(c *p2p.Config) { c.Key = nil }, "Key is required"},
		{"self not in peers", func(c *p2p.Config) { c.Peers = peers[1:] }, "not in Peers"},
		{"duplicate peer", func(c *p2p.Config) { c.Peers = append(c.Peers, peers[1]) }, "listed twice"},
		{"empty lock hash", func(c *p2p.Config) { c.LockHash = nil }, "LockHash"},
		{"relay without peer ID", func(c *p2p.Config) { c.Relays = loopback(t, "/ip4/127.0.0.1/tcp/1") }, "Relays[0]"},
		{"zero ping interval", func(c *p2p.Config) { c.PingInterval = 0 }, "PingInterval"},
		{"no ping failure allowed", func(c *p2p.Config) { c.PingFailures = 0 }, "PingFailures"},
		{"inverted backoff", func(c *p2p.Config) { c.ReconnectMax = c.ReconnectMin / 2 }, "ReconnectMax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(self, append([]p2p.Peer(nil), peers...), 1)
			tt.mutate(&cfg)
			err := cfg.Validate()
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestProtocolIDAndValidation(t *testing.T) {
	tests := []struct {
		p       p2p.Protocol
		wantErr bool
	}{
		{p2p.Protocol{Name: "qbft", Version: "1.0.0", MaxSize: 1, Timeout: time.Second}, false},
		{p2p.Protocol{Name: "q/bft", Version: "1.0.0", MaxSize: 1, Timeout: time.Second}, true},
		{p2p.Protocol{Name: "qbft", Version: "", MaxSize: 1, Timeout: time.Second}, true},
		{p2p.Protocol{Name: "qbft", Version: "1.0.0", MaxSize: 0, Timeout: time.Second}, true},
		{p2p.Protocol{Name: "qbft", Version: "1.0.0", MaxSize: 1, Timeout: 0}, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.p.ID()), func(t *testing.T) {
			if err := tt.p.Validate(); (err != nil) != tt.wantErr {
				t.Fatalf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
	if got := (p2p.Protocol{Name: "parsig", Version: "2.1.0"}).ID(); got != "/stinger/parsig/2.1.0" {
		t.Fatalf("ID() = %s", got)
	}
}
