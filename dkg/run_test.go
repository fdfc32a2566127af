package dkg

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/p2p"
)

// freePorts reserves n loopback TCP ports.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	return ports
}

func TestRunNetworkOverLibp2pProducesIdenticalLocks(t *testing.T) {
	keys, def := testCluster(t, 4, 2)
	ports := freePorts(t, 4)
	for i := range def.Operators {
		def.Operators[i].Addresses = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", ports[i])}
		def.Operators[i].Approval = ""
	}
	h, err := def.ComputeHash()
	if err != nil {
		t.Fatal(err)
	}
	def.DefinitionHash = fmt.Sprintf("0x%x", h)
	for _, k := range keys {
		if err := def.Approve(k); err != nil {
			t.Fatal(err)
		}
	}
	dirs := make([]string, 4)
	results := make([]*Result, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range 4 {
		dirs[i] = t.TempDir()
		wg.Go(func() {
			results[i], errs[i] = RunNetwork(context.Background(), NetworkConfig{
				Definition: def, Key: keys[i], Timeout: time.Minute, DataDir: dirs[i],
				Output: OutputOptions{Rand: seeded(uint64(100 + i)), Keystore: []keystore.Option{keystore.WithPBKDF2(16)}},
				Rand:   seeded(uint64(i)),
			})
		})
	}
	wg.Wait()
	var first []byte
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("operator %d: %v", i, errs[i])
		}
		lock, err := cluster.LoadLock(filepath.Join(dirs[i], cluster.LockFileName))
		if err != nil {
			t.Fatal(err)
		}
		if err := lock.Verify(); err != nil {
			t.Fatalf("operator %d lock: %v", i, err)
		}
		raw, _ := lock.Marshal()
		if first == nil {
			first = raw
		} else if !bytes.Equal(first, raw) {
			t.Fatalf("operator %d's lock differs", i)
		}
		if _, err := LoadShares(dirs[i], lock, i); err != nil {
			t.Fatalf("operator %d: %v", i, err)
		}
	}
}

// loopbackCluster returns keys and an approved definition whose operators
// listen on free loopback ports.
func loopbackCluster(t testing.TB, validators int) ([]crypto.PrivKey, *cluster.Definition) {
	t.Helper()
	keys, def := testCluster(t, 4, validators)
	for i := range def.Operators {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		def.Operators[i].Addresses = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", l.Addr().(*net.TCPAddr).Port)}
		l.Close()
		def.Operators[i].Approval = ""
	}
	h, err := def.ComputeHash()
	if err != nil {
		t.Fatal(err)
	}
	def.DefinitionHash = fmt.Sprintf("0x%x", h)
	for _, k := range keys {
		if err := def.Approve(k); err != nil {
			t.Fatal(err)
		}
	}
	return keys, def
}

func TestRunNetworkTimesOutNamingOperatorWithDifferentDefinition(t *testing.T) {
	keys, def := loopbackCluster(t, 1)
	// Operator 3 holds a copy with another name: a different definition hash.
	other := *def
	other.Operators = append([]cluster.Operator(nil), def.Operators...)
	other.Name = "tampered"
	for i := range other.Operators {
		other.Operators[i].Approval = ""
	}
	h, _ := other.ComputeHash()
	other.DefinitionHash = fmt.Sprintf("0x%x", h)
	for _, k := range keys {
		if err := other.Approve(k); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range 4 {
		d := def
		if i == 3 {
			d = &other
		}
		wg.Go(func() {
			_, errs[i] = RunNetwork(context.Background(), NetworkConfig{
				Definition: d, Key: keys[i], Timeout: 3 * time.Second, DataDir: t.TempDir(),
				Output: OutputOptions{Rand: seeded(1)}, Rand: seeded(uint64(i)),
			})
		})
	}
	wg.Wait()
	for i := range 3 {
		if errs[i] == nil || !strings.Contains(errs[i].Error(), `"op3"`) || !strings.Contains(errs[i].Error(), "same definition") {
			t.Fatalf("operator %d: %v", i, errs[i])
		}
	}
}

// BenchmarkCeremonyLoopback runs the ceremony (no keystore encryption) among
// 4 operators over libp2p on loopback, all in this process.
func BenchmarkCeremonyLoopback(b *testing.B) {
	for _, v := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("validators=%d", v), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				keys, def := loopbackCluster(b, v)
				peers, _ := def.PeerIDs()
				nodes := make([]*p2p.Node, 4)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				for i := range 4 {
					cfg := p2p.DefaultConfig()
					cfg.Key, cfg.LockHash = keys[i], mustHash(b, def)
					cfg.ReconnectMin, cfg.ReconnectMax = 50*time.Millisecond, time.Second
					for j, op := range def.Operators {
						addrs, _ := p2p.ParseMultiaddrs(op.Addresses)
						cfg.Peers = append(cfg.Peers, p2p.Peer{ID: peers[j], Addrs: addrs})
						if j == i {
							cfg.ListenAddrs = addrs
						}
					}
					n, err := p2p.New(cfg)
					if err != nil {
						b.Fatal(err)
					}
					nodes[i] = n
					go n.Run(ctx)
				}
				b.StartTimer()
				errs := make([]error, 4)
				var wg sync.WaitGroup
				for i := range 4 {
					wg.Go(func() {
						tr, err := NewP2PTransport(nodes[i], peers, nil)
						if err != nil {
							errs[i] = err
							return
						}
						_, errs[i] = Run(ctx, Config{Definition: def, Key: keys[i], Transport: tr, Rand: seeded(uint64(i))})
					})
				}
				wg.Wait()
				b.StopTimer()
				cancel()
				for i, n := range nodes {
					n.Close()
					if errs[i] != nil {
						b.Fatal(errs[i])
					}
				}
				b.StartTimer()
			}
		})
	}
}

func mustHash(b testing.TB, def *cluster.Definition) []byte {
	h, err := def.Hash()
	if err != nil {
		b.Fatal(err)
	}
	return h
}
