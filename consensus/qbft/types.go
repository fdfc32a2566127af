package qbft

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// MsgType is the kind of a QBFT message.
type MsgType uint8

// Message types. The numeric values are part of the wire encoding.
const (
	// MsgPrePrepare is the leader's proposal for a round (paper: PRE-PREPARE).
	MsgPrePrepare MsgType = 1
	// MsgPrepare acknowledges a justified PRE-PREPARE (paper: PREPARE).
	MsgPrepare MsgType = 2
	// MsgCommit follows a quorum of PREPAREs (paper: COMMIT).
	MsgCommit MsgType = 3
	// MsgRoundChange asks to move to a round (paper: ROUND-CHANGE).
	MsgRoundChange MsgType = 4
	// MsgDecided carries a decided value and its commit certificate (a quorum
	// of COMMITs), so that a lagging process can decide at once.
	MsgDecided MsgType = 5
)

// String returns the paper's name of the message type.
func (t MsgType) String() string {
	switch t {
	case MsgPrePrepare:
		return "PRE-PREPARE"
	case MsgPrepare:
		return "PREPARE"
	case MsgCommit:
		return "COMMIT"
	case MsgRoundChange:
		return "ROUND-CHANGE"
	case MsgDecided:
		return "DECIDED"
	default:
		return fmt.Sprintf("MsgType(%d)", uint8(t))
	}
}

func (t MsgType) valid() bool { return t >= MsgPrePrepare && t <= MsgDecided }

// InstanceID identifies one consensus instance: one duty, i.e. one slot and
// one duty type. Messages of different instances never mix.
type InstanceID struct {
	// Slot is the beacon chain slot of the duty.
	Slot uint64
	// Duty is the duty type (its meaning belongs to the caller).
	Duty uint16
}

// String returns "slot/duty".
func (id InstanceID) String() string { return fmt.Sprintf("%d/%d", id.Slot, id.Duty) }

// Hash identifies a value: the SHA-256 of its bytes.
type Hash [32]byte

// HashValue returns the SHA-256 hash identifying value.
func HashValue(value []byte) Hash { return sha256.Sum256(value) }

// IsZero reports whether h is the zero hash (no value).
func (h Hash) IsZero() bool { return h == Hash{} }

// String returns the first 8 hex characters of the hash.
func (h Hash) String() string { return hex.EncodeToString(h[:4]) }

// Message is the signed part of every QBFT message. It has a fixed-size
// canonical encoding ([Message.SigningBytes]).
type Message struct {
	// Type is the message kind.
	Type MsgType
	// Instance is the consensus instance the message belongs to.
	Instance InstanceID
	// Round is the round (>= 1). For DECIDED it is the round of the commits.
	Round uint32
	// Source is the sender's process index in [0, n).
	Source uint16
	// ValueHash is the hash of the proposed, prepared, committed or decided
	// value; for ROUND-CHANGE the hash of the prepared value (zero if none).
	ValueHash Hash
	// PreparedRound is, for ROUND-CHANGE only, the round in which the sender
	// prepared ValueHash (0 if it has not prepared). Zero for other types.
	PreparedRound uint32
}

// Signed is a Message with the sender's signature over its SigningBytes.
type Signed struct {
	Message
	// Signature is produced and checked outside this package.
	Signature []byte
}

// Envelope is what travels between processes: a signed message, the value
// bytes it refers to (PRE-PREPARE, DECIDED, and ROUND-CHANGE with a prepared
// value) and its justification.
//
// Justifications: PRE-PREPARE in round > 1 carries a quorum of ROUND-CHANGEs
// for its round plus, if any of them is prepared, a quorum of PREPAREs for the
// highest prepared round and value; a prepared ROUND-CHANGE carries a quorum
// of PREPAREs for its prepared round and value; DECIDED carries a quorum of
// COMMITs for its round and value.
type Envelope struct {
	Signed
	// Value is the value whose hash is ValueHash, when the type carries it.
	Value []byte
	// Justification holds the signed messages that justify this one.
	Justification []Signed
}

// Decision is the outcome of an instance: the decided value and the quorum
// of COMMITs (the commit certificate) that proves it.
type Decision struct {
	// Instance is the decided instance.
	Instance InstanceID
	// Round is the round of the commit certificate.
	Round uint32
	// Value is the decided value.
	Value []byte
	// Commits is a quorum of signed COMMITs for Round and HashValue(Value).
	Commits []Signed
}

// Ready is the output of an Instance since the previous call to Ready.
type Ready struct {
	// State, when non-nil, must be persisted before any message is sent.
	State *State
	// Messages must be signed, sent to every other process and stepped into
	// this instance (broadcast includes the sender).
	Messages []Envelope
	// Decision is set exactly once, when the instance decides.
	Decision *Decision
}

// Empty reports whether the Ready carries nothing.
func (r Ready) Empty() bool { return r.State == nil && len(r.Messages) == 0 && r.Decision == nil }

// Faults returns f, the number of Byzantine processes tolerated among n:
// the largest f with n >= 3f+1.
func Faults(n int) int {
	if n < 1 {
		return 0
	}
	return (n - 1) / 3
}

// Quorum returns the quorum size for n processes: ceil((n+f+1)/2) with
// f = Faults(n), which is 2f+1 when n = 3f+1. Any two quorums intersect in
// at least f+1 processes, hence in at least one correct process.
func Quorum(n int) int {
	f := Faults(n)
	return (n + f + 2) / 2
}

// IncreasingTimeout returns a round timer function t(r) = base + (r-1)*step,
// which grows with the round as the paper requires for liveness.
func IncreasingTimeout(base, step time.Duration) func(round uint32) time.Duration {
	return func(round uint32) time.Duration {
		if round < 1 {
			round = 1
		}
		return base + time.Duration(round-1)*step
	}
}
