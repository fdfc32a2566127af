package watcher

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// FuzzDecodeLog: journal entries that are corrupt are refused with an error, never a panic, and
// valid encodings round-trip.
func FuzzDecodeLog(f *testing.F) {
	f.Add(encodeLog(&types.Log{BlockNumber: 7, Index: 3, Topics: []common.Hash{{1}, {2}}, Data: []byte("x")}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := decodeLog(b)
		if err != nil {
			return
		}
		again, err := decodeLog(encodeLog(l))
		if err != nil || again.BlockNumber != l.BlockNumber || again.Index != l.Index || len(again.Topics) != len(l.Topics) ||
			string(again.Data) != string(l.Data) {
			t.Fatalf("round trip changed the log: %+v -> %+v (%v)", l, again, err)
		}
	})
}

// FuzzStateApply: arbitrary logs from the marketplace contracts never panic the state.
func FuzzStateApply(f *testing.F) {
	reg, fac := common.HexToAddress("0x1"), common.HexToAddress("0x2")
	f.Add(uint8(0), []byte{}, []byte{})
	f.Add(uint8(1), Topics()[4].Bytes(), make([]byte, 96))
	f.Fuzz(func(t *testing.T, who uint8, topic, data []byte) {
		s := NewState(reg, fac)
		addr := []common.Address{reg, fac, common.HexToAddress("0x3")}[int(who)%3]
		l := &types.Log{Address: addr, Topics: []common.Hash{common.BytesToHash(topic)}, Data: data}
		for _, id := range Topics() {
			l.Topics[0] = id
			_, _ = s.Apply(l)
		}
		_ = s.Assignments(common.HexToAddress("0x4"))
	})
}
