package chaintest_test

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/marketplace/bindings"
	"github.com/stingerdvt/stinger/marketplace/chaintest"
)

func damAdminCases() []revertCase {
	liq := func(f *fixture) common.Address { return f.damLiq }
	growth := func(f *fixture) common.Address { return f.damGrowth }
	mgr := func(f *fixture) chaintest.Account { return f.Manager }
	admin := func(f *fixture) chaintest.Account { return f.NetworkAdmin }
	stranger := func(f *fixture) chaintest.Account { return f.Stranger }
	req := func(id func(*fixture) *big.Int, alloc int64, ops func(*fixture) []common.Address) func(*fixture) []byte {
		return func(f *fixture) []byte { return f.DAMABI.PackRequestInstallation(id(f), ops(f), big.NewInt(alloc)) }
	}
	op := func(f *fixture) []common.Address { return []common.Address{f.Operator.Addr} }
	growthID := func(f *fixture) *big.Int { return f.netGrowth }
	return []revertCase{
		{"dam/whitelist operator by non-manager", stranger, liq,
			func(f *fixture) []byte { return f.DAMABI.PackWhitelistOperator(f.Operator2.Addr) }, bindings.DAMNotManagerErrorID()},
		{"dam/whitelist zero operator", mgr, liq,
			func(f *fixture) []byte { return f.DAMABI.PackWhitelistOperator(common.Address{}) }, bindings.DAMZeroAddressErrorID()},
		{"dam/whitelist operator twice", mgr, liq,
			func(f *fixture) []byte { return f.DAMABI.PackWhitelistOperator(f.Operator.Addr) }, bindings.DAMOperatorAlreadyWhitelistedErrorID()},
		{"dam/remove unknown operator", mgr, liq,
			func(f *fixture) []byte { return f.DAMABI.PackRemoveOperator(f.Stranger.Addr) }, bindings.DAMOperatorNotWhitelistedErrorID()},
		{"dam/request by non-manager", stranger, growth, req(growthID, 100, op), bindings.DAMNotManagerErrorID()},
		{"dam/request unlisted network", mgr, growth,
			req(func(f *fixture) *big.Int { return f.netUnlisted }, 100, op), bindings.DAMNetworkNotWhitelistedErrorID()},
		{"dam/request network of another type", mgr, liq, req(growthID, 100, op), bindings.DAMDAMTypeMismatchErrorID()},
		{"dam/request network of another asset", mgr, growth,
			req(func(f *fixture) *big.Int { return f.netOtherAsset }, 100, op), bindings.DAMAssetMismatchErrorID()},
		{"dam/allocation below min deposit", mgr, growth, req(growthID, 99, op), bindings.DAMAllocationBelowMinDepositErrorID()},
		{"dam/no operators", mgr, growth,
			req(growthID, 100, func(*fixture) []common.Address { return nil }), bindings.DAMInvalidOperatorCountErrorID()},
		{"dam/more operators than requested", mgr, growth, req(growthID, 100, func(f *fixture) []common.Address {
			return []common.Address{f.Operator.Addr, f.Operator2.Addr, f.Stranger.Addr}
		}), bindings.DAMInvalidOperatorCountErrorID()},
		{"dam/operator not whitelisted", mgr, growth, req(growthID, 100, func(f *fixture) []common.Address {
			return []common.Address{f.Operator2.Addr}
		}), bindings.DAMOperatorNotWhitelistedErrorID()},
		{"dam/duplicate operator", mgr, growth, req(growthID, 100, func(f *fixture) []common.Address {
			return []common.Address{f.Operator.Addr, f.Operator.Addr}
		}), bindings.DAMDuplicateOperatorErrorID()},
		{"dam/installation exists", mgr, liq,
			req(func(f *fixture) *big.Int { return f.netLiq }, 100, op), bindings.DAMInstallationExistsErrorID()},
		{"dam/confirm by non-admin", stranger, growth,
			func(f *fixture) []byte { return f.DAMABI.PackConfirmInstallation(f.netGrowth) }, bindings.DAMNotNetworkAdminErrorID()},
		{"dam/confirm without request", admin, growth,
			func(f *fixture) []byte { return f.DAMABI.PackConfirmInstallation(f.netGrowth) }, bindings.DAMNoPendingInstallationErrorID()},
		{"dam/uninstall by stranger", stranger, liq,
			func(f *fixture) []byte { return f.DAMABI.PackUninstall(f.netLiq) }, bindings.DAMNotManagerOrNetworkErrorID()},
		{"dam/uninstall not installed", mgr, growth,
			func(f *fixture) []byte { return f.DAMABI.PackUninstall(f.netGrowth) }, bindings.DAMNotInstalledErrorID()},
	}
}

func damFlowCases() []revertCase {
	liq := func(f *fixture) common.Address { return f.damLiq }
	growth := func(f *fixture) common.Address { return f.damGrowth }
	coll := func(f *fixture) common.Address { return f.damColl }
	mgr := func(f *fixture) chaintest.Account { return f.Manager }
	admin := func(f *fixture) chaintest.Account { return f.NetworkAdmin }
	del := func(f *fixture) chaintest.Account { return f.Delegator }
	op := func(f *fixture) chaintest.Account { return f.Operator }
	stranger := func(f *fixture) chaintest.Account { return f.Stranger }
	penalty := func(who func(*fixture) common.Address, amount int64) func(*fixture) []byte {
		return func(f *fixture) []byte {
			return f.DAMABI.PackRequestCollateral(f.netColl, who(f), big.NewInt(amount), "missed duties")
		}
	}
	operator := func(f *fixture) common.Address { return f.Operator.Addr }
	report := func(id func(*fixture) *big.Int, from, to uint64, h [32]byte) func(*fixture) []byte {
		return func(f *fixture) []byte { return f.DAMABI.PackCommitReport(id(f), from, to, h) }
	}
	collID := func(f *fixture) *big.Int { return f.netColl }
	return []revertCase{
		{"dam/deposit zero", del, liq, func(f *fixture) []byte { return f.DAMABI.PackDeposit(big.NewInt(0)) }, bindings.DAMZeroAmountErrorID()},
		{"dam/deposit without allowance", stranger, liq,
			func(f *fixture) []byte { return f.DAMABI.PackDeposit(big.NewInt(1)) }, bindings.TestTokenInsufficientAllowanceErrorID()},
		{"dam/withdraw zero", del, liq, func(f *fixture) []byte { return f.DAMABI.PackRequestWithdrawal(big.NewInt(0)) }, bindings.DAMZeroAmountErrorID()},
		{"dam/withdraw over deposit", del, liq,
			func(f *fixture) []byte { return f.DAMABI.PackRequestWithdrawal(big.NewInt(1001)) }, bindings.DAMInsufficientDepositErrorID()},
		{"dam/complete withdrawal outside collateral", del, liq,
			func(f *fixture) []byte { return f.DAMABI.PackCompleteWithdrawal() }, bindings.DAMWrongDAMTypeErrorID()},
		{"dam/complete without request", del, coll,
			func(f *fixture) []byte { return f.DAMABI.PackCompleteWithdrawal() }, bindings.DAMNoPendingWithdrawalErrorID()},
		{"dam/fund from collateral dam", mgr, coll,
			func(f *fixture) []byte { return f.DAMABI.PackFundNetwork(f.netColl) }, bindings.DAMWrongDAMTypeErrorID()},
		{"dam/fund by non-manager", stranger, liq,
			func(f *fixture) []byte { return f.DAMABI.PackFundNetwork(f.netLiq) }, bindings.DAMNotManagerErrorID()},
		{"dam/fund not installed", mgr, growth,
			func(f *fixture) []byte { return f.DAMABI.PackFundNetwork(f.netGrowth) }, bindings.DAMNotInstalledErrorID()},
		{"dam/return liquidity in growth dam", admin, growth,
			func(f *fixture) []byte { return f.DAMABI.PackReturnLiquidity(f.netGrowth, big.NewInt(1)) }, bindings.DAMWrongDAMTypeErrorID()},
		{"dam/return liquidity by stranger", stranger, liq,
			func(f *fixture) []byte { return f.DAMABI.PackReturnLiquidity(f.netLiq, big.NewInt(1)) }, bindings.DAMNotNetworkAdminErrorID()},
		{"dam/return liquidity never funded", admin, liq,
			func(f *fixture) []byte { return f.DAMABI.PackReturnLiquidity(f.netLiq, big.NewInt(1)) }, bindings.DAMNotFundedErrorID()},
		{"dam/penalty in liquidity dam", admin, liq,
			func(f *fixture) []byte {
				return f.DAMABI.PackRequestCollateral(f.netLiq, f.Operator.Addr, big.NewInt(1), "x")
			}, bindings.DAMWrongDAMTypeErrorID()},
		{"dam/penalty by stranger", stranger, coll, penalty(operator, 1), bindings.DAMNotNetworkAdminErrorID()},
		{"dam/penalty against unassigned operator", admin, coll,
			penalty(func(f *fixture) common.Address { return f.Operator2.Addr }, 1), bindings.DAMNotAssignedOperatorErrorID()},
		{"dam/penalty zero", admin, coll, penalty(operator, 0), bindings.DAMZeroAmountErrorID()},
		{"dam/penalty over idle assets", admin, coll, penalty(operator, 1_000_000), bindings.DAMInsufficientLiquidityErrorID()},
		{"dam/report by unassigned operator", stranger, coll, report(collID, 1, 2, [32]byte{1}), bindings.DAMNotAssignedOperatorErrorID()},
		{"dam/report empty period", op, coll, report(collID, 2, 2, [32]byte{1}), bindings.DAMInvalidPeriodErrorID()},
		{"dam/report zero hash", op, coll, report(collID, 1, 2, [32]byte{}), bindings.DAMZeroReportHashErrorID()},
		{"dam/report for network not installed", op, growth,
			report(func(f *fixture) *big.Int { return f.netGrowth }, 1, 2, [32]byte{1}), bindings.DAMNotInstalledErrorID()},
	}
}
