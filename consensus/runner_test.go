package consensus_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	bolt "go.etcd.io/bbolt"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
)

func leaderOf(n int, duty qbft.InstanceID, round uint32) int {
	return int(consensus.RoundRobin(n)(duty, round))
}

func TestRunners_FourProcessesDecideTheSameValue(t *testing.T) {
	for _, keyType := range []int{crypto.Ed25519, crypto.Secp256k1} {
		t.Run(fmt.Sprintf("key type %d", keyType), func(t *testing.T) {
			// secp256k1 under the race detector is slow: longer rounds.
			c := newCluster(t, 4, keyType, func(_ int, cfg *consensus.Config) {
				cfg.Timeout = qbft.IncreasingTimeout(500*time.Millisecond, 250*time.Millisecond)
			})
			c.startAll()
			duty := qbft.InstanceID{Slot: 100, Duty: 1}
			for i := 0; i < 4; i++ {
				c.propose(t, i, duty, fmt.Sprintf("value-%d", i))
			}
			// Normally the round-1 leader's value; a round change on a
			// loaded machine may pick another leader's, never two values.
			want := c.await(t, 0, duty, 5*time.Second)
			if !strings.HasPrefix(string(want.Value), "value-") || len(want.Commits) < qbft.Quorum(4) {
				t.Fatalf("process 0 decided %q with %d commits", want.Value, len(want.Commits))
			}
			for i := 1; i < 4; i++ {
				if d := c.await(t, i, duty, 5*time.Second); string(d.Value) != string(want.Value) {
					t.Fatalf("process %d decided %q, process 0 %q", i, d.Value, want.Value)
				}
			}
			if n := sampleCount(t, c.regs[0], "stinger_consensus_decided_round") + sampleCount(t, c.regs[0], "stinger_consensus_decide_seconds"); n != 2 {
				t.Fatalf("decision metrics: %d observations, want 2", n)
			}
		})
	}
}

func TestRunners_CrashedLeaderOthersDecideInLaterRound(t *testing.T) {
	duty := qbft.InstanceID{Slot: 7, Duty: 2}
	crashed := leaderOf(4, duty, 1)
	c := newCluster(t, 4, crypto.Ed25519)
	c.net.SetConnected(crashed, false)
	for i := 0; i < 4; i++ {
		if i != crashed {
			c.start(i)
		}
	}
	for i := 0; i < 4; i++ {
		if i != crashed {
			c.propose(t, i, duty, fmt.Sprintf("value-%d", i))
		}
	}
	for i := 0; i < 4; i++ {
		if i == crashed {
			continue
		}
		d := c.await(t, i, duty, 5*time.Second)
		if d.Round < 2 {
			t.Fatalf("process %d decided in round %d with the round-1 leader crashed", i, d.Round)
		}
		if sumFamily(t, c.regs[i], "stinger_consensus_timeouts_total", "") == 0 {
			t.Fatalf("process %d: no timeout metric", i)
		}
	}
}

// A process cut off while the others decide proposes late: its round timer
// expires, its ROUND-CHANGE is answered with a DECIDED commit certificate,
// and it decides from that certificate.
func TestRunners_LaggingProcessDecidesFromCommitCertificate(t *testing.T) {
	duty := qbft.InstanceID{Slot: 9, Duty: 1}
	lagging := (leaderOf(4, duty, 1) + 1) % 4
	c := newCluster(t, 4, crypto.Ed25519)
	c.net.SetConnected(lagging, false)
	c.startAll()
	var others consensus.Decided
	for i := 0; i < 4; i++ {
		if i != lagging {
			c.propose(t, i, duty, fmt.Sprintf("value-%d", i))
		}
	}
	for i := 0; i < 4; i++ {
		if i != lagging {
			others = c.await(t, i, duty, 5*time.Second)
		}
	}
	c.net.SetConnected(lagging, true)
	start := time.Now()
	c.propose(t, lagging, duty, "late")
	d := c.await(t, lagging, duty, 5*time.Second)
	if string(d.Value) != string(others.Value) || d.Round != others.Round {
		t.Fatalf("lagging process decided %q in round %d, the others %q in round %d", d.Value, d.Round, others.Value, others.Round)
	}
	// It decided on its first timeout, not after rounds of its own.
	if elapsed := time.Since(start); elapsed > testTimeout(1)+3*time.Second {
		t.Fatalf("lagging process took %v", elapsed)
	}
}

// Messages for an instance that has not started are buffered and replayed
// at Propose: a late starter decides at once from the buffered commits.
func TestRunner_BufferedMessagesReplayedAtPropose(t *testing.T) {
	duty := qbft.InstanceID{Slot: 11, Duty: 1}
	late := (leaderOf(4, duty, 1) + 1) % 4
	// The late starter's round timer is far longer than the test, so a
	// decision can only come from the replayed buffer.
	c := newCluster(t, 4, crypto.Ed25519, func(i int, cfg *consensus.Config) {
		if i == late {
			cfg.Timeout = func(uint32) time.Duration { return time.Hour }
		}
	})
	c.startAll()
	for i := 0; i < 4; i++ {
		if i != late {
			c.propose(t, i, duty, fmt.Sprintf("value-%d", i))
		}
	}
	for i := 0; i < 4; i++ {
		if i != late {
			c.await(t, i, duty, 5*time.Second)
		}
	}
	waitFor(t, func() bool {
		// PRE-PREPARE, 3 PREPAREs and 3 COMMITs.
		return sumFamily(t, c.regs[late], "stinger_consensus_buffered_messages_total", "") >= 7
	})
	c.propose(t, late, duty, "late")
	c.await(t, late, duty, 5*time.Second)
}

func TestRunner_ForgedSignatureRejected(t *testing.T) {
	c := newCluster(t, 4, crypto.Ed25519)
	c.start(0)
	duty := qbft.InstanceID{Slot: 5, Duty: 1}
	c.propose(t, 0, duty, "v")
	// Process 1 sends a PREPARE signed with process 2's key.
	forged := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrepare, Instance: duty, Round: 1, Source: 1, ValueHash: qbft.HashValue([]byte("v"))}}}
	forged.Signature, _ = c.privs[2].Sign(forged.SigningBytes())
	data, err := forged.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.net.Transport(1).Broadcast(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	if err := c.net.Transport(1).Broadcast(context.Background(), []byte("garbage")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		return sumFamily(t, c.regs[0], "stinger_consensus_invalid_messages_total", "signature") == 1 &&
			sumFamily(t, c.regs[0], "stinger_consensus_invalid_messages_total", "encoding") == 1
	})
}

func TestRunner_BufferBoundedPerPeer(t *testing.T) {
	c := newCluster(t, 4, crypto.Ed25519, func(_ int, cfg *consensus.Config) { cfg.MaxBufferPerPeer = 5 })
	c.start(0)
	for slot := uint64(0); slot < 8; slot++ {
		m := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrepare, Instance: qbft.InstanceID{Slot: slot}, Round: 1, Source: 1, ValueHash: qbft.HashValue([]byte("v"))}}}
		m.Signature, _ = c.privs[1].Sign(m.SigningBytes())
		data, _ := m.MarshalBinary()
		if err := c.net.Transport(1).Broadcast(context.Background(), data); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool {
		return sumFamily(t, c.regs[0], "stinger_consensus_buffered_messages_total", "") == 5 &&
			sumFamily(t, c.regs[0], "stinger_consensus_dropped_messages_total", "peer_buffer_full") == 3
	})
}

type failingStore struct{ consensus.MemStore }

func (*failingStore) Save(qbft.InstanceID, []byte) error { return errors.New("disk full") }

// Persist before send: when the state cannot be persisted nothing is sent.
func TestRunner_NothingSentWhenPersistFails(t *testing.T) {
	duty := qbft.InstanceID{Slot: 3, Duty: 1}
	leader := leaderOf(4, duty, 1)
	c := newCluster(t, 4, crypto.Ed25519, func(i int, cfg *consensus.Config) {
		if i == leader {
			cfg.Store = &failingStore{}
		}
	})
	c.start(leader)
	c.propose(t, leader, duty, "v")
	time.Sleep(2 * testTimeout(1))
	if sent := c.net.Sent(); sent != 0 {
		t.Fatalf("%d messages sent although the state was not persisted", sent)
	}
}

func TestRunner_ForgetsInstancesAfterDeadline(t *testing.T) {
	deadline := time.Now().Add(1500 * time.Millisecond)
	c := newCluster(t, 1, crypto.Ed25519, func(_ int, cfg *consensus.Config) {
		cfg.Deadline = func(qbft.InstanceID) time.Time { return deadline }
	})
	c.start(0)
	duty := qbft.InstanceID{Slot: 1, Duty: 1}
	c.propose(t, 0, duty, "v")
	c.await(t, 0, duty, time.Second)
	if _, found, _ := c.stores[0].Load(duty); !found {
		t.Fatal("state not persisted")
	}
	waitFor(t, func() bool { _, found, _ := c.stores[0].Load(duty); return !found })
	err := c.runners[0].Propose(context.Background(), duty, []byte("again"))
	if !errors.Is(err, consensus.ErrExpired) {
		t.Fatalf("propose after deadline: %v, want ErrExpired", err)
	}
}

// A runner restarted on the same bbolt database resumes the instance from
// its persisted state: a decided instance publishes its decision again
// without any network.
func TestRunner_RestartResumesFromBoltState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "consensus.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := consensus.NewBoltStore(db)
	if err != nil {
		t.Fatal(err)
	}
	duty := qbft.InstanceID{Slot: 21, Duty: 3}
	c := newCluster(t, 4, crypto.Ed25519, func(i int, cfg *consensus.Config) {
		if i == 0 {
			cfg.Store = store
		}
	})
	c.startAll()
	for i := 0; i < 4; i++ {
		c.propose(t, i, duty, fmt.Sprintf("value-%d", i))
	}
	first := c.await(t, 0, duty, 5*time.Second)
	c.stopAll()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err = consensus.NewBoltStore(db)
	if err != nil {
		t.Fatal(err)
	}
	c2 := newCluster(t, 4, crypto.Ed25519, func(i int, cfg *consensus.Config) {
		if i == 0 {
			cfg.Store = store
		}
	})
	c2.net.SetConnected(0, false)
	c2.start(0)
	c2.propose(t, 0, duty, "different after restart")
	again := c2.await(t, 0, duty, time.Second)
	if string(again.Value) != string(first.Value) || again.Round != first.Round {
		t.Fatalf("after restart decided %q round %d, before %q round %d", again.Value, again.Round, first.Value, first.Round)
	}
}

func TestRunner_ProposeTwiceRejected(t *testing.T) {
	c := newCluster(t, 4, crypto.Ed25519)
	c.start(0)
	duty := qbft.InstanceID{Slot: 1}
	c.propose(t, 0, duty, "v")
	if err := c.runners[0].Propose(context.Background(), duty, []byte("v")); !errors.Is(err, consensus.ErrAlreadyProposed) {
		t.Fatalf("got %v, want ErrAlreadyProposed", err)
	}
}

func TestConfig_ValidateNamesMissingField(t *testing.T) {
	base := consensus.Config{
		N: 4, Self: 0, Transport: consensus.NewInmemNetwork(4).Transport(0), Signer: &consensus.KeySigner{},
		Verifier: &consensus.KeyVerifier{}, Store: consensus.NewMemStore(),
		CheckValue: func(qbft.InstanceID, []byte) error { return nil },
		Deadline:   func(qbft.InstanceID) time.Time { return time.Time{} },
	}
	if err := base.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	tests := []struct {
		name string
		mod  func(*consensus.Config)
	}{
		{"N", func(c *consensus.Config) { c.N = 0 }},
		{"Self", func(c *consensus.Config) { c.Self = 4 }},
		{"Transport", func(c *consensus.Config) { c.Transport = nil }},
		{"Signer", func(c *consensus.Config) { c.Signer = nil }},
		{"Verifier", func(c *consensus.Config) { c.Verifier = nil }},
		{"Store", func(c *consensus.Config) { c.Store = nil }},
		{"CheckValue", func(c *consensus.Config) { c.CheckValue = nil }},
		{"Deadline", func(c *consensus.Config) { c.Deadline = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mod(&cfg)
			err := cfg.Validate()
			if err == nil || !containsWord(err.Error(), tt.name) {
				t.Fatalf("got %v, want an error naming %s", err, tt.name)
			}
		})
	}
}

// An honest runner never broadcasts a proposal its own validation rejects.
// A Byzantine leader's invalid value is rejected by the others (counted by
// reason), who decide a valid value in a later round.
func TestRunners_InvalidValueFromLeaderRejected(t *testing.T) {
	duty := qbft.InstanceID{Slot: 13, Duty: 1}
	leader := leaderOf(4, duty, 1)
	c := newCluster(t, 4, crypto.Ed25519)
	for i := 0; i < 4; i++ {
		if i != leader {
			c.start(i)
			c.propose(t, i, duty, fmt.Sprintf("value-%d", i))
		}
	}
	pp := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{
		Type: qbft.MsgPrePrepare, Instance: duty, Round: 1, Source: uint16(leader), ValueHash: qbft.HashValue([]byte("!bad")),
	}}, Value: []byte("!bad")}
	pp.Signature, _ = c.privs[leader].Sign(pp.SigningBytes())
	data, err := pp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.net.Transport(leader).Broadcast(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if i == leader {
			continue
		}
		d := c.await(t, i, duty, 5*time.Second)
		if d.Value[0] == '!' || d.Round < 2 {
			t.Fatalf("process %d decided %q in round %d", i, d.Value, d.Round)
		}
		if sumFamily(t, c.regs[i], "stinger_consensus_invalid_messages_total", "invalid_value") != 1 {
			t.Fatalf("process %d did not count the invalid value", i)
		}
	}
}

// Many duties at once on n = 7: instances never mix.
func TestRunners_SevenProcessesManyConcurrentDuties(t *testing.T) {
	// Production-like round timers: the race detector makes 70 signature
	// checks per process and duty slow.
	c := newCluster(t, 7, crypto.Ed25519, func(_ int, cfg *consensus.Config) { cfg.Timeout = consensus.DefaultTimeout })
	c.startAll()
	const duties = 10
	for d := 0; d < duties; d++ {
		for i := 0; i < 7; i++ {
			c.propose(t, i, qbft.InstanceID{Slot: uint64(d), Duty: 5}, fmt.Sprintf("d%d-p%d", d, i))
		}
	}
	for i := 0; i < 7; i++ {
		got := map[uint64]string{}
		for len(got) < duties {
			select {
			case d := <-c.decided[i]:
				got[d.Duty.Slot] = string(d.Value)
			case <-time.After(30 * time.Second):
				t.Fatalf("process %d decided %d of %d duties", i, len(got), duties)
			}
		}
		for slot, v := range got {
			if prefix := fmt.Sprintf("d%d-", slot); !strings.HasPrefix(v, prefix) {
				t.Fatalf("process %d: duty %d decided %q, a value of another duty", i, slot, v)
			}
		}
	}
}

// A runner that restarts mid-instance resumes from the persisted round (and
// its sent-message markers) instead of starting again at round 1.
func TestRunner_RestartMidInstanceResumesPersistedRound(t *testing.T) {
	duty := qbft.InstanceID{Slot: 30, Duty: 1}
	c := newCluster(t, 4, crypto.Ed25519)
	st := &qbft.State{Instance: duty, Round: 3, InputValue: []byte("mine"), RoundChangeSentRound: 3, PrepareSentRound: 3}
	data, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.stores[0].Save(duty, data); err != nil {
		t.Fatal(err)
	}
	c.start(0)
	c.propose(t, 0, duty, "mine")
	// Process 1's transport has no runner: read what process 0 sends.
	select {
	case in := <-c.net.Transport(1).Messages():
		e, err := qbft.UnmarshalEnvelope(in.Data)
		if err != nil {
			t.Fatal(err)
		}
		if e.Type != qbft.MsgRoundChange || e.Round != 4 || e.Source != 0 {
			t.Fatalf("first message after restart: %s round %d from %d, want ROUND-CHANGE round 4 from 0", e.Type, e.Round, e.Source)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no round change after the restored round timed out")
	}
}
