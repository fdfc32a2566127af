package p2p

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// PeersPath is where app mounts PeersHandler on the node API.
const PeersPath = "/v1/peers"

// PeerStatus is one cluster peer as GET /v1/peers reports it.
type PeerStatus struct {
	// ID is the peer's libp2p peer ID.
	ID string `json:"peer_id"`
	// Name is the operator's name from the cluster file, if any.
	Name string `json:"name,omitempty"`
	// Connected is true while a direct or relayed connection is open.
	Connected bool `json:"connected"`
	// Relayed is true when every open connection goes through a relay.
	Relayed bool `json:"relayed"`
	// Addresses are the remote addresses of open connections, or the known addresses when none is open.
	Addresses []string `json:"addresses"`
	// RTTMillis is the last measured ping round trip in milliseconds (0: not measured yet).
	RTTMillis float64 `json:"rtt_ms"`
	// LastSeen is when the peer was last heard from (connection, message or ping), if ever.
	LastSeen *time.Time `json:"last_seen,omitempty"`
}

// PeersResponse is the body of GET /v1/peers.
type PeersResponse struct {
	// Self is this node's peer ID.
	Self string `json:"self"`
	// Peers are the other cluster operators, sorted by peer ID.
	Peers []PeerStatus `json:"peers"`
}

// Peers returns a snapshot of every other cluster peer's state.
func (n *Node) Peers() []PeerStatus {
	out := make([]PeerStatus, 0, len(n.others))
	for _, p := range n.others {
		st := PeerStatus{ID: p.String(), Name: n.names[p], Connected: n.connected(p), Addresses: []string{}}
		conns := n.host.Network().ConnsToPeer(p)
		relayed := len(conns) > 0
		for _, c := range conns {
			if a := c.RemoteMultiaddr().String(); !slices.Contains(st.Addresses, a) {
				st.Addresses = append(st.Addresses, a)
			}
			relayed = relayed && c.Stat().Limited
		}
		st.Relayed = relayed
		if len(conns) == 0 {
			for _, a := range n.host.Peerstore().Addrs(p) {
				st.Addresses = append(st.Addresses, a.String())
			}
		}
		n.mu.Lock()
		ps := n.state[p]
		st.RTTMillis = float64(ps.rtt.Microseconds()) / 1000
		if !ps.lastSeen.IsZero() {
			seen := ps.lastSeen.UTC()
			st.LastSeen = &seen
		}
		n.mu.Unlock()
		out = append(out, st)
	}
	return out
}

// PeersHandler serves GET /v1/peers as JSON (PeersResponse).
func (n *Node) PeersHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(PeersResponse{Self: n.self.String(), Peers: n.Peers()})
	})
}

// FetchPeers calls GET /v1/peers on a node API at apiURL (e.g. "http://127.0.0.1:3620").
// A nil client means http.DefaultClient.
func FetchPeers(ctx context.Context, client *http.Client, apiURL string) (*PeersResponse, error) {
	if client == nil {
		client = http.DefaultClient
	}
	url := strings.TrimSuffix(apiURL, "/") + PeersPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch peers: build request for %q: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch peers: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("fetch peers: %s returned %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	var out PeersResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&out); err != nil {
		return nil, fmt.Errorf("fetch peers: decode %s: %w", url, err)
	}
	return &out, nil
}

// FormatPeers writes resp as a table, one peer a line, for `stinger peers`. now is used to show
// how long ago each peer was last seen.
func FormatPeers(w io.Writer, resp *PeersResponse, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "self: %s\n", resp.Self)
	fmt.Fprintln(tw, "NAME\tPEER ID\tCONNECTED\tRTT\tLAST SEEN\tADDRESSES")
	for _, p := range resp.Peers {
		name, conn, rtt, seen := p.Name, "no", "-", "never"
		if name == "" {
			name = "-"
		}
		if p.Connected {
			conn = "yes"
			if p.Relayed {
				conn = "relayed"
			}
		}
		if p.RTTMillis > 0 {
			rtt = fmt.Sprintf("%.2fms", p.RTTMillis)
		}
		if p.LastSeen != nil {
			seen = now.Sub(*p.LastSeen).Truncate(time.Second).String() + " ago"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, shortID(p.ID), conn, rtt, seen, strings.Join(p.Addresses, ","))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write peers table: %w", err)
	}
	return nil
}

// shortID abbreviates a peer ID for tables, keeping it recognisable.
func shortID(id string) string {
	if _, err := peer.Decode(id); err != nil || len(id) <= 16 {
		return id
	}
	return id[:6] + "…" + id[len(id)-6:]
}
