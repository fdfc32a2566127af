package report

import (
	"math/big"

	"github.com/stingerdvt/stinger/marketplace/bindings"
)

// CommitCalldata returns the DAM.commitReport calldata that commits the report's EIP-712 digest
// on-chain (the operator sends it to the report's DAM from its own address).
func CommitCalldata(s *Signed) []byte {
	return bindings.NewDAM().PackCommitReport(new(big.Int).SetUint64(s.Report.NetworkID), s.Report.PeriodFrom,
		s.Report.PeriodTo, s.Digest)
}
