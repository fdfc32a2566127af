package report

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/tasks"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// StatsSource provides task statistics per Network and period (tasks.Runner).
type StatsSource interface {
	Stats(networkID uint64, from, to time.Time) (tasks.PeriodStats, bool)
}

// AssignmentSource provides the current assignments (watcher.Watcher).
type AssignmentSource interface {
	Assignments() []watcher.Assignment
}

// DutySource returns the cluster's duty outcomes in a period (the duties tracker), for validator tasks.
type DutySource func(from, to time.Time) (attempted, succeeded uint64)

// maxReports bounds the daily reports one request may ask for.
const maxReports = 366

// ErrUnknownNetwork is returned for a Network this operator has no task history for.
var ErrUnknownNetwork = errors.New("network not served by this operator")

// Publisher builds and signs reports from task statistics.
type Publisher struct {
	key         *ecdsa.PrivateKey
	operator    common.Address
	domain      Domain
	stats       StatsSource
	assignments AssignmentSource
	duties      DutySource
	now         func() time.Time
}

// NewPublisher returns a Publisher signing with key (the operator key, e.g. crypto.ToECDSA of the
// cluster identity's raw secp256k1 bytes). duties may be nil; now defaults to time.Now.
func NewPublisher(key *ecdsa.PrivateKey, domain Domain, stats StatsSource, assignments AssignmentSource,
	duties DutySource, now func() time.Time,
) (*Publisher, error) {
	if key == nil || stats == nil || assignments == nil {
		return nil, errors.New("report publisher: key, stats and assignments are required")
	}
	if now == nil {
		now = time.Now
	}
	return &Publisher{key: key, operator: crypto.PubkeyToAddress(key.PublicKey), domain: domain, stats: stats,
		assignments: assignments, duties: duties, now: now}, nil
}

// Build builds and signs the report of a Network for [from, to).
func (p *Publisher) Build(networkID uint64, from, to time.Time) (*Signed, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("report period: from %s is not before to %s", from, to)
	}
	st, ok := p.stats.Stats(networkID, from, to)
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownNetwork, networkID)
	}
	r := Report{
		NetworkID: networkID, Operator: p.operator,
		PeriodFrom: uint64(from.Unix()), PeriodTo: uint64(to.Unix()),
		UptimeBps: bps(st.UpSamples, st.Samples), HealthOKBps: bps(st.HealthOK, st.HealthChecks),
		HealthChecks: uint32(st.HealthChecks), DaysOperated: uint32(st.DaysOperated), Restarts: uint32(st.Restarts),
	}
	for _, a := range p.assignments.Assignments() {
		if a.NetworkID == networkID {
			r.DAM = a.DAM
			break
		}
	}
	if st.Kind == tasks.KindValidator && p.duties != nil {
		r.DutiesAttempted, r.DutiesSucceeded = p.duties(from, to)
	}
	return Sign(p.key, p.domain, r)
}

func bps(n, d int) uint32 {
	if d == 0 {
		return 0
	}
	return uint32(n * 10_000 / d)
}

// Reports builds one report per UTC day overlapping [from, to), clipped to the range.
func (p *Publisher) Reports(networkID uint64, from, to time.Time) ([]*Signed, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("report period: from %s is not before to %s", from.UTC(), to.UTC())
	}
	var out []*Signed
	for start := from.UTC(); start.Before(to); {
		end := start.Truncate(24 * time.Hour).Add(24 * time.Hour)
		if end.After(to) {
			end = to
		}
		if len(out) == maxReports {
			return nil, fmt.Errorf("report period spans more than %d days", maxReports)
		}
		s, err := p.Build(networkID, start, end)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		start = end
	}
	return out, nil
}

// Handler serves GET /v1/marketplace/networks/{id}/reports?from=&to= (unix seconds or RFC 3339;
// default: the last 24 hours) as {"reports":[...]} of daily signed reports.
func (p *Publisher) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			httpError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		id, err := networkIDFromPath(r)
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		to, err := parseTime(r.URL.Query().Get("to"), p.now())
		if err != nil {
			httpError(w, http.StatusBadRequest, "to: "+err.Error())
			return
		}
		from, err := parseTime(r.URL.Query().Get("from"), to.Add(-24*time.Hour))
		if err != nil {
			httpError(w, http.StatusBadRequest, "from: "+err.Error())
			return
		}
		reports, err := p.Reports(id, from, to)
		switch {
		case errors.Is(err, ErrUnknownNetwork):
			httpError(w, http.StatusNotFound, err.Error())
			return
		case err != nil:
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"reports": reports})
	})
}

func networkIDFromPath(r *http.Request) (uint64, error) {
	raw := r.PathValue("id")
	if raw == "" { // mounted without a {id} pattern: take the segment after "networks"
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		for i := 0; i+1 < len(parts); i++ {
			if parts[i] == "networks" {
				raw = parts[i+1]
				break
			}
		}
	}
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("network id %q: want a decimal integer", raw)
	}
	return id, nil
}

func parseTime(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return time.Time{}, fmt.Errorf("%d: want unix seconds >= 0", n)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want unix seconds or RFC 3339", s)
	}
	return t, nil
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}
