package duties

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// ErrNoHandler: a duty type without a handler reached a stage.
var ErrNoHandler = errors.New("no handler for duty type")

// handlers maps duty types to their handlers.
type handlers map[DutyType]DutyHandler

func (h handlers) get(t DutyType) (DutyHandler, error) {
	d, ok := h[t]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrNoHandler, t)
	}
	return d, nil
}

// fetcher is the Fetcher: it asks the duty type's handler.
type fetcher struct {
	bn       beacon.Client
	handlers handlers
}

// narrower is implemented by handlers for which only some of the scheduled validators have the duty.
type narrower interface {
	narrow(ctx context.Context, duty Duty, defs DefinitionSet) (DefinitionSet, error)
}

func (f *fetcher) Fetch(ctx context.Context, duty Duty, defs DefinitionSet) ([]byte, DefinitionSet, error) {
	h, err := f.handlers.get(duty.Type)
	if err != nil {
		return nil, nil, err
	}
	if n, ok := h.(narrower); ok {
		if defs, err = n.narrow(ctx, duty, defs); err != nil {
			return nil, nil, fmt.Errorf("select validators of %s: %w", duty, err)
		}
		if len(defs) == 0 {
			return nil, defs, nil
		}
	}
	v, err := h.Fetch(ctx, f.bn, duty, defs)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch %s: %w", duty, err)
	}
	return v, defs, nil
}

// qbftConsensus is the Consensus stage over a consensus.Runner (one QBFT instance per duty). Duties whose
// value every operator derives alike (deterministic handlers: RANDAO, selection proofs) skip QBFT.
type qbftConsensus struct {
	runner   *consensus.Runner
	handlers handlers
	mu       sync.Mutex
	subs     []func(Duty, []byte)
}

func instanceID(d Duty) qbft.InstanceID {
	return qbft.InstanceID{Slot: uint64(d.Slot), Duty: uint16(d.Type)}
}

func dutyOf(id qbft.InstanceID) Duty {
	return Duty{Slot: phase0.Slot(id.Slot), Type: DutyType(id.Duty)}
}

// checkValue is the runner's value validation.
func (h handlers) checkValue(id qbft.InstanceID, value []byte) error {
	d := dutyOf(id)
	hd, err := h.get(d.Type)
	if err != nil {
		return err
	}
	return hd.Check(d, value)
}

func (c *qbftConsensus) Propose(ctx context.Context, duty Duty, value []byte) error {
	h, err := c.handlers.get(duty.Type)
	if err != nil {
		return err
	}
	if _, ok := h.(deterministic); ok {
		if err := h.Check(duty, value); err != nil {
			return fmt.Errorf("check %s: %w", duty, err)
		}
		h.Decided(duty, value)
		c.mu.Lock()
		subs := append([]func(Duty, []byte){}, c.subs...)
		c.mu.Unlock()
		for _, fn := range subs {
			fn(duty, value)
		}
		return nil
	}
	if err := c.runner.Propose(ctx, instanceID(duty), value); err != nil {
		return fmt.Errorf("propose %s: %w", duty, err)
	}
	return nil
}

func (c *qbftConsensus) Subscribe(fn func(Duty, []byte)) {
	c.mu.Lock()
	c.subs = append(c.subs, fn)
	c.mu.Unlock()
	c.runner.Subscribe(func(d consensus.Decided) {
		duty := dutyOf(d.Duty)
		if h, err := c.handlers.get(duty.Type); err == nil {
			h.Decided(duty, d.Value)
		}
		fn(duty, d.Value)
	})
}

// shareSigner is the Signer: slashing protection first, then the key share.
type shareSigner struct {
	handlers handlers
	network  *signing.Network
	shares   map[PubKey]*bls.SecretKey
	store    SlashingStore
	workers  int
}

// SigningRoot computes msg's signing root on network.
func SigningRoot(network *signing.Network, msg *Message) (phase0.Root, error) {
	domain, err := network.Domain(msg.Domain, msg.Epoch)
	if err != nil {
		return phase0.Root{}, fmt.Errorf("domain: %w", err)
	}
	root, err := signing.ComputeSigningRoot(msg.Object, domain)
	if err != nil {
		return phase0.Root{}, fmt.Errorf("signing root: %w", err)
	}
	return root, nil
}

func (s *shareSigner) Sign(ctx context.Context, duty Duty, defs DefinitionSet, value []byte) (ParSignedSet,
	UnsignedSet, error,
) {
	h, err := s.handlers.get(duty.Type)
	if err != nil {
		return nil, nil, err
	}
	msgs, err := h.Messages(duty, defs, value)
	if err != nil {
		return nil, nil, fmt.Errorf("messages of %s: %w", duty, err)
	}
	var (
		mu   sync.Mutex
		out  = make(ParSignedSet, len(msgs))
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, max(1, s.workers))
	)
	keys := make(map[Key]*bls.SecretKey, len(msgs))
	// Many messages share a signing root (a slot's attestations, sync committee messages, selection
	// proofs): hash each distinct root to G2 once, by the first goroutine that needs it.
	hashes := make(map[phase0.Root]*hashedRoot)
	for k, msg := range msgs {
		share, ok := s.shares[k.PubKey]
		if !ok {
			return nil, nil, fmt.Errorf("sign %s: no key share for validator %s", duty, k)
		}
		root, err := SigningRoot(s.network, msg)
		if err != nil {
			return nil, nil, fmt.Errorf("sign %s for %s: %w", duty, k, err)
		}
		msg.Root = root
		keys[k] = share
		if hashes[root] == nil {
			hashes[root] = &hashedRoot{}
		}
	}
	// The slashing checks go to the store all at once (up to maxProtectInFlight), so that its writer
	// commits them in one or a few fsyncs; with only the signing workers in flight, a slot's hundreds of
	// attestations took one fsync per few dozen. Signing is then bounded by the workers.
	protect := make(chan struct{}, maxProtectInFlight)
	for k, msg := range msgs {
		wg.Add(1)
		protect <- struct{}{}
		go func() {
			defer wg.Done()
			err := h.Protect(ctx, s.store, k.PubKey, msg)
			<-protect
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("slashing protection refused %s: %w", k, err))
				mu.Unlock()
				return
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			partial := hashes[msg.Root].sign(keys[k], msg.Root)
			var sig phase0.BLSSignature
			copy(sig[:], partial.Bytes())
			mu.Lock()
			out[k] = ParSig{Root: msg.Root, Signature: sig, decoded: partial}
			mu.Unlock()
		}()
	}
	wg.Wait()
	signed := make(UnsignedSet, len(out))
	for k := range out {
		signed[k] = msgs[k]
	}
	return out, signed, errors.Join(errs...)
}

// maxProtectInFlight bounds the slashing checks one Sign call has in flight at once.
const maxProtectInFlight = 1024

// hashedRoot is a signing root hashed to G2 once, for every share that signs it.
type hashedRoot struct {
	once sync.Once
	msg  *bls.HashedMessage // nil if hashing failed: then sign falls back to Sign
}

func (h *hashedRoot) sign(share *bls.SecretKey, root phase0.Root) *bls.Signature {
	h.once.Do(func() { h.msg, _ = bls.HashMessage(root[:]) })
	if h.msg == nil {
		return share.Sign(root[:])
	}
	return share.SignHashed(h.msg)
}

// broadcaster is the Broadcaster: it asks the duty type's handler to submit.
type broadcaster struct {
	bn       beacon.Client
	db       StateDB
	handlers handlers
}

func (b *broadcaster) Broadcast(ctx context.Context, duty Duty, set SignedSet) error {
	h, err := b.handlers.get(duty.Type)
	if err != nil {
		return err
	}
	defs, ok := b.db.Definitions(duty)
	if !ok {
		return fmt.Errorf("broadcast %s: definitions gone", duty)
	}
	value, ok := b.db.Decided(duty)
	if !ok {
		return fmt.Errorf("broadcast %s: no decided value", duty)
	}
	if err := h.Submit(ctx, b.bn, duty, defs, value, set); err != nil {
		return fmt.Errorf("submit %s: %w", duty, err)
	}
	return nil
}

// memDB is the in-memory StateDB; entries older than the retention are pruned.
type memDB struct {
	mu      sync.Mutex
	defs    map[Duty]DefinitionSet
	decided map[Duty][]byte
}

func newMemDB() *memDB {
	return &memDB{defs: make(map[Duty]DefinitionSet), decided: make(map[Duty][]byte)}
}

func (m *memDB) PutDefinitions(d Duty, defs DefinitionSet) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.defs[d] = defs
}

func (m *memDB) Definitions(d Duty) (DefinitionSet, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.defs[d]
	return v, ok
}

func (m *memDB) PutDecided(d Duty, v []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.decided[d] = v
}

func (m *memDB) Decided(d Duty) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.decided[d]
	return v, ok
}

// prune forgets duties before slot.
func (m *memDB) prune(before phase0.Slot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for d := range m.defs {
		if d.Slot < before {
			delete(m.defs, d)
		}
	}
	for d := range m.decided {
		if d.Slot < before {
			delete(m.decided, d)
		}
	}
}
