package tasks

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// historyStore persists task samples in bbolt (one bucket per Network, key = unix nanoseconds
// big-endian, value = flags), so reports survive restarts.
type historyStore struct {
	db *bolt.DB
}

const (
	flagUp byte = 1 << iota
	flagHealthOK
	flagHasHealth
)

func openHistoryStore(path string) (*historyStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open task history %s: %w", path, err)
	}
	return &historyStore{db: db}, nil
}

func bucketName(id uint64) []byte { return []byte("network-" + strconv.FormatUint(id, 10)) }

// load returns the newest `limit` samples of a Network, oldest first (nil if none).
func (s *historyStore) load(id uint64, limit int) ([]Sample, error) {
	var out []Sample
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName(id))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			if len(k) != 8 || len(v) != 1 {
				return fmt.Errorf("corrupt task history entry for network %d", id)
			}
			out = append(out, Sample{At: time.Unix(0, int64(binary.BigEndian.Uint64(k))), Up: v[0]&flagUp != 0,
				HealthOK: v[0]&flagHealthOK != 0, HasHealth: v[0]&flagHasHealth != 0})
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// append stores a sample and drops the oldest ones beyond limit.
func (s *historyStore) append(id uint64, smp Sample, limit int) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketName(id))
		if err != nil {
			return err
		}
		var f byte
		if smp.Up {
			f |= flagUp
		}
		if smp.HealthOK {
			f |= flagHealthOK
		}
		if smp.HasHealth {
			f |= flagHasHealth
		}
		if err := b.Put(binary.BigEndian.AppendUint64(nil, uint64(smp.At.UnixNano())), []byte{f}); err != nil {
			return err
		}
		if n := b.Stats().KeyN; n > limit+limit/10 { // prune in batches
			c := b.Cursor()
			for k, _ := c.First(); k != nil && n > limit; k, _ = c.Next() {
				if err := c.Delete(); err != nil {
					return err
				}
				n--
			}
		}
		return nil
	})
}

func (s *historyStore) close() error { return s.db.Close() }
