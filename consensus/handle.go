package consensus

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// receive decodes and authenticates one inbound message, then steps it into
// its instance, buffers it (instance not started) or drops it (expired).
func (r *Runner) receive(ctx context.Context, in Inbound) {
	if in.From < 0 || in.From >= r.cfg.N || in.From == r.cfg.Self {
		r.metrics.invalid.WithLabelValues("bad_peer").Inc()
		return
	}
	e, err := qbft.UnmarshalEnvelope(in.Data)
	if err != nil {
		r.invalid(in.From, "encoding", err)
		return
	}
	now := r.cfg.Clock.Now()
	inst := r.instances[e.Instance]
	if inst == nil {
		r.bufferMessage(in.From, &e, now)
		return
	}
	if inst.q.Ignored(&e.Message) {
		return // stale: not worth a signature check
	}
	if err := r.verify(&e); err != nil {
		r.invalid(in.From, "signature", err)
		return
	}
	r.step(ctx, inst, in.From, e, now)
}

// step delivers an authenticated message to its instance.
func (r *Runner) step(ctx context.Context, inst *instance, from int, e qbft.Envelope, now time.Time) {
	r.tick(inst, e.Instance, now)
	if err := inst.q.Step(e); err != nil {
		r.invalid(from, qbft.Reason(err), err)
		return
	}
	r.process(ctx, e.Instance, inst)
}

// verify checks the signature of the message and of every message in its
// justification, skipping any (same message, same signature bytes) already
// verified or signed by us.
func (r *Runner) verify(e *qbft.Envelope) error {
	if err := r.verifySigned(&e.Signed); err != nil {
		return err
	}
	for i := range e.Justification {
		if err := r.verifySigned(&e.Justification[i]); err != nil {
			return fmt.Errorf("justification %d: %w", i, err)
		}
	}
	return nil
}

func (r *Runner) verifySigned(s *qbft.Signed) error {
	k := keyOf(s)
	if r.verified.has(k) {
		return nil
	}
	if err := r.cfg.Verifier.Verify(int(s.Source), s.SigningBytes(), s.Signature); err != nil {
		return err
	}
	r.verified.add(k)
	return nil
}

func (r *Runner) invalid(from int, reason string, err error) {
	r.metrics.invalid.WithLabelValues(reason).Inc()
	r.log.Debug("Rejected consensus message", zap.Int("peer", from), zap.String("reason", reason), zap.Error(err))
}

// bufferMessage keeps an authenticated message for an instance that has not
// started, within the per-peer and per-instance bounds, until its deadline.
func (r *Runner) bufferMessage(from int, e *qbft.Envelope, now time.Time) {
	deadline := r.cfg.Deadline(e.Instance)
	if !now.Before(deadline) {
		r.metrics.dropped.WithLabelValues("expired").Inc()
		return
	}
	buf := r.buffers[e.Instance]
	switch {
	case r.perPeer[from] >= r.cfg.MaxBufferPerPeer:
		r.metrics.dropped.WithLabelValues("peer_buffer_full").Inc()
		return
	case buf != nil && len(buf.msgs) >= r.cfg.MaxBufferPerInstance:
		r.metrics.dropped.WithLabelValues("instance_buffer_full").Inc()
		return
	}
	if err := r.verify(e); err != nil {
		r.invalid(from, "signature", err)
		return
	}
	if buf == nil {
		buf = &buffer{deadline: deadline}
		r.buffers[e.Instance] = buf
	}
	buf.msgs = append(buf.msgs, buffered{from: from, e: *e})
	r.perPeer[from]++
	r.metrics.buffered.Inc()
}

// tick advances an instance's clock and counts round-timer expiries.
func (r *Runner) tick(inst *instance, id qbft.InstanceID, now time.Time) {
	before := inst.q.Round()
	inst.q.Tick(now)
	if after := inst.q.Round(); after > before {
		r.metrics.timeouts.WithLabelValues(dutyLabel(id)).Add(float64(after - before))
		r.log.Debug("Consensus round timeout", zap.Stringer("duty", id), zap.Uint32("round", after))
	}
}

// tickAll fires due round timers and, when housekeeping is due, forgets
// expired instances and buffers.
func (r *Runner) tickAll(ctx context.Context) {
	now := r.cfg.Clock.Now()
	for id, inst := range r.active {
		if !now.Before(inst.deadline) {
			r.forget(id)
			continue
		}
		r.tick(inst, id, now)
		r.process(ctx, id, inst)
	}
	if now.Before(r.housekeepAt) {
		return
	}
	r.housekeepAt = now.Add(housekeeping)
	for id, inst := range r.instances {
		if !now.Before(inst.deadline) {
			r.forget(id)
		}
	}
	for id, buf := range r.buffers {
		if !now.Before(buf.deadline) {
			for _, m := range buf.msgs {
				r.perPeer[m.from]--
			}
			delete(r.buffers, id)
		}
	}
}

func (r *Runner) forget(id qbft.InstanceID) {
	delete(r.instances, id)
	delete(r.active, id)
	r.metrics.instances.Set(float64(len(r.instances)))
	if err := r.cfg.Store.Delete(id); err != nil {
		r.log.Warn("Could not delete expired consensus state", zap.Stringer("duty", id), zap.Error(err))
	}
}

// process handles an instance's Ready until none is left: persist the state,
// then sign, send and self-deliver the messages, then publish the decision.
func (r *Runner) process(ctx context.Context, id qbft.InstanceID, inst *instance) {
	for !inst.failed && inst.q.HasReady() {
		rd := inst.q.Ready()
		if rd.State != nil {
			if err := r.persist(id, rd.State); err != nil {
				inst.failed = true
				r.log.Error("Cannot persist consensus state; instance stops sending", zap.Stringer("duty", id), zap.Error(err))
				return
			}
		}
		for _, m := range rd.Messages {
			if err := r.send(ctx, inst, m); err != nil {
				r.log.Warn("Could not send consensus message", zap.Stringer("duty", id), zap.Stringer("type", m.Type), zap.Error(err))
			}
		}
		if rd.Decision != nil {
			inst.decided = true
			r.metrics.decidedRound.WithLabelValues(dutyLabel(id)).Observe(float64(rd.Decision.Round))
			r.metrics.decideTime.WithLabelValues(dutyLabel(id)).Observe(r.cfg.Clock.Now().Sub(inst.start).Seconds())
			r.log.Debug("Consensus decided", zap.Stringer("duty", id), zap.Uint32("round", rd.Decision.Round))
			r.publish(id, rd.Decision)
		}
	}
	r.setActive(id, inst)
}

func (r *Runner) persist(id qbft.InstanceID, st *qbft.State) error {
	data, err := st.MarshalBinary()
	if err != nil {
		return err
	}
	return r.cfg.Store.Save(id, data)
}

// send signs m, broadcasts it and steps it into our own instance.
func (r *Runner) send(ctx context.Context, inst *instance, m qbft.Envelope) error {
	sig, err := r.cfg.Signer.Sign(m.SigningBytes())
	if err != nil {
		return err
	}
	m.Signature = sig
	r.verified.add(keyOf(&m.Signed))
	data, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	if err := inst.q.Step(m); err != nil {
		return fmt.Errorf("step own %s: %w", m.Type, err)
	}
	if err := r.cfg.Transport.Broadcast(ctx, data); err != nil {
		return fmt.Errorf("broadcast %s: %w", m.Type, err)
	}
	return nil
}

func (r *Runner) publish(id qbft.InstanceID, d *qbft.Decision) {
	out := Decided{Duty: id, Value: d.Value, Round: d.Round, Commits: d.Commits}
	r.mu.Lock()
	subs := r.subscribers
	r.mu.Unlock()
	for _, fn := range subs {
		fn(out)
	}
}
