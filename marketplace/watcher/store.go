package watcher

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	bolt "go.etcd.io/bbolt"
)

var (
	bucketMeta        = []byte("meta")
	bucketLogs        = []byte("logs")
	bucketCheckpoints = []byte("checkpoints")
	keyCursor         = []byte("cursor")
	keyScope          = []byte("scope")
)

// maxCheckpoints bounds the block-hash checkpoints kept for reorg detection.
const maxCheckpoints = 512

// Cursor is the last block whose logs are fully applied.
type Cursor struct {
	Number uint64
	Hash   common.Hash
}

// Store persists the journal of marketplace logs, block-hash checkpoints and the cursor in bbolt.
type Store struct {
	db *bolt.DB
}

// OpenStore opens (creating if needed) the store at path. scope identifies the contracts and start
// block followed; a store written for another scope is refused rather than mixed.
func OpenStore(path string, scope []byte) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open watcher store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketLogs, bucketCheckpoints} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		old := meta.Get(keyScope)
		if old == nil {
			return meta.Put(keyScope, scope)
		}
		if !bytes.Equal(old, scope) {
			return fmt.Errorf("store %s follows other contracts or start block (scope %x, want %x): use another data dir or delete it", path, old, scope)
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("init watcher store: %w", err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Cursor returns the persisted cursor, or ok=false before the first chunk.
func (s *Store) Cursor() (c Cursor, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get(keyCursor)
		if v == nil {
			return nil
		}
		if len(v) != 40 {
			return fmt.Errorf("corrupt cursor: %d bytes, want 40", len(v))
		}
		c, ok = Cursor{Number: binary.BigEndian.Uint64(v), Hash: common.BytesToHash(v[8:])}, true
		return nil
	})
	return c, ok, err
}

// Commit appends logs, records checkpoints and moves the cursor atomically.
func (s *Store) Commit(logs []types.Log, checkpoints []Cursor, cursor Cursor) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bucketLogs)
		for i := range logs {
			if err := lb.Put(logKey(logs[i].BlockNumber, logs[i].Index), encodeLog(&logs[i])); err != nil {
				return fmt.Errorf("put log: %w", err)
			}
		}
		cb := tx.Bucket(bucketCheckpoints)
		for _, c := range append(checkpoints, cursor) {
			if err := cb.Put(u64(c.Number), c.Hash[:]); err != nil {
				return fmt.Errorf("put checkpoint: %w", err)
			}
		}
		if err := pruneCheckpoints(cb); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyCursor, cursorBytes(cursor))
	})
}

// Checkpoints returns the stored block-hash checkpoints, newest first.
func (s *Store) Checkpoints() ([]Cursor, error) {
	var out []Cursor
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCheckpoints).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			out = append(out, Cursor{Number: binary.BigEndian.Uint64(k), Hash: common.BytesToHash(v)})
		}
		return nil
	})
	return out, err
}

// Rewind drops every log and checkpoint above block `to` and sets the cursor to `to` (ok=false
// resets the cursor: the next run starts from the start block again).
func (s *Store) Rewind(to Cursor, ok bool) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		from := uint64(0)
		if ok {
			from = to.Number + 1
		}
		for _, name := range [][]byte{bucketLogs, bucketCheckpoints} {
			b := tx.Bucket(name)
			c := b.Cursor()
			for k, _ := c.Seek(u64(from)); k != nil; k, _ = c.Next() {
				if err := c.Delete(); err != nil {
					return fmt.Errorf("delete %s entry: %w", name, err)
				}
			}
		}
		if !ok {
			return tx.Bucket(bucketMeta).Delete(keyCursor)
		}
		return tx.Bucket(bucketMeta).Put(keyCursor, cursorBytes(to))
	})
}

// ForEachLog calls fn for every journaled log in chain order.
func (s *Store) ForEachLog(fn func(*types.Log) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLogs).ForEach(func(_, v []byte) error {
			l, err := decodeLog(v)
			if err != nil {
				return err
			}
			return fn(l)
		})
	})
}

func pruneCheckpoints(b *bolt.Bucket) error {
	n := b.Stats().KeyN
	if n <= maxCheckpoints {
		return nil
	}
	c := b.Cursor()
	for k, _ := c.First(); k != nil && n > maxCheckpoints; k, _ = c.Next() {
		if err := c.Delete(); err != nil {
			return fmt.Errorf("prune checkpoint: %w", err)
		}
		n--
	}
	return nil
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func logKey(block uint64, index uint) []byte {
	return binary.BigEndian.AppendUint32(u64(block), uint32(index))
}

func cursorBytes(c Cursor) []byte { return append(u64(c.Number), c.Hash[:]...) }

// encodeLog: block(8) index(4) blockHash(32) txHash(32) txIndex(4) address(20) nTopics(1) topics data.
func encodeLog(l *types.Log) []byte {
	b := make([]byte, 0, 101+32*len(l.Topics)+len(l.Data))
	b = binary.BigEndian.AppendUint64(b, l.BlockNumber)
	b = binary.BigEndian.AppendUint32(b, uint32(l.Index))
	b = append(b, l.BlockHash[:]...)
	b = append(b, l.TxHash[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(l.TxIndex))
	b = append(b, l.Address[:]...)
	b = append(b, byte(len(l.Topics)))
	for _, t := range l.Topics {
		b = append(b, t[:]...)
	}
	return append(b, l.Data...)
}

var errCorruptLog = errors.New("corrupt journaled log")

func decodeLog(b []byte) (*types.Log, error) {
	if len(b) < 101 {
		return nil, fmt.Errorf("%w: %d bytes", errCorruptLog, len(b))
	}
	l := &types.Log{
		BlockNumber: binary.BigEndian.Uint64(b),
		Index:       uint(binary.BigEndian.Uint32(b[8:])),
		BlockHash:   common.BytesToHash(b[12:44]),
		TxHash:      common.BytesToHash(b[44:76]),
		TxIndex:     uint(binary.BigEndian.Uint32(b[76:])),
		Address:     common.BytesToAddress(b[80:100]),
	}
	n := int(b[100])
	rest := b[101:]
	if len(rest) < 32*n {
		return nil, fmt.Errorf("%w: %d topics in %d bytes", errCorruptLog, n, len(rest))
	}
	for i := 0; i < n; i++ {
		l.Topics = append(l.Topics, common.BytesToHash(rest[32*i:32*i+32]))
	}
	l.Data = bytes.Clone(rest[32*n:])
	return l, nil
}
