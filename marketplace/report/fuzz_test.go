package report_test

import (
	"testing"

	"github.com/stingerdvt/stinger/marketplace/report"
)

// FuzzVerifyReport: arbitrary report files never panic the verifier, and whatever it accepts
// re-verifies after a JSON round trip.
func FuzzVerifyReport(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"domain":{"chain_id":1},"report":{"period_from":1,"period_to":2},"signature":"0x00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := report.VerifyReport(data)
		if err != nil {
			return
		}
		if err := report.Verify(s); err != nil {
			t.Fatalf("accepted report fails re-verification: %v", err)
		}
	})
}
