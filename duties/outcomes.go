package duties

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

var outcomesBucket = []byte("duty_outcomes")

// outcomeKey is slot (8, big-endian) | duty name | 0 | validator hex, then "/" and the decimal
// subcommittee for the duty types performed per subcommittee: sorted by slot.
func outcomeKey(o Outcome) []byte {
	k := make([]byte, 8, 8+len(o.Duty)+1+len(o.Validator)+4)
	binary.BigEndian.PutUint64(k, o.Slot)
	k = append(k, o.Duty...)
	k = append(k, 0)
	k = append(k, o.Validator...)
	if o.Subcommittee != nil {
		k = append(k, '/')
		k = strconv.AppendUint(k, *o.Subcommittee, 10)
	}
	return k
}

// keyValidator returns the validator hex of an outcome key.
func keyValidator(k []byte) []byte {
	if len(k) < 8 {
		return nil
	}
	rest := k[8:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		return nil
	}
	rest = rest[i+1:]
	if j := bytes.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// BoltOutcomes persists outcomes in a bbolt database.
type BoltOutcomes struct{ db *bolt.DB }

// NewBoltOutcomes uses db (opened and closed by the caller) and creates its bucket.
func NewBoltOutcomes(db *bolt.DB) (*BoltOutcomes, error) {
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(outcomesBucket)
		return err
	}); err != nil {
		return nil, fmt.Errorf("create duty outcomes bucket: %w", err)
	}
	return &BoltOutcomes{db: db}, nil
}

// Put stores outcomes in one transaction.
func (s *BoltOutcomes) Put(outs []Outcome) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(outcomesBucket)
		for _, o := range outs {
			v, err := json.Marshal(o)
			if err != nil {
				return fmt.Errorf("encode outcome: %w", err)
			}
			if err := b.Put(outcomeKey(o), v); err != nil {
				return fmt.Errorf("store outcome: %w", err)
			}
		}
		return nil
	})
}

// Query returns outcomes with fromSlot <= slot <= toSlot, of one validator if given, by slot.
func (s *BoltOutcomes) Query(fromSlot, toSlot uint64, validator *PubKey) ([]Outcome, error) {
	var out []Outcome
	var want string
	if validator != nil {
		want = "0x" + hex.EncodeToString(validator[:])
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(outcomesBucket).Cursor()
		start := binary.BigEndian.AppendUint64(nil, fromSlot)
		for k, v := c.Seek(start); k != nil && binary.BigEndian.Uint64(k) <= toSlot; k, v = c.Next() {
			if want != "" && string(keyValidator(k)) != want {
				continue
			}
			var o Outcome
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("decode outcome: %w", err)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// Prune deletes outcomes before beforeSlot.
func (s *BoltOutcomes) Prune(beforeSlot uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(outcomesBucket).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) < beforeSlot; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return fmt.Errorf("prune outcome: %w", err)
			}
		}
		return nil
	})
}

// MemOutcomes keeps outcomes in memory (tests, or no data directory).
type MemOutcomes struct {
	mu   sync.Mutex
	outs map[string]Outcome
}

// NewMemOutcomes returns an empty MemOutcomes.
func NewMemOutcomes() *MemOutcomes { return &MemOutcomes{outs: make(map[string]Outcome)} }

// Put stores outcomes.
func (m *MemOutcomes) Put(outs []Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range outs {
		m.outs[string(outcomeKey(o))] = o
	}
	return nil
}

// Query returns outcomes with fromSlot <= slot <= toSlot, of one validator if given, by slot.
func (m *MemOutcomes) Query(fromSlot, toSlot uint64, validator *PubKey) ([]Outcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k, o := range m.outs {
		if o.Slot < fromSlot || o.Slot > toSlot {
			continue
		}
		if validator != nil && !strings.EqualFold(o.Validator, "0x"+hex.EncodeToString(validator[:])) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Outcome, 0, len(keys))
	for _, k := range keys {
		out = append(out, m.outs[k])
	}
	return out, nil
}

// Prune deletes outcomes before beforeSlot.
func (m *MemOutcomes) Prune(beforeSlot uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, o := range m.outs {
		if o.Slot < beforeSlot {
			delete(m.outs, k)
		}
	}
	return nil
}
