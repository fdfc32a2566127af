package consensus_test

import (
	"bytes"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
)

func TestStores_SaveLoadDelete(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "s.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bs, err := consensus.NewBoltStore(db)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]consensus.Store{"mem": consensus.NewMemStore(), "bolt": bs} {
		t.Run(name, func(t *testing.T) {
			a, b := qbft.InstanceID{Slot: 1, Duty: 1}, qbft.InstanceID{Slot: 1, Duty: 2}
			if _, found, err := s.Load(a); err != nil || found {
				t.Fatalf("empty store: found=%v err=%v", found, err)
			}
			if err := s.Save(a, []byte("one")); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(b, []byte("two")); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(a, []byte("three")); err != nil {
				t.Fatal(err)
			}
			if got, found, err := s.Load(a); err != nil || !found || !bytes.Equal(got, []byte("three")) {
				t.Fatalf("load a: %q %v %v", got, found, err)
			}
			if got, _, _ := s.Load(b); !bytes.Equal(got, []byte("two")) {
				t.Fatalf("load b: %q (instances with the same slot mixed)", got)
			}
			if err := s.Delete(a); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(a); err != nil {
				t.Fatalf("deleting a missing instance: %v", err)
			}
			if _, found, _ := s.Load(a); found {
				t.Fatal("deleted state still found")
			}
		})
	}
}

func TestBoltStore_SurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	id := qbft.InstanceID{Slot: 99, Duty: 4}
	for i, want := range []string{"", "kept"} {
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := consensus.NewBoltStore(db)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := s.Save(id, []byte("kept")); err != nil {
				t.Fatal(err)
			}
		} else if got, found, err := s.Load(id); err != nil || !found || string(got) != want {
			t.Fatalf("after reopen: %q %v %v", got, found, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
