package devnet

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/eth2/bls"
)

// A dealt cluster gives every node the same verified lock and shares that load against it, and any
// threshold of them recover the validator's key.
func TestDealClusterWritesLoadableSharesOfOneLock(t *testing.T) {
	o := DefaultOptions()
	o.Dir, o.Validators, o.Dealer = t.TempDir(), 3, true
	var nodes []NodeInfo
	for i := range o.Nodes {
		nodes = append(nodes, NodeInfo{Name: fmt.Sprintf("node%d", i), DataDir: filepath.Join(o.Dir, fmt.Sprintf("node%d", i))})
	}
	def, err := operatorSetup(&o, nodes, []int{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := dealCluster(&o, nodes, def); err != nil {
		t.Fatal(err)
	}
	var hash string
	shares := make(map[uint64]*bls.SecretKey)
	for i, n := range nodes {
		lock, err := cluster.LoadLock(filepath.Join(n.DataDir, cluster.LockFileName))
		if err != nil {
			t.Fatal(err)
		}
		if err := lock.Verify(); err != nil {
			t.Fatalf("%s: %v", n.Name, err)
		}
		if i == 0 {
			hash = lock.LockHash
		} else if lock.LockHash != hash {
			t.Fatalf("%s has lock %s, node0 %s", n.Name, lock.LockHash, hash)
		}
		if len(lock.Validators) != o.Validators {
			t.Fatalf("%s: %d validators, want %d", n.Name, len(lock.Validators), o.Validators)
		}
		got, err := dkg.LoadShares(n.DataDir, lock, i)
		if err != nil {
			t.Fatalf("%s: %v", n.Name, err)
		}
		if i < cluster.DefaultThreshold(o.Nodes) {
			shares[uint64(i+1)] = got[2]
		}
		if i == len(nodes)-1 {
			secret, err := bls.RecoverSecret(shares)
			if err != nil {
				t.Fatal(err)
			}
			if pk := "0x" + fmt.Sprintf("%x", secret.PublicKey().Bytes()); pk != lock.Validators[2].PublicKey {
				t.Fatalf("recovered key %s, lock says %s", pk, lock.Validators[2].PublicKey)
			}
		}
	}
}
