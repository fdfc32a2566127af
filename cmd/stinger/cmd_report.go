package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/stingerdvt/stinger/marketplace/report"
)

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Marketplace performance reports"}
	var operator string
	verify := &cobra.Command{
		Use:   "verify FILE",
		Short: "Verify signed performance reports offline (one report, or the body of GET /v1/marketplace/networks/{id}/reports)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			reports, err := splitReports(raw)
			if err != nil {
				return fmt.Errorf("report %s: %w", args[0], err)
			}
			var want common.Address
			if operator != "" {
				if !common.IsHexAddress(operator) {
					return fmt.Errorf("--operator %q: expected a 0x-prefixed 20-byte address", operator)
				}
				want = common.HexToAddress(operator)
			}
			out := cmd.OutOrStdout()
			for i, r := range reports {
				s, err := report.VerifyReport(r)
				if err != nil {
					return fmt.Errorf("report %s [%d] is invalid: %w", args[0], i, err)
				}
				if operator != "" && s.Signer != want {
					return fmt.Errorf("report %s [%d] is signed by %s, not by --operator %s", args[0], i, s.Signer, want)
				}
				rp := s.Report
				fmt.Fprintf(out, "valid: network %d, operator %s, DAM %s, %s to %s: uptime %.2f%%, health %.2f%% of %d checks, %d days operated, %d restarts, duties %d/%d\n",
					rp.NetworkID, rp.Operator, rp.DAM,
					time.Unix(int64(rp.PeriodFrom), 0).UTC().Format(time.RFC3339), time.Unix(int64(rp.PeriodTo), 0).UTC().Format(time.RFC3339),
					float64(rp.UptimeBps)/100, float64(rp.HealthOKBps)/100, rp.HealthChecks, rp.DaysOperated, rp.Restarts,
					rp.DutiesSucceeded, rp.DutiesAttempted)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&operator, "operator", "", "also require the reports to be signed by this operator address")
	cmd.AddCommand(verify)
	return cmd
}

// splitReports accepts one signed report, a JSON array of them, or the node
// API's {"reports": [...]} body, and returns each report's raw JSON.
func splitReports(raw []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
		return nil, errors.New("empty file")
	case trimmed[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, errors.New("no reports in the array")
		}
		return list, nil
	case strings.HasPrefix(string(trimmed), "{") && bytes.Contains(trimmed[:min(len(trimmed), 64)], []byte(`"reports"`)):
		var body struct {
			Reports []json.RawMessage `json:"reports"`
		}
		if err := json.Unmarshal(trimmed, &body); err != nil {
			return nil, err
		}
		if len(body.Reports) == 0 {
			return nil, errors.New("no reports in the response")
		}
		return body.Reports, nil
	default:
		return []json.RawMessage{trimmed}, nil
	}
}
