package beaconsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
)

// Event stream topics the simulator publishes.
const (
	topicHead                = "head"
	topicBlock               = "block"
	topicFinalizedCheckpoint = "finalized_checkpoint"
	topicChainReorg          = "chain_reorg"
)

type sseEvent struct {
	topic string
	data  []byte
}

// eventBus fans events out to SSE subscribers; a slow subscriber loses events rather than blocking the chain.
type eventBus struct {
	mu   sync.Mutex
	subs map[chan sseEvent]map[string]bool
}

func newEventBus() *eventBus { return &eventBus{subs: make(map[chan sseEvent]map[string]bool)} }

func (b *eventBus) subscribe(topics []string) chan sseEvent {
	ch := make(chan sseEvent, 64)
	set := make(map[string]bool, len(topics))
	for _, t := range topics {
		set[t] = true
	}
	b.mu.Lock()
	b.subs[ch] = set
	b.mu.Unlock()
	return ch
}

func (b *eventBus) unsubscribe(ch chan sseEvent) {
	b.mu.Lock()
	delete(b.subs, ch)
	b.mu.Unlock()
}

// publish sends v (a go-eth2-client event type, JSON-encoded) to every subscriber of topic.
func (b *eventBus) publish(topic string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return // event types always marshal; nothing useful to do otherwise
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, topics := range b.subs {
		if !topics[topic] {
			continue
		}
		select {
		case ch <- sseEvent{topic: topic, data: data}:
		default:
		}
	}
}

func headEvent(c *chain, b *simBlock) *apiv1.HeadEvent {
	epoch := c.epochOf(b.slot)
	return &apiv1.HeadEvent{
		Slot: b.slot, Block: b.root, State: b.stateRoot,
		EpochTransition:           b.parent != nil && c.epochOf(b.parent.slot) != epoch,
		CurrentDutyDependentRoot:  c.dependentRoot(epoch),
		PreviousDutyDependentRoot: c.dependentRoot(epoch - min(epoch, 1)),
	}
}

func blockEvent(b *simBlock) *apiv1.BlockEvent {
	return &apiv1.BlockEvent{Slot: b.slot, Block: b.root}
}

func finalizedEvent(c *chain) *apiv1.FinalizedCheckpointEvent {
	b := c.blocks[c.finalized.Root]
	return &apiv1.FinalizedCheckpointEvent{Block: c.finalized.Root, State: b.stateRoot, Epoch: c.finalized.Epoch}
}

// handleEvents serves GET /eth/v1/events?topics=... as server-sent events.
func (s *Simulator) handleEvents(w http.ResponseWriter, r *http.Request) {
	var topics []string
	for _, t := range r.URL.Query()["topics"] {
		for _, one := range strings.Split(t, ",") {
			switch one {
			case topicHead, topicBlock, topicFinalizedCheckpoint, topicChainReorg:
				topics = append(topics, one)
			default:
				writeError(w, http.StatusBadRequest, fmt.Sprintf("unsupported topic %q", one))
				return
			}
		}
	}
	if len(topics) == 0 {
		writeError(w, http.StatusBadRequest, "no topics")
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ch := s.events.subscribe(topics)
	defer s.events.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-ch:
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.topic, ev.data); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}
