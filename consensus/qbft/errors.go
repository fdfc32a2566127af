package qbft

import "errors"

// Sentinel errors returned (wrapped) by Instance.Step. A message that fails
// any check changes no state.
var (
	// ErrNotStarted: Step before Propose or Restore. Buffer the message.
	ErrNotStarted = errors.New("instance not started")
	// ErrAlreadyStarted: Propose called twice.
	ErrAlreadyStarted = errors.New("instance already started")
	// ErrWrongInstance: the message belongs to another instance.
	ErrWrongInstance = errors.New("message for another instance")
	// ErrBadSource: the source is not a process index in [0, n).
	ErrBadSource = errors.New("source out of range")
	// ErrBadRound: the round is 0 or above the configured maximum.
	ErrBadRound = errors.New("round out of range")
	// ErrFutureRound: the round is too far ahead of the current round.
	ErrFutureRound = errors.New("round too far ahead")
	// ErrMalformed: fields inconsistent with the message type.
	ErrMalformed = errors.New("malformed message")
	// ErrValueHash: the value does not hash to the message's value hash.
	ErrValueHash = errors.New("value does not match its hash")
	// ErrNotLeader: a PRE-PREPARE from a process that does not lead its round.
	ErrNotLeader = errors.New("pre-prepare not from the round leader")
	// ErrBadJustification: the justification does not justify the message.
	ErrBadJustification = errors.New("invalid justification")
	// ErrInvalidValue: the injected value check rejected the value.
	ErrInvalidValue = errors.New("invalid value")
	// ErrEquivocation: a second, different message of the same type and
	// round from the same source.
	ErrEquivocation = errors.New("equivocation")
)

// Reason returns a short, stable label for an error returned by Step, for
// metrics ("other" when err wraps none of the sentinels).
func Reason(err error) string {
	for _, r := range []struct {
		err   error
		label string
	}{
		{ErrNotStarted, "not_started"},
		{ErrWrongInstance, "wrong_instance"},
		{ErrBadSource, "bad_source"},
		{ErrBadRound, "bad_round"},
		{ErrFutureRound, "future_round"},
		{ErrMalformed, "malformed"},
		{ErrValueHash, "value_hash"},
		{ErrNotLeader, "not_leader"},
		{ErrBadJustification, "bad_justification"},
		{ErrInvalidValue, "invalid_value"},
		{ErrEquivocation, "equivocation"},
		{ErrEncoding, "encoding"},
	} {
		if errors.Is(err, r.err) {
			return r.label
		}
	}
	return "other"
}
