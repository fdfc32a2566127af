package report_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/report"
)

func testKey(t *testing.T) (key []byte, r report.Report, d report.Domain) {
	t.Helper()
	key = crypto.Keccak256([]byte("report-test-operator"))
	k, err := crypto.ToECDSA(key)
	if err != nil {
		t.Fatal(err)
	}
	r = report.Report{
		NetworkID: 3, Operator: crypto.PubkeyToAddress(k.PublicKey), DAM: common.HexToAddress("0xdA000000000000000000000000000000000000d1"),
		PeriodFrom: 1_767_225_600, PeriodTo: 1_767_312_000, UptimeBps: 9_950, HealthOKBps: 9_800, HealthChecks: 8_640,
		DaysOperated: 1, Restarts: 2, DutiesAttempted: 225, DutiesSucceeded: 224,
	}
	d = report.Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x5EED00000000000000000000000000000000ee01")}
	return key, r, d
}

func signedJSON(t *testing.T) []byte {
	t.Helper()
	key, r, d := testKey(t)
	k, _ := crypto.ToECDSA(key)
	s, err := report.Sign(k, d, r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDigestMatchesEIP712ByHand recomputes the EIP-712 digest from the type strings, so that a
// Solidity verifier written from the documented types gets the same hash.
func TestDigestMatchesEIP712ByHand(t *testing.T) {
	_, r, d := testKey(t)
	word := func(v uint64) []byte { return common.LeftPadBytes(binary.BigEndian.AppendUint64(nil, v), 32) }
	addr := func(a common.Address) []byte { return common.LeftPadBytes(a.Bytes(), 32) }
	domainType := crypto.Keccak256([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	sep := crypto.Keccak256(bytes.Join([][]byte{domainType, crypto.Keccak256([]byte("stinger-marketplace")),
		crypto.Keccak256([]byte("1")), word(d.ChainID), addr(d.VerifyingContract)}, nil))
	reportType := crypto.Keccak256([]byte("PerformanceReport(uint256 networkId,address operator,address dam,uint64 periodFrom," +
		"uint64 periodTo,uint32 uptimeBps,uint32 healthOkBps,uint32 healthChecks,uint32 daysOperated,uint32 restarts," +
		"uint64 dutiesAttempted,uint64 dutiesSucceeded)"))
	st := crypto.Keccak256(bytes.Join([][]byte{reportType, word(r.NetworkID), addr(r.Operator), addr(r.DAM),
		word(r.PeriodFrom), word(r.PeriodTo), word(uint64(r.UptimeBps)), word(uint64(r.HealthOKBps)),
		word(uint64(r.HealthChecks)), word(uint64(r.DaysOperated)), word(uint64(r.Restarts)),
		word(r.DutiesAttempted), word(r.DutiesSucceeded)}, nil))
	want := common.BytesToHash(crypto.Keccak256([]byte{0x19, 0x01}, sep, st))
	got, err := report.Digest(d, r)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("digest %s, by hand %s", got, want)
	}
}

// TestVerifyReportAcceptsGenuineRejectsTampered: the signed file verifies; changing any field, the
// domain, the signer or the signature makes verification fail.
func TestVerifyReportAcceptsGenuineRejectsTampered(t *testing.T) {
	genuine := signedJSON(t)
	if _, err := report.VerifyReport(genuine); err != nil {
		t.Fatalf("genuine report rejected: %v", err)
	}
	var s report.Signed
	if err := json.Unmarshal(genuine, &s); err != nil {
		t.Fatal(err)
	}
	sigHex := common.Bytes2Hex(s.Signature)
	flipped := []byte(sigHex)
	if flipped[10] == 'a' {
		flipped[10] = 'b'
	} else {
		flipped[10] = 'a'
	}
	cases := []struct{ name, from, to string }{
		{"uptime raised", `"uptime_bps": 9950`, `"uptime_bps": 10000`},
		{"network changed", `"network_id": 3`, `"network_id": 4`},
		{"period moved", `"period_from": 1767225600`, `"period_from": 1767225601`},
		{"duties inflated", `"duties_succeeded": 224`, `"duties_succeeded": 225`},
		{"chain id changed", `"chain_id": 1337`, `"chain_id": 1`},
		{"dam changed", strings.ToLower(`"dam": "` + s.Report.DAM.Hex()), `"dam": "0x00000000000000000000000000000000000000d2`},
		{"signature altered", sigHex, string(flipped)},
		{"signer replaced", `"signer": "` + s.Signer.Hex(), `"signer": "0x000000000000000000000000000000000000dEaD`},
		{"unknown field added", `"report": {`, `"extra": 1, "report": {`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lower := strings.ToLower(string(genuine))
			from := strings.ToLower(tc.from)
			if !strings.Contains(lower, from) {
				t.Fatalf("test bug: %q not in report %s", tc.from, genuine)
			}
			i := strings.Index(lower, from)
			tampered := string(genuine[:i]) + tc.to + string(genuine[i+len(from):])
			if _, err := report.VerifyReport([]byte(tampered)); err == nil {
				t.Fatalf("tampered report accepted:\n%s", tampered)
			}
		})
	}
}

// TestSignRefusesForeignOperatorAndInvalidReports: the key must be the report's operator and the
// fields must be consistent.
func TestSignRefusesForeignOperatorAndInvalidReports(t *testing.T) {
	key, r, d := testKey(t)
	k, _ := crypto.ToECDSA(key)
	cases := []struct {
		name    string
		mut     func(*report.Report)
		wantErr string
	}{
		{"foreign operator", func(r *report.Report) { r.Operator = common.HexToAddress("0x1") }, "not the signing key"},
		{"empty period", func(r *report.Report) { r.PeriodTo = r.PeriodFrom }, "must be before"},
		{"uptime over 100%", func(r *report.Report) { r.UptimeBps = 10_001 }, "uptime_bps"},
		{"health over 100%", func(r *report.Report) { r.HealthOKBps = 10_001 }, "health_ok_bps"},
		{"more successes than duties", func(r *report.Report) { r.DutiesSucceeded = 226 }, "duties_succeeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rr := r
			tc.mut(&rr)
			_, err := report.Sign(k, d, rr)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
	s, err := report.Sign(k, d, r)
	if err != nil {
		t.Fatal(err)
	}
	s.Signature[64] = 29
	if err := report.Verify(s); !errors.Is(err, report.ErrBadSignature) {
		t.Fatalf("bad recovery id: err = %v", err)
	}
}
