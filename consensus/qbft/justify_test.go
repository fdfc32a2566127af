package qbft_test

// Every justification path of Algorithm 4 (JustifyPrePrepare,
// JustifyRoundChange, HighestPrepared) and of the DECIDED commit
// certificate, valid and invalid. The receiver is process 0 of n = 4 in
// round 1; round 2 is led by process 3.

import (
	"testing"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

func rcs(round uint32, srcs ...uint16) []qbft.Signed {
	var out []qbft.Signed
	for _, s := range srcs {
		out = append(out, roundChange(s, round, 0, "").Signed)
	}
	return out
}

func join(parts ...[]qbft.Signed) []qbft.Signed {
	var out []qbft.Signed
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func otherInstance(s []qbft.Signed) []qbft.Signed {
	out := append([]qbft.Signed(nil), s...)
	for i := range out {
		out[i].Instance.Slot++
	}
	return out
}

func TestJustifyPrePrepare(t *testing.T) {
	leader := leaderOf(4, 2)
	preparedRC := roundChange(1, 2, 1, "v").Signed
	preparedRCw := roundChange(1, 2, 1, "w").Signed
	olderRC := roundChange(2, 2, 0, "").Signed
	cert := signedOf(prepares(1, "v", 0, 1, 2)...)
	tests := []struct {
		name  string
		value string
		just  []qbft.Signed
		want  error // nil: accepted
	}{
		{"quorum of unprepared round changes, any value", "any", rcs(2, 0, 1, 2), nil},
		{"all four round changes", "any", rcs(2, 0, 1, 2, 3), nil},
		{"highest prepared with its prepare quorum", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), cert), nil},
		{"highest of two prepared rounds", "v", join([]qbft.Signed{preparedRC, roundChange(2, 2, 0, "").Signed, roundChange(0, 2, 0, "").Signed}, cert), nil},
		{"no justification", "any", nil, qbft.ErrBadJustification},
		{"round changes below quorum", "any", rcs(2, 0, 1), qbft.ErrBadJustification},
		{"round changes replayed from another round", "any", rcs(3, 0, 1, 2), qbft.ErrBadJustification},
		{"round changes replayed from another instance", "any", otherInstance(rcs(2, 0, 1, 2)), qbft.ErrBadJustification},
		{"duplicate round change source", "any", rcs(2, 0, 0, 1), qbft.ErrBadJustification},
		{"round change source out of range", "any", rcs(2, 0, 1, 7), qbft.ErrBadJustification},
		{"malformed round change (prepared round = round)", "v", join(rcs(2, 0, 2), []qbft.Signed{roundChange(1, 3, 2, "v").Signed}), qbft.ErrBadJustification},
		{"value is not the highest prepared", "w", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), signedOf(prepares(1, "w", 0, 1, 2)...)), qbft.ErrBadJustification},
		{"higher prepared round without its prepares", "w", join([]qbft.Signed{preparedRCw, olderRC, roundChange(0, 2, 0, "").Signed}), qbft.ErrBadJustification},
		{"prepared but prepares missing", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2)), qbft.ErrBadJustification},
		{"prepares below quorum", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), cert[:2]), qbft.ErrBadJustification},
		{"prepares for another round", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), signedOf(prepares(2, "v", 0, 1, 2)...)), qbft.ErrBadJustification},
		{"prepares for another value", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), signedOf(prepares(1, "x", 0, 1, 2)...)), qbft.ErrBadJustification},
		{"prepares with a duplicate source", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), signedOf(prepares(1, "v", 0, 1, 1)...)), qbft.ErrBadJustification},
		{"prepares replayed from another instance", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), otherInstance(cert)), qbft.ErrBadJustification},
		{"prepares although nothing is prepared", "v", join(rcs(2, 0, 1, 2), cert), qbft.ErrBadJustification},
		{"commits instead of prepares", "v", join([]qbft.Signed{preparedRC}, rcs(2, 0, 2), signedOf(commits(1, "v", 0, 1, 2)...)), qbft.ErrBadJustification},
		{"justified but invalid value", "bad", rcs(2, 0, 1, 2), qbft.ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := started(t, 4, 0, "mine")
			err := in.Step(prePrepare(leader, 2, tt.value, tt.just...))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				// Accepted: acted on once the process reaches round 2.
				in.Tick(epoch.Add(baseTimeout))
				if msgs := sent(in); len(msgs) != 2 || msgs[1].Type != qbft.MsgPrepare {
					t.Fatalf("accepted pre-prepare not prepared: %+v", msgs)
				}
				return
			}
			if !errorIs(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			in.Tick(epoch.Add(baseTimeout))
			if msgs := sent(in); len(msgs) != 1 || msgs[0].Type != qbft.MsgRoundChange {
				t.Fatalf("rejected pre-prepare was stored: %+v", msgs)
			}
		})
	}
}

func TestJustifyRoundChange(t *testing.T) {
	cert := signedOf(prepares(1, "v", 0, 2, 3)...)
	withValue := func(e qbft.Envelope, v string) qbft.Envelope { e.Value = []byte(v); return e }
	withJust := func(e qbft.Envelope, j []qbft.Signed) qbft.Envelope { e.Justification = j; return e }
	tests := []struct {
		name string
		msg  qbft.Envelope
		want error
	}{
		{"not prepared, no justification", roundChange(1, 2, 0, ""), nil},
		{"prepared with a prepare quorum", roundChange(1, 3, 1, "v", cert...), nil},
		{"prepared with all four prepares", roundChange(1, 3, 1, "v", signedOf(prepares(1, "v", 0, 1, 2, 3)...)...), nil},
		{"prepared without prepares", roundChange(1, 2, 1, "v"), qbft.ErrBadJustification},
		{"prepares below quorum", roundChange(1, 2, 1, "v", cert[:2]...), qbft.ErrBadJustification},
		{"prepares for another round", roundChange(1, 3, 2, "v", cert...), qbft.ErrBadJustification},
		{"prepares for another value", roundChange(1, 2, 1, "w", cert...), qbft.ErrBadJustification},
		{"prepares with a duplicate source", roundChange(1, 2, 1, "v", signedOf(prepares(1, "v", 0, 2, 2)...)...), qbft.ErrBadJustification},
		{"prepares from another instance", roundChange(1, 2, 1, "v", otherInstance(cert)...), qbft.ErrBadJustification},
		{"commits instead of prepares", roundChange(1, 2, 1, "v", signedOf(commits(1, "v", 0, 2, 3)...)...), qbft.ErrBadJustification},
		{"prepared round not below round", roundChange(1, 2, 2, "v", signedOf(prepares(2, "v", 0, 2, 3)...)...), qbft.ErrMalformed},
		{"unprepared with a value", withValue(roundChange(1, 2, 0, ""), "v"), qbft.ErrMalformed},
		{"unprepared with a justification", withJust(roundChange(1, 2, 0, ""), cert), qbft.ErrMalformed},
		{"prepared value does not match its hash", withValue(roundChange(1, 2, 1, "v", cert...), "w"), qbft.ErrValueHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := started(t, 4, 0, "mine")
			err := in.Step(tt.msg)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !errorIs(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			// A rejected round change must not count towards f+1.
			mustStep(t, in, roundChange(3, tt.msg.Round, 0, ""))
			if in.Round() != 1 {
				t.Fatalf("rejected round change counted: round %d", in.Round())
			}
		})
	}
}

func TestJustifyDecided(t *testing.T) {
	cert := signedOf(commits(2, "v", 0, 1, 3)...)
	tests := []struct {
		name string
		just []qbft.Signed
		want error
	}{
		{"commit quorum", cert, nil},
		{"commits below quorum", cert[:2], qbft.ErrBadJustification},
		{"commits for another round", signedOf(commits(1, "v", 0, 1, 3)...), qbft.ErrBadJustification},
		{"commits for another value", signedOf(commits(2, "w", 0, 1, 3)...), qbft.ErrBadJustification},
		{"commits with a duplicate source", signedOf(commits(2, "v", 0, 1, 1)...), qbft.ErrBadJustification},
		{"commits from another instance", otherInstance(cert), qbft.ErrBadJustification},
		{"prepares instead of commits", signedOf(prepares(2, "v", 0, 1, 3)...), qbft.ErrBadJustification},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := started(t, 4, 2, "mine")
			err := in.Step(decided(1, 2, "v", tt.just...))
			if tt.want == nil {
				if err != nil || in.Decision() == nil {
					t.Fatalf("valid certificate: err %v, decision %v", err, in.Decision())
				}
				return
			}
			if !errorIs(err, tt.want) || in.Decision() != nil {
				t.Fatalf("got %v (decision %v), want %v", err, in.Decision(), tt.want)
			}
		})
	}
}

func TestQuorum(t *testing.T) {
	tests := []struct{ n, f, q int }{
		{1, 0, 1}, {2, 0, 2}, {3, 0, 2}, {4, 1, 3}, {5, 1, 4}, {6, 1, 4}, {7, 2, 5},
		{10, 3, 7}, {13, 4, 9}, {100, 33, 67},
	}
	for _, tt := range tests {
		if f, q := qbft.Faults(tt.n), qbft.Quorum(tt.n); f != tt.f || q != tt.q {
			t.Errorf("n=%d: f=%d q=%d, want f=%d q=%d", tt.n, f, q, tt.f, tt.q)
		}
	}
	// Two quorums intersect in at least f+1 processes, and the correct
	// processes alone form a quorum.
	for n := 1; n <= qbft.MaxCommittee; n++ {
		f, q := qbft.Faults(n), qbft.Quorum(n)
		if 2*q-n < f+1 || n-f < q {
			t.Fatalf("n=%d f=%d q=%d: intersection %d < f+1 or n-f < q", n, f, q, 2*q-n)
		}
	}
}
