package report_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/chaintest"
	"github.com/stingerdvt/stinger/marketplace/report"
)

// TestReportDigestCommitsOnChain: the operator commits the signed report's digest to its DAM and the
// ReportCommitted event carries the same digest and period.
func TestReportDigestCommitsOnChain(t *testing.T) {
	e := chaintest.New(t)
	id := e.RegisterNetwork(e.Terms(chaintest.Collateral, "data:,x", crypto.Keccak256Hash([]byte("x"))))
	dam := e.CreateDAM(chaintest.Collateral, 0, 3600)
	e.Install(dam, id, 100, e.Operator)
	s, err := report.Sign(e.Operator.Key, report.Domain{ChainID: e.ChainID.Uint64(), VerifyingContract: e.Registry}, report.Report{
		NetworkID: id.Uint64(), Operator: e.Operator.Addr, DAM: dam, PeriodFrom: 100, PeriodTo: 200, UptimeBps: 10_000,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := e.MustSend(e.Operator, dam, report.CommitCalldata(s))
	if len(r.Logs) != 1 {
		t.Fatalf("%d logs, want 1", len(r.Logs))
	}
	ev, err := e.DAMABI.UnpackReportCommittedEvent(r.Logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if ev.ReportHash != s.Digest || ev.PeriodFrom != 100 || ev.PeriodTo != 200 || ev.Operator != e.Operator.Addr {
		t.Fatalf("event = %+v, digest %s", ev, s.Digest)
	}
}
