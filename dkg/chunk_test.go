package dkg

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestChunksReassembleInAnyOrderAndRejectInconsistentCounts(t *testing.T) {
	payload := make([]byte, 2*chunkSize+123)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	frames := chunk(RoundDeal, payload)
	if len(frames) != 3 {
		t.Fatalf("%d frames, want 3", len(frames))
	}
	for _, f := range frames {
		if len(f) > Protocol.MaxSize {
			t.Fatalf("frame of %d bytes exceeds the protocol limit %d", len(f), Protocol.MaxSize)
		}
	}
	tr := &P2PTransport{changed: make(chan struct{}), got: make(map[Round]map[int][]byte), chunks: make(map[Round]map[int][][]byte)}
	feed := func(from int, f []byte) {
		tr.storeChunk(Round(binary.BigEndian.Uint32(f)), from, int(binary.BigEndian.Uint32(f[4:])), int(binary.BigEndian.Uint32(f[8:])), f[chunkHeader:])
	}
	feed(1, frames[2])
	feed(1, frames[0])
	if _, ok := tr.got[RoundDeal][1]; ok {
		t.Fatal("payload stored before every chunk arrived")
	}
	// A chunk claiming another count is ignored.
	bad := append([]byte(nil), frames[1]...)
	binary.BigEndian.PutUint32(bad[8:], 5)
	feed(1, bad)
	if _, ok := tr.got[RoundDeal][1]; ok {
		t.Fatal("inconsistent chunk accepted")
	}
	feed(1, frames[1])
	if got := tr.got[RoundDeal][1]; !bytes.Equal(got, payload) {
		t.Fatalf("reassembled %d bytes, want the %d-byte payload", len(got), len(payload))
	}
	if small := chunk(RoundLock, []byte("x")); len(small) != 1 {
		t.Fatalf("small payload in %d frames", len(small))
	}
}
