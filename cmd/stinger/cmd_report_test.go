package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/report"
)

func TestReportVerifyAcceptsSignedAndRejectsTampered(t *testing.T) {
	key, err := crypto.ToECDSA(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	operator := crypto.PubkeyToAddress(key.PublicKey)
	signed, err := report.Sign(key, report.Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x00000000000000000000000000000000000000aa")},
		report.Report{NetworkID: 3, Operator: operator, PeriodFrom: 1_700_000_000, PeriodTo: 1_700_086_400, UptimeBps: 9990,
			HealthOKBps: 10000, HealthChecks: 1440, DaysOperated: 1, DutiesAttempted: 225, DutiesSucceeded: 225})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(signed)
	wrapped, _ := json.Marshal(map[string]any{"reports": []any{signed, signed}})
	tampered := bytes.Replace(good, []byte(`"uptime_bps":9990`), []byte(`"uptime_bps":10000`), 1)
	if bytes.Equal(tampered, good) {
		t.Fatal("tampering did not change the report")
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"single report", []string{write("good.json", good)}, 0, "valid: network 3"},
		{"api body", []string{write("body.json", wrapped)}, 0, "uptime 99.90%"},
		{"expected operator", []string{write("good2.json", good), "--operator", operator.Hex()}, 0, "valid"},
		{"other operator", []string{write("good3.json", good), "--operator", "0x0000000000000000000000000000000000000001"}, 1, "not by --operator"},
		{"tampered", []string{write("bad.json", tampered)}, 1, "invalid"},
		{"garbage", []string{write("garbage.json", []byte("{"))}, 1, "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"report", "verify"}, tc.args...), nil, &out, &errOut)
			if code != tc.wantCode || !strings.Contains(out.String()+errOut.String(), tc.want) {
				t.Fatalf("exit %d, output %q %q; want exit %d containing %q", code, out.String(), errOut.String(), tc.wantCode, tc.want)
			}
		})
	}
}
