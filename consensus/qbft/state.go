package qbft

import (
	"encoding/binary"
	"fmt"
)

// State is what an Instance must find again after a restart to stay safe:
// its round, what it prepared (with the PREPARE quorum that justifies it)
// and the highest round in which it sent each kind of message, so that it
// never sends two different messages of a kind in one round.
type State struct {
	// Instance is the consensus instance.
	Instance InstanceID
	// Round is the current round r_i.
	Round uint32
	// InputValue is the value given to Propose.
	InputValue []byte
	// PreparedRound is pr_i (0 for ⊥).
	PreparedRound uint32
	// PreparedValue is pv_i (nil for ⊥).
	PreparedValue []byte
	// PreparedCert is the quorum of PREPAREs for PreparedRound and
	// PreparedValue, sent as the justification of our ROUND-CHANGEs.
	PreparedCert []Signed
	// ProposedRound is the highest round in which we sent a PRE-PREPARE.
	ProposedRound uint32
	// PrepareSentRound is the highest round in which we sent a PREPARE.
	PrepareSentRound uint32
	// CommitSentRound is the highest round in which we sent a COMMIT.
	CommitSentRound uint32
	// RoundChangeSentRound is the highest round of a ROUND-CHANGE we sent.
	RoundChangeSentRound uint32
	// Decision is set once the instance decided.
	Decision *Decision
}

func (s *State) clone() *State {
	c := *s
	c.PreparedCert = append([]Signed(nil), s.PreparedCert...)
	if s.Decision != nil {
		d := *s.Decision
		c.Decision = &d
	}
	return &c
}

const stateVersion = 1

func appendBytes32(b, v []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

func appendSignedList(b []byte, l []Signed) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(l)))
	for i := range l {
		b = appendSigned(b, &l[i])
	}
	return b
}

func signedListSize(l []Signed) int {
	n := 2
	for i := range l {
		n += MessageSize + 2 + len(l[i].Signature)
	}
	return n
}

// MarshalBinary encodes the state for persistence (big-endian, versioned).
func (s *State) MarshalBinary() ([]byte, error) {
	if len(s.PreparedCert) > MaxJustification || (s.Decision != nil && len(s.Decision.Commits) > MaxJustification) {
		return nil, fmt.Errorf("encode state: certificate exceeds %d messages", MaxJustification)
	}
	size := 1 + 8 + 2 + 6*4 + 4 + len(s.InputValue) + 4 + len(s.PreparedValue) + signedListSize(s.PreparedCert) + 1
	if s.Decision != nil {
		size += 4 + 4 + len(s.Decision.Value) + signedListSize(s.Decision.Commits)
	}
	b := append(make([]byte, 0, size), stateVersion)
	b = binary.BigEndian.AppendUint64(b, s.Instance.Slot)
	b = binary.BigEndian.AppendUint16(b, s.Instance.Duty)
	for _, v := range []uint32{s.Round, s.PreparedRound, s.ProposedRound, s.PrepareSentRound, s.CommitSentRound, s.RoundChangeSentRound} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = appendBytes32(b, s.InputValue)
	b = appendBytes32(b, s.PreparedValue)
	b = appendSignedList(b, s.PreparedCert)
	if s.Decision == nil {
		return append(b, 0), nil
	}
	b = append(b, 1)
	b = binary.BigEndian.AppendUint32(b, s.Decision.Round)
	b = appendBytes32(b, s.Decision.Value)
	return appendSignedList(b, s.Decision.Commits), nil
}

func (d *decoder) bytes32(what string) []byte {
	n := d.uint32(what + " length")
	if d.err == nil && n > MaxValueSize {
		d.err = fmt.Errorf("%w: %s of %d bytes exceeds %d", ErrEncoding, what, n, MaxValueSize)
		return nil
	}
	return d.bytes(int(n), what)
}

func (d *decoder) signedList(what string) []Signed {
	n := d.uint16(what + " count")
	if d.err == nil && n > MaxJustification {
		d.err = fmt.Errorf("%w: %s of %d messages exceeds %d", ErrEncoding, what, n, MaxJustification)
	}
	var l []Signed
	for i := 0; i < n && d.err == nil; i++ {
		l = append(l, d.signed())
	}
	return l
}

// UnmarshalState decodes a state written by State.MarshalBinary, strictly.
func UnmarshalState(b []byte) (*State, error) {
	d := decoder{b: b}
	if v := d.take(1, "state version"); v != nil && v[0] != stateVersion {
		return nil, fmt.Errorf("%w: state version %d, want %d", ErrEncoding, v[0], stateVersion)
	}
	s := &State{}
	if h := d.take(10, "instance"); h != nil {
		s.Instance = InstanceID{Slot: binary.BigEndian.Uint64(h), Duty: binary.BigEndian.Uint16(h[8:])}
	}
	for _, p := range []*uint32{&s.Round, &s.PreparedRound, &s.ProposedRound, &s.PrepareSentRound, &s.CommitSentRound, &s.RoundChangeSentRound} {
		*p = d.uint32("state round")
	}
	s.InputValue = d.bytes32("input value")
	s.PreparedValue = d.bytes32("prepared value")
	s.PreparedCert = d.signedList("prepared certificate")
	flag := d.take(1, "decision flag")
	if d.err == nil {
		switch flag[0] {
		case 0:
		case 1:
			dec := &Decision{Instance: s.Instance, Round: d.uint32("decided round")}
			dec.Value = d.bytes32("decided value")
			dec.Commits = d.signedList("commit certificate")
			s.Decision = dec
		default:
			return nil, fmt.Errorf("%w: decision flag %d", ErrEncoding, flag[0])
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode state: %w", d.err)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("decode state: %w: %d trailing bytes", ErrEncoding, len(d.b))
	}
	return s, nil
}
