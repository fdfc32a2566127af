//go:build e2e

package compose_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/p2p"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/compose"
)

// TestComposeUpRunsWithoutPulling generates a 4-node project for the local image ($STINGER_IMAGE, default
// stinger:dev from `make docker`), runs `docker compose up` (pull_policy never), and checks that every
// node answers /livez, sees its 3 peers, and that the cluster's duties are scored correct.
func TestComposeUpRunsWithoutPulling(t *testing.T) {
	cc := composeCommand(t)
	o := e2eOptions(t, testImage(t))
	o.Slot = time.Second
	start := time.Now()
	p := upProject(t, cc, o)
	for i := range o.Nodes {
		waitOK(t, p.nodeAPI(i)+"/livez", 90*time.Second)
	}
	for i := range o.Nodes {
		waitPeers(t, p, i, 60*time.Second)
	}
	// Within a few slots of genesis (20 s after the simulator starts) the cluster performs duties.
	deadline := time.Now().Add(120 * time.Second)
	var st beaconsim.Stats
	for {
		var err error
		st, err = beaconsim.FetchStats(context.Background(), nil, p.beaconURL())
		if err == nil && st.ByType[beaconsim.DutyAttestation].Correct >= uint64(o.Validators) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no correct attestations of the cluster within 120 s: %+v (err %v)", st.ByType, err)
		}
		time.Sleep(time.Second)
	}
	if st.Totals.Slashable != 0 || st.Totals.InvalidSignatures != 0 {
		t.Fatalf("slashable %d, invalid signatures %d", st.Totals.Slashable, st.Totals.InvalidSignatures)
	}
	fmt.Printf("compose devnet: %d nodes up and attesting in %s (attestations correct %d/%d, slashable 0)\n",
		o.Nodes, time.Since(start).Round(time.Second), st.ByType[beaconsim.DutyAttestation].Correct,
		st.ByType[beaconsim.DutyAttestation].Expected)
}

// waitPeers waits until node i is connected to its 3 peers, over their addresses on the p2p network only.
func waitPeers(t *testing.T, p *project, i int, timeout time.Duration) {
	t.Helper()
	p2pNet := strings.TrimSuffix(p.o.IP(compose.NetP2P, 0), "0")
	deadline := time.Now().Add(timeout)
	for {
		var pr p2p.PeersResponse
		err := getJSON(p.nodeAPI(i)+p2p.PeersPath, &pr)
		connected := 0
		for _, peer := range pr.Peers {
			for _, a := range peer.Addresses {
				if peer.Connected && !strings.HasPrefix(a, "/ip4/"+p2pNet) {
					t.Fatalf("node%d is connected to %s over %s, outside the p2p network", i, peer.Name, a)
				}
			}
			if peer.Connected {
				connected++
			}
		}
		if err == nil && connected == p.o.Nodes-1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node%d: %d of %d peers connected after %s (err %v): %+v", i, connected, p.o.Nodes-1, timeout, err, pr.Peers)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
