package dkg

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/p2p"
)

// Protocol is the DKG's p2p protocol: signed one-way messages, each carrying
// one chunk of an operator's payload for a round, prefixed with the round,
// the chunk index and the chunk count (big-endian uint32 each).
var Protocol = p2p.Protocol{Name: "dkg", Version: "1.0.0", MaxSize: chunkSize + chunkHeader, Timeout: 2 * time.Minute}

const (
	// chunkSize is the largest piece of a round payload in one message; a
	// large ceremony's dealing (many validators) spans several.
	chunkSize   = 4 << 20
	chunkHeader = 12
	// maxChunks bounds a payload to maxPayload bytes.
	maxChunks = maxPayload / chunkSize
)

// P2PTransport runs the ceremony's rounds over a p2p node whose lock hash is
// the definition hash (so that only this ceremony's operators' messages are
// accepted). Each payload is signed by its sender; messages that arrive
// before this operator reaches their round are kept until it does.
type P2PTransport struct {
	node  *p2p.Node
	peers []peer.ID
	index map[peer.ID]int
	self  int
	log   *zap.Logger

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever a payload arrives
	got     map[Round]map[int][]byte
	chunks  map[Round]map[int][][]byte // payloads still arriving, by chunk
	pending map[Round]map[int]bool     // operators that have not yet accepted our payload
}

// NewP2PTransport registers the DKG protocol on node. peers are the
// operators in definition order.
func NewP2PTransport(node *p2p.Node, peers []peer.ID, log *zap.Logger) (*P2PTransport, error) {
	if log == nil {
		log = zap.NewNop()
	}
	t := &P2PTransport{node: node, peers: peers, index: make(map[peer.ID]int), self: -1, log: log,
		changed: make(chan struct{}), got: make(map[Round]map[int][]byte), pending: make(map[Round]map[int]bool),
		chunks: make(map[Round]map[int][][]byte)}
	for i, p := range peers {
		t.index[p] = i
		if p == node.ID() {
			t.self = i
		}
	}
	if t.self < 0 {
		return nil, fmt.Errorf("dkg transport: this node (%s) is not an operator", node.ID())
	}
	if err := node.HandleMessages(Protocol, t.handle); err != nil {
		return nil, fmt.Errorf("dkg transport: %w", err)
	}
	return t, nil
}

func (t *P2PTransport) handle(_ context.Context, msg p2p.Message) {
	from, ok := t.index[msg.From]
	if !ok || len(msg.Payload) < chunkHeader {
		t.log.Warn("Dropped DKG message", zap.Stringer("from", msg.From), zap.Int("bytes", len(msg.Payload)))
		return
	}
	round := Round(binary.BigEndian.Uint32(msg.Payload))
	idx := binary.BigEndian.Uint32(msg.Payload[4:])
	count := binary.BigEndian.Uint32(msg.Payload[8:])
	if round < RoundDeal || round > RoundLock || count == 0 || count > maxChunks || idx >= count {
		t.log.Warn("Dropped malformed DKG message", zap.Stringer("from", msg.From), zap.Uint32("round", uint32(round)),
			zap.Uint32("chunk", idx), zap.Uint32("chunks", count))
		return
	}
	t.storeChunk(round, from, int(idx), int(count), msg.Payload[chunkHeader:])
}

// storeChunk keeps a chunk and stores the payload once every chunk is here.
// A chunk count that disagrees with the sender's first chunk is dropped.
func (t *P2PTransport) storeChunk(round Round, from, idx, count int, data []byte) {
	if count == 1 {
		t.store(round, from, data)
		return
	}
	t.mu.Lock()
	if t.chunks[round] == nil {
		t.chunks[round] = make(map[int][][]byte)
	}
	parts := t.chunks[round][from]
	if parts == nil {
		parts = make([][]byte, count)
		t.chunks[round][from] = parts
	}
	if len(parts) != count || parts[idx] != nil {
		t.mu.Unlock()
		return
	}
	parts[idx] = append([]byte(nil), data...)
	for _, p := range parts {
		if p == nil {
			t.mu.Unlock()
			return
		}
	}
	delete(t.chunks[round], from)
	t.mu.Unlock()
	var whole []byte
	for _, p := range parts {
		whole = append(whole, p...)
	}
	t.store(round, from, whole)
}

// store keeps the first payload of each operator for a round; a sender
// cannot replace what it already sent.
func (t *P2PTransport) store(round Round, from int, payload []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.got[round] == nil {
		t.got[round] = make(map[int][]byte)
	}
	if _, dup := t.got[round][from]; dup {
		return
	}
	t.got[round][from] = append([]byte(nil), payload...)
	close(t.changed)
	t.changed = make(chan struct{})
}

// Exchange implements Transport: it delivers our payload to every operator
// (retrying until each has accepted it) and waits for all of theirs.
func (t *P2PTransport) Exchange(ctx context.Context, round Round, payload []byte) (map[int][]byte, error) {
	t.store(round, t.self, payload)
	frames := chunk(round, payload)
	t.mu.Lock()
	t.pending[round] = make(map[int]bool)
	for i := range t.peers {
		if i != t.self {
			t.pending[round][i] = true
		}
	}
	t.mu.Unlock()
	var wg sync.WaitGroup
	for i, p := range t.peers {
		if i == t.self {
			continue
		}
		wg.Go(func() {
			if t.deliver(ctx, p, frames) {
				t.mu.Lock()
				delete(t.pending[round], i)
				t.mu.Unlock()
			}
		})
	}
	delivered := make(chan struct{})
	go func() { wg.Wait(); close(delivered) }()

	for {
		t.mu.Lock()
		n := len(t.got[round])
		changed := t.changed
		t.mu.Unlock()
		if n == len(t.peers) {
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, t.missing(round, ctx.Err())
		}
	}
	// Everyone's payload is here; ours must reach everyone too before we go
	// on, or an operator that finishes first could leave a peer waiting.
	select {
	case <-delivered:
	case <-ctx.Done():
		return nil, t.missing(round, ctx.Err())
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[int][]byte, len(t.peers))
	for k, v := range t.got[round] {
		out[k] = v
	}
	return out, nil
}

func (t *P2PTransport) missing(round Round, err error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var missing []int
	for i := range t.peers {
		if _, ok := t.got[round][i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		for i := range t.peers {
			if t.pending[round][i] {
				missing = append(missing, i)
			}
		}
		err = fmt.Errorf("%w (our message did not reach them)", err)
	}
	return &MissingError{Round: round, Operators: missing, Err: err}
}

// chunk splits a round payload into framed messages of at most chunkSize bytes.
func chunk(round Round, payload []byte) [][]byte {
	count := max(1, (len(payload)+chunkSize-1)/chunkSize)
	frames := make([][]byte, count)
	for i := range count {
		part := payload[i*chunkSize : min(len(payload), (i+1)*chunkSize)]
		f := binary.BigEndian.AppendUint32(nil, uint32(round))
		f = binary.BigEndian.AppendUint32(f, uint32(i))
		f = binary.BigEndian.AppendUint32(f, uint32(count))
		frames[i] = append(f, part...)
	}
	return frames
}

// deliver sends every frame to p, each until p accepts it; false if ctx ends first.
func (t *P2PTransport) deliver(ctx context.Context, p peer.ID, frames [][]byte) bool {
	for _, f := range frames {
		if !t.deliverOne(ctx, p, f) {
			return false
		}
	}
	return true
}

func (t *P2PTransport) deliverOne(ctx context.Context, p peer.ID, framed []byte) bool {
	backoff := 100 * time.Millisecond
	for {
		err := t.node.Send(ctx, Protocol, p, framed)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		t.log.Debug("DKG send failed, retrying", zap.Stringer("peer", p), zap.Error(err))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return false
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}
