package qbft_test

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

func sampleEnvelope() qbft.Envelope {
	e := prePrepare(3, 2, "value", signedOf(roundChange(0, 2, 1, "value"), roundChange(1, 2, 0, ""), prepare(2, 1, "value"))...)
	e.Signature = []byte("sig")
	e.Justification[0].Signature = []byte("s0")
	return e
}

func TestEnvelope_RoundTripIsCanonical(t *testing.T) {
	for _, e := range []qbft.Envelope{sampleEnvelope(), prepare(1, 1, "v"), roundChange(2, 3, 0, ""), decided(0, 1, "x", signedOf(commits(1, "x", 0, 1, 2)...)...)} {
		b, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		got, err := qbft.UnmarshalEnvelope(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, e)
		}
		b2, _ := got.MarshalBinary()
		if !bytes.Equal(b, b2) {
			t.Fatal("re-encoding differs")
		}
	}
}

func TestMessage_SigningBytesGolden(t *testing.T) {
	m := qbft.Message{Type: qbft.MsgCommit, Instance: qbft.InstanceID{Slot: 0x0102, Duty: 3}, Round: 7, Source: 9, PreparedRound: 0}
	m.ValueHash[0], m.ValueHash[31] = 0xaa, 0xbb
	want := "stinger/qbft/v1\x00" + "\x01\x03" + "\x00\x00\x00\x00\x00\x00\x01\x02" + "\x00\x03" + "\x00\x00\x00\x07" + "\x00\x09" +
		"\xaa" + string(make([]byte, 30)) + "\xbb" + "\x00\x00\x00\x00"
	if got := string(m.SigningBytes()); got != want {
		t.Fatalf("signing bytes\n got %q\nwant %q", got, want)
	}
}

func TestUnmarshalEnvelope_Strict(t *testing.T) {
	sample := sampleEnvelope()
	good, err := sample.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"truncated message", good[:10]},
		{"truncated value", good[:qbft.MessageSize+2+3+4+2]},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"unknown version", mutate(func(b []byte) []byte { b[0] = 2; return b })},
		{"unknown type", mutate(func(b []byte) []byte { b[1] = 9; return b })},
		{"type zero", mutate(func(b []byte) []byte { b[1] = 0; return b })},
		{"signature too long", mutate(func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[qbft.MessageSize:], qbft.MaxSignatureSize+1)
			return b
		})},
		{"value too long", mutate(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[qbft.MessageSize+2+3:], qbft.MaxValueSize+1)
			return b
		})},
		{"justification count too high", mutate(func(b []byte) []byte {
			off := qbft.MessageSize + 2 + 3 + 4 + len("value")
			binary.BigEndian.PutUint16(b[off:], qbft.MaxJustification+1)
			return b
		})},
		{"justification count beyond data", mutate(func(b []byte) []byte {
			off := qbft.MessageSize + 2 + 3 + 4 + len("value")
			binary.BigEndian.PutUint16(b[off:], 4)
			return b
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := qbft.UnmarshalEnvelope(tt.b); !errorIs(err, qbft.ErrEncoding) {
				t.Fatalf("got %v, want ErrEncoding", err)
			}
		})
	}
}

func TestEnvelope_MarshalRejectsOversize(t *testing.T) {
	e := prepare(1, 1, "v")
	e.Signature = make([]byte, qbft.MaxSignatureSize+1)
	if _, err := e.MarshalBinary(); err == nil {
		t.Fatal("oversized signature encoded")
	}
}

func TestState_RoundTrip(t *testing.T) {
	st := &qbft.State{
		Instance: testInstance, Round: 3, InputValue: []byte("in"), PreparedRound: 2, PreparedValue: []byte("pv"),
		PreparedCert: signedOf(prepares(2, "pv", 0, 1, 2)...), ProposedRound: 1, PrepareSentRound: 2, CommitSentRound: 2,
		RoundChangeSentRound: 3,
		Decision:             &qbft.Decision{Instance: testInstance, Round: 2, Value: []byte("pv"), Commits: signedOf(commits(2, "pv", 1, 2, 3)...)},
	}
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if cap(b) != len(b) {
		t.Errorf("encoded state: %d bytes in a buffer of %d (size computed wrongly)", len(b), cap(b))
	}
	got, err := qbft.UnmarshalState(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, st)
	}
	for cut := 0; cut < len(b); cut++ {
		if _, err := qbft.UnmarshalState(b[:cut]); err == nil {
			t.Fatalf("truncated state (%d of %d bytes) decoded", cut, len(b))
		}
	}
	if _, err := qbft.UnmarshalState(append(b, 0)); err == nil {
		t.Fatal("state with a trailing byte decoded")
	}
}

// After a restart from the persisted state, the process must not send a
// second, different PREPARE or COMMIT in a round in which it already did.
func TestRestore_NeverSendsConflictingMessages(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, prePrepare(2, 1, "v"))
	mustStep(t, in, prepares(1, "v", 1, 2, 3)...)
	var last *qbft.State
	for in.HasReady() {
		if rd := in.Ready(); rd.State != nil {
			last = rd.State
		}
	}
	b, err := last.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	st, err := qbft.UnmarshalState(b)
	if err != nil {
		t.Fatal(err)
	}
	re, err := qbft.Restore(testConfig(4, 0), st, epoch)
	if err != nil {
		t.Fatal(err)
	}
	if re.Round() != 1 {
		t.Fatalf("restored round %d", re.Round())
	}
	// A second (equivocating) pre-prepare and its prepares: no new messages.
	mustStep(t, re, prePrepare(2, 1, "w"))
	mustStep(t, re, prepares(1, "w", 1, 2, 3)...)
	if msgs := sent(re); len(msgs) != 0 {
		t.Fatalf("restored instance sent %+v", msgs)
	}
	// Its round change still carries the prepared value and certificate.
	re.Tick(epoch.Add(baseTimeout))
	m := onlyMessage(t, sent(re), qbft.MsgRoundChange, 2)
	if m.PreparedRound != 1 || string(m.Value) != "v" || len(m.Justification) != 3 {
		t.Fatalf("round change after restore %+v", m)
	}
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*qbft.Config)
	}{
		{"n zero", func(c *qbft.Config) { c.N = 0 }},
		{"n too large", func(c *qbft.Config) { c.N = qbft.MaxCommittee + 1 }},
		{"self out of range", func(c *qbft.Config) { c.Self = 4 }},
		{"no leader", func(c *qbft.Config) { c.Leader = nil }},
		{"no value check", func(c *qbft.Config) { c.CheckValue = nil }},
		{"no timeout", func(c *qbft.Config) { c.Timeout = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig(4, 0)
			tt.mod(&c)
			if _, err := qbft.New(c); err == nil {
				t.Fatal("invalid config accepted")
			}
		})
	}
}
