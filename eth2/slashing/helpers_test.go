package slashing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

var testGVR = phase0.Root{0x4b, 0x36}

func pubkey(i byte) phase0.BLSPubKey {
	var pk phase0.BLSPubKey
	pk[0], pk[47] = 0xa0, i
	return pk
}

func root(i uint64) phase0.Root {
	var r phase0.Root
	r[0], r[1], r[2], r[31] = byte(i), byte(i>>8), byte(i>>16), 0x5a
	return r
}

func openStore(t testing.TB, path string, opts ...slashing.Option) *slashing.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "sp.db")
	}
	s, err := slashing.Open(path, testGVR, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func export(t testing.TB, s *slashing.Store, strategy slashing.Strategy) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Export(context.Background(), &buf, strategy); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// op is one signing attempt in a table-driven test.
type op struct {
	block    bool
	pk       byte
	slot     uint64
	src, tgt uint64
	root     uint64 // 0 = zero (unknown) root
}

func blk(slot, r uint64) op           { return op{block: true, slot: slot, root: r} }
func att(src, tgt, r uint64) op       { return op{src: src, tgt: tgt, root: r} }
func (o op) on(pk byte) op            { o.pk = pk; return o }
func (o op) rootValue() phase0.Root   { return rootOrZero(o.root) }
func rootOrZero(r uint64) phase0.Root { return map[bool]phase0.Root{true: {}, false: root(r)}[r == 0] }

func (o op) run(ctx context.Context, s *slashing.Store) error {
	if o.block {
		return s.CheckAndRecordBlock(ctx, pubkey(o.pk), phase0.Slot(o.slot), o.rootValue())
	}
	return s.CheckAndRecordAttestation(ctx, pubkey(o.pk), phase0.Epoch(o.src), phase0.Epoch(o.tgt), o.rootValue())
}

func jsonEncode(w *bytes.Buffer, v any) error { return json.NewEncoder(w).Encode(v) }

func pkHex(i byte) string {
	pk := pubkey(i)
	return fmt.Sprintf("%#x", pk[:])
}
