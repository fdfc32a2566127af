package report_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/report"
	"github.com/stingerdvt/stinger/marketplace/tasks"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

type fakeStats map[uint64]tasks.PeriodStats

func (f fakeStats) Stats(id uint64, _, _ time.Time) (tasks.PeriodStats, bool) {
	s, ok := f[id]
	return s, ok
}

type fakeAssignments []watcher.Assignment

func (f fakeAssignments) Assignments() []watcher.Assignment { return f }

// TestReportsHandlerServesSignedDailyReports: the endpoint returns one verifiable report per UTC day
// of the range and names bad parameters.
func TestReportsHandlerServesSignedDailyReports(t *testing.T) {
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("handler-operator")))
	dam := common.HexToAddress("0xd1")
	stats := fakeStats{9: {Samples: 100, UpSamples: 99, HealthChecks: 100, HealthOK: 97, DaysOperated: 1, Kind: tasks.KindValidator}}
	duties := func(time.Time, time.Time) (uint64, uint64) { return 10, 9 }
	now := func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }
	p, err := report.NewPublisher(key, report.Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x5")}, stats,
		fakeAssignments{{NetworkID: 9, DAM: dam}}, duties, now)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/marketplace/networks/{id}/reports", p.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cases := []struct {
		name  string
		query string
		code  int
		n     int
	}{
		{"one and a half days", "/v1/marketplace/networks/9/reports?from=2026-11-20T12:00:00Z&to=2026-11-22T00:00:00Z", 200, 2},
		{"default last 24h", "/v1/marketplace/networks/9/reports", 200, 2},
		{"unix seconds", "/v1/marketplace/networks/9/reports?from=1763596800&to=1763683200", 200, 1},
		{"unknown network", "/v1/marketplace/networks/8/reports", 404, 0},
		{"bad id", "/v1/marketplace/networks/x/reports", 400, 0},
		{"bad from", "/v1/marketplace/networks/9/reports?from=yesterday", 400, 0},
		{"reversed range", "/v1/marketplace/networks/9/reports?from=200&to=100", 400, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.code)
			}
			if tc.code != 200 {
				return
			}
			var body struct {
				Reports []json.RawMessage `json:"reports"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if len(body.Reports) != tc.n {
				t.Fatalf("%d reports, want %d", len(body.Reports), tc.n)
			}
			for _, raw := range body.Reports {
				s, err := report.VerifyReport(raw)
				if err != nil {
					t.Fatalf("served report does not verify: %v", err)
				}
				r := s.Report
				if r.DAM != dam || r.UptimeBps != 9900 || r.HealthOKBps != 9700 || r.DutiesAttempted != 10 || r.DutiesSucceeded != 9 {
					t.Fatalf("report = %+v", r)
				}
			}
		})
	}
}
