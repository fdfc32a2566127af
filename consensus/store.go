package consensus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

func instanceKey(id qbft.InstanceID) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 10), id.Slot)
	return binary.BigEndian.AppendUint16(k, id.Duty)
}

// MemStore is an in-memory Store (tests; state is lost on restart).
type MemStore struct {
	mu sync.Mutex
	m  map[qbft.InstanceID][]byte
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{m: make(map[qbft.InstanceID][]byte)} }

// Save stores a copy of state.
func (s *MemStore) Save(id qbft.InstanceID, state []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id] = append([]byte(nil), state...)
	return nil
}

// Load returns a copy of the stored state.
func (s *MemStore) Load(id qbft.InstanceID) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[id]
	return append([]byte(nil), st...), ok, nil
}

// Delete forgets id.
func (s *MemStore) Delete(id qbft.InstanceID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
	return nil
}

var boltBucket = []byte("qbft-instances")

// BoltStore is a crash-safe Store in a bbolt database (every Save is a
// committed, fsynced transaction).
type BoltStore struct {
	db *bolt.DB
}

// NewBoltStore uses db (opened by the caller, who also closes it) and
// creates its bucket.
func NewBoltStore(db *bolt.DB) (*BoltStore, error) {
	if db == nil {
		return nil, errors.New("new bolt store: db is nil")
	}
	err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(boltBucket)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create consensus bucket: %w", err)
	}
	return &BoltStore{db: db}, nil
}

// Save stores state durably.
func (s *BoltStore) Save(id qbft.InstanceID, state []byte) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(boltBucket).Put(instanceKey(id), state)
	})
	if err != nil {
		return fmt.Errorf("save consensus state %s: %w", id, err)
	}
	return nil
}

// Load returns the stored state.
func (s *BoltStore) Load(id qbft.InstanceID) ([]byte, bool, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(boltBucket).Get(instanceKey(id)); v != nil {
			out = append([]byte{}, v...)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("load consensus state %s: %w", id, err)
	}
	return out, out != nil, nil
}

// Delete forgets id.
func (s *BoltStore) Delete(id qbft.InstanceID) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(boltBucket).Delete(instanceKey(id))
	})
	if err != nil {
		return fmt.Errorf("delete consensus state %s: %w", id, err)
	}
	return nil
}
