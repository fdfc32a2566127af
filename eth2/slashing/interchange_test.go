package slashing_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

var pk1 = pkHex(1)

func doc(version, gvr, data string) string {
	return fmt.Sprintf(`{"metadata":{"interchange_format_version":%q,"genesis_validators_root":%q},"data":[%s]}`, version, gvr, data)
}

var gvrHex = fmt.Sprintf("%#x", testGVR[:])

// TestImportRefusesMalformedInterchangesAndChangesNothing feeds broken
// documents: each is refused with the right sentinel and an error naming
// the problem, and the store's export is unchanged.
func TestImportRefusesMalformedInterchangesAndChangesNothing(t *testing.T) {
	okData := `{"pubkey":"` + pk1 + `","signed_blocks":[{"slot":"5"}],"signed_attestations":[]}`
	tests := []struct {
		name  string
		input string
		want  error
		names string
	}{
		{"not json", `{"metadata":`, slashing.ErrInvalidInterchange, "unexpected EOF"},
		{"trailing data", doc("5", gvrHex, "") + "{}", slashing.ErrInvalidInterchange, "trailing"},
		{"missing metadata", `{"data":[]}`, slashing.ErrInvalidInterchange, "metadata: missing"},
		{"missing data", `{"metadata":{"interchange_format_version":"5","genesis_validators_root":"` + gvrHex + `"}}`, slashing.ErrInvalidInterchange, "data: missing"},
		{"version 4", doc("4", gvrHex, okData), slashing.ErrUnsupportedVersion, `"4"`},
		{"other chain", doc("5", "0x"+strings.Repeat("11", 32), okData), slashing.ErrGenesisValidatorsRootMismatch, "0x1111"},
		{"short root", doc("5", "0x1234", okData), slashing.ErrInvalidInterchange, "genesis_validators_root"},
		{"pubkey without 0x", doc("5", gvrHex, `{"pubkey":"`+strings.Repeat("aa", 48)+`"}`), slashing.ErrInvalidInterchange, "pubkey"},
		{"slot as a number", doc("5", gvrHex, `{"pubkey":"`+pk1+`","signed_blocks":[{"slot":5}]}`), slashing.ErrInvalidInterchange, "slot"},
		{"negative slot", doc("5", gvrHex, `{"pubkey":"`+pk1+`","signed_blocks":[{"slot":"-5"}]}`), slashing.ErrInvalidInterchange, "signed_blocks.slot"},
		{"leading zero", doc("5", gvrHex, `{"pubkey":"`+pk1+`","signed_blocks":[{"slot":"05"}]}`), slashing.ErrInvalidInterchange, "signed_blocks.slot"},
		{"slot overflows", doc("5", gvrHex, `{"pubkey":"`+pk1+`","signed_blocks":[{"slot":"18446744073709551616"}]}`), slashing.ErrInvalidInterchange, "64 bits"},
		{"missing target", doc("5", gvrHex, `{"pubkey":"`+pk1+`","signed_attestations":[{"source_epoch":"1"}]}`), slashing.ErrInvalidInterchange, "target_epoch: missing"},
		{"bad signing root", doc("5", gvrHex, `{"pubkey":"`+pk1+`","signed_blocks":[{"slot":"1","signing_root":"0xzz"}]}`), slashing.ErrInvalidInterchange, "signing_root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t, "")
			if err := blk(3, 1).run(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			before := export(t, s, slashing.StrategyComplete)
			for _, strategy := range []slashing.Strategy{slashing.StrategyComplete, slashing.StrategyMinimal} {
				_, err := s.Import(context.Background(), strings.NewReader(tc.input), strategy)
				if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.names) {
					t.Fatalf("%s import: got %v, want %v naming %q", strategy, err, tc.want, tc.names)
				}
			}
			if after := export(t, s, slashing.StrategyComplete); !bytes.Equal(before, after) {
				t.Fatalf("refused import changed the store:\n%s", after)
			}
		})
	}
}

// TestCompleteImportIsAllOrNothing imports a file whose last record is
// slashable against the database: nothing of it is applied.
func TestCompleteImportIsAllOrNothing(t *testing.T) {
	s := openStore(t, "")
	ctx := context.Background()
	if err := att(5, 10, 1).run(ctx, s); err != nil {
		t.Fatal(err)
	}
	before := export(t, s, slashing.StrategyComplete)
	ic := &slashing.Interchange{
		Metadata: slashing.InterchangeMetadata{InterchangeFormatVersion: "5", GenesisValidatorsRoot: testGVR},
		Data: []slashing.InterchangeData{
			{Pubkey: pubkey(7), SignedBlocks: []slashing.SignedBlock{{Slot: 1}, {Slot: 2}}},
			{Pubkey: pubkey(0), SignedAttestations: []slashing.SignedAttestation{{SourceEpoch: 11, TargetEpoch: 12}, {SourceEpoch: 4, TargetEpoch: 11}}},
		},
	}
	_, err := s.ImportInterchange(ctx, ic, slashing.StrategyComplete)
	var se *slashing.SlashableError
	if !errors.Is(err, slashing.ErrSlashableImport) || !errors.Is(err, slashing.ErrSurroundVote) || !errors.As(err, &se) {
		t.Fatalf("got %v, want ErrSlashableImport wrapping a surround vote", err)
	}
	if se.ConflictAttestation == nil || se.ConflictAttestation.TargetEpoch != 10 {
		t.Fatalf("conflict not named: %+v", se)
	}
	if after := export(t, s, slashing.StrategyComplete); !bytes.Equal(before, after) {
		t.Fatalf("refused import changed the store:\n%s", after)
	}
	// The same file imported minimally works around the slashable record.
	sum, err := s.ImportInterchange(ctx, ic, slashing.StrategyMinimal)
	if err != nil || sum.Validators != 2 || sum.Blocks != 2 || sum.Attestations != 2 {
		t.Fatalf("minimal import: %+v, %v", sum, err)
	}
}

// TestCompleteExportReimportsToTheSameBytes signs a history, exports it,
// imports the export into a fresh store and exports again: equal bytes.
func TestCompleteExportReimportsToTheSameBytes(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "")
	for _, o := range []op{blk(1, 1), blk(5, 0), att(0, 1, 1), att(1, 3, 0), blk(9, 3).on(2), att(2, 3, 4).on(2)} {
		if err := o.run(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Import(ctx, strings.NewReader(doc("5", gvrHex, `{"pubkey":"`+pkHex(3)+`","signed_blocks":[{"slot":"40"}],"signed_attestations":[{"source_epoch":"2","target_epoch":"7"}]}`)), slashing.StrategyMinimal); err != nil {
		t.Fatal(err)
	}
	first := export(t, s, slashing.StrategyComplete)
	for _, want := range []string{`"slot": "5"`, `"signing_root": "0x`, `"source_epoch": "2"`, `"target_epoch": "7"`, `"slot": "40"`} {
		if !bytes.Contains(first, []byte(want)) {
			t.Fatalf("export lacks %s:\n%s", want, first)
		}
	}
	fresh := openStore(t, "")
	if _, err := fresh.Import(ctx, bytes.NewReader(first), slashing.StrategyComplete); err != nil {
		t.Fatal(err)
	}
	if second := export(t, fresh, slashing.StrategyComplete); !bytes.Equal(first, second) {
		t.Fatalf("round trip changed the export:\n%s\n---\n%s", first, second)
	}
}

// TestMinimalExportKeepsWatermarksOnReimport exports a history minimally and
// imports it into fresh stores with either strategy: anything at or below the
// maxima is refused, anything above is safe.
func TestMinimalExportKeepsWatermarksOnReimport(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, "")
	for _, o := range []op{blk(10, 1), blk(20, 2), att(3, 4, 1), att(4, 9, 2), att(5, 10, 3)} {
		if err := o.run(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	min := export(t, s, slashing.StrategyMinimal)
	tests := []struct {
		try  op
		safe bool
	}{
		{blk(20, 7), false}, {blk(15, 9), false}, {blk(21, 9), true},
		{att(5, 10, 9), false}, {att(4, 11, 9), false}, {att(5, 11, 9), true},
	}
	for _, imp := range []slashing.Strategy{slashing.StrategyComplete, slashing.StrategyMinimal} {
		for _, check := range []slashing.Strategy{slashing.StrategyComplete, slashing.StrategyMinimal} {
			for _, tc := range tests {
				t.Run(fmt.Sprintf("import %s check %s %+v", imp, check, tc.try), func(t *testing.T) {
					fresh := openStore(t, "", slashing.WithStrategy(check))
					if _, err := fresh.Import(ctx, bytes.NewReader(min), imp); err != nil {
						t.Fatal(err)
					}
					err := tc.try.run(ctx, fresh)
					if (err == nil) != tc.safe {
						t.Fatalf("got %v, want safe=%v", err, tc.safe)
					}
				})
			}
		}
	}
}

// TestInterchangeJSONShape pins the wire format: decimal strings, 0x hex,
// optional signing roots and empty lists rather than null.
func TestInterchangeJSONShape(t *testing.T) {
	r := phase0.Root{0xab}
	ic := slashing.Interchange{
		Metadata: slashing.InterchangeMetadata{InterchangeFormatVersion: "5", GenesisValidatorsRoot: phase0.Root{1}},
		Data: []slashing.InterchangeData{
			{Pubkey: phase0.BLSPubKey{2}, SignedBlocks: []slashing.SignedBlock{{Slot: 18446744073709551615, SigningRoot: &r}}},
		},
	}
	var buf bytes.Buffer
	if err := jsonEncode(&buf, ic); err != nil {
		t.Fatal(err)
	}
	want := `{"metadata":{"interchange_format_version":"5","genesis_validators_root":"0x01` + strings.Repeat("00", 31) +
		`"},"data":[{"pubkey":"0x02` + strings.Repeat("00", 47) + `","signed_blocks":[{"slot":"18446744073709551615","signing_root":"0xab` +
		strings.Repeat("00", 31) + `"}],"signed_attestations":[]}]}`
	if got := strings.TrimSpace(buf.String()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	back, err := slashing.ParseInterchange(buf.Bytes())
	if err != nil || back.Data[0].SignedBlocks[0].Slot != 18446744073709551615 || *back.Data[0].SignedBlocks[0].SigningRoot != r {
		t.Fatalf("parse back: %+v, %v", back, err)
	}
}
