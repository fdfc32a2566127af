package dkg

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/keystore"
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
