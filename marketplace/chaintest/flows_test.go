package chaintest_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stingerdvt/stinger/marketplace/bindings"
	"github.com/stingerdvt/stinger/marketplace/chaintest"
)

func wantEvent(t *testing.T, r *types.Receipt, id common.Hash) *types.Log {
	t.Helper()
	for _, l := range r.Logs {
		if len(l.Topics) > 0 && l.Topics[0] == id {
			return l
		}
	}
	t.Fatalf("receipt %s has no event %s", r.TxHash, id)
	return nil
}

func wantRevert(t *testing.T, err error, id common.Hash) {
	t.Helper()
	if err == nil {
		t.Fatalf("call succeeded, want revert %x", id[:4])
	}
	sel, ok := chaintest.RevertSelector(err)
	if !ok || sel != chaintest.Selector(id) {
		t.Fatalf("got %v, want revert %x", err, id[:4])
	}
}

func eq(t *testing.T, what string, got *big.Int, want int64) {
	t.Helper()
	if got.Cmp(big.NewInt(want)) != 0 {
		t.Fatalf("%s = %s, want %d", what, got, want)
	}
}

// TestLiquidityFlowLocksThenReturns: a liquidity allocation goes to a time-locked vault, reaches the
// Network's SAFE only after the lock-up, and comes back to the DAM at the end of the service.
func TestLiquidityFlowLocksThenReturns(t *testing.T) {
	f := newFixture(t)
	dam, vaultABI := f.damLiq, f.VaultABI
	r := f.MustSend(f.Manager, dam, f.DAMABI.PackFundNetwork(f.netLiq))
	funded, err := f.DAMABI.UnpackNetworkFundedEvent(wantEvent(t, r, f.DAMABI.GetABI().Events["NetworkFunded"].ID))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "vault balance", f.Balance(funded.Vault), 500)
	eq(t, "dam balance", f.Balance(dam), 500)
	_, err = f.Send(f.Manager, dam, f.DAMABI.PackFundNetwork(f.netLiq))
	wantRevert(t, err, bindings.DAMAlreadyFundedErrorID())

	_, err = f.Send(f.NetworkAdmin, funded.Vault, vaultABI.PackRelease())
	wantRevert(t, err, bindings.TimeLockVaultStillLockedErrorID())
	_, err = f.Send(f.Stranger, funded.Vault, vaultABI.PackRelease())
	wantRevert(t, err, bindings.TimeLockVaultNotBeneficiaryErrorID())
	// Delegators can only take out what is idle while the allocation is out.
	_, err = f.Send(f.Delegator, dam, f.DAMABI.PackRequestWithdrawal(big.NewInt(600)))
	wantRevert(t, err, bindings.DAMInsufficientLiquidityErrorID())

	f.AdvanceTime(lockup * time.Second)
	_, err = f.Send(f.Manager, funded.Vault, vaultABI.PackCancel())
	wantRevert(t, err, bindings.TimeLockVaultLockExpiredErrorID())
	r = f.MustSend(f.NetworkAdmin, funded.Vault, vaultABI.PackRelease())
	wantEvent(t, r, vaultABI.GetABI().Events["Released"].ID)
	eq(t, "network safe balance", f.Balance(f.NetworkAdmin.Addr), 500)
	_, err = f.Send(f.NetworkAdmin, funded.Vault, vaultABI.PackRelease())
	wantRevert(t, err, bindings.TimeLockVaultAlreadySettledErrorID())

	f.MustSend(f.NetworkAdmin, f.Token, f.TokenABI.PackApprove(dam, big.NewInt(500)))
	_, err = f.Send(f.NetworkAdmin, dam, f.DAMABI.PackReturnLiquidity(f.netLiq, big.NewInt(0)))
	wantRevert(t, err, bindings.DAMZeroAmountErrorID())
	r = f.MustSend(f.NetworkAdmin, dam, f.DAMABI.PackReturnLiquidity(f.netLiq, big.NewInt(500)))
	wantEvent(t, r, f.DAMABI.GetABI().Events["LiquidityReturned"].ID)
	r = f.MustSend(f.Delegator, dam, f.DAMABI.PackRequestWithdrawal(big.NewInt(1000)))
	wantEvent(t, r, f.DAMABI.GetABI().Events["Withdrawn"].ID)
	eq(t, "delegator balance", f.Balance(f.Delegator.Addr), 1000)
}

// TestGrowthFlowNetworkWithdraws: a growth allocation is released to the Network after the lock-up
// and is not returned; the manager can cancel it back to the DAM while still locked.
func TestGrowthFlowNetworkWithdraws(t *testing.T) {
	f := newFixture(t)
	f.Install(f.damGrowth, f.netGrowth, 300, f.Operator)
	f.Fund(f.Delegator, f.damGrowth, 600)
	f.MustSend(f.Delegator, f.damGrowth, f.DAMABI.PackDeposit(big.NewInt(600)))

	r := f.MustSend(f.Manager, f.damGrowth, f.DAMABI.PackFundNetwork(f.netGrowth))
	funded, _ := f.DAMABI.UnpackNetworkFundedEvent(wantEvent(t, r, f.DAMABI.GetABI().Events["NetworkFunded"].ID))
	_, err := f.Send(f.Stranger, funded.Vault, f.VaultABI.PackCancel())
	wantRevert(t, err, bindings.TimeLockVaultNotArbiterErrorID())
	f.AdvanceTime(lockup * time.Second)
	f.MustSend(f.NetworkAdmin, funded.Vault, f.VaultABI.PackRelease())
	eq(t, "network balance", f.Balance(f.NetworkAdmin.Addr), 300)
	eq(t, "dam balance", f.Balance(f.damGrowth), 300)

	// A second installation funded and cancelled while locked returns to the DAM.
	f.MustSend(f.Manager, f.damGrowth, f.DAMABI.PackUninstall(f.netGrowth))
	f.Install(f.damGrowth, f.netGrowth, 200, f.Operator)
	r = f.MustSend(f.Manager, f.damGrowth, f.DAMABI.PackFundNetwork(f.netGrowth))
	funded, _ = f.DAMABI.UnpackNetworkFundedEvent(wantEvent(t, r, f.DAMABI.GetABI().Events["NetworkFunded"].ID))
	r = f.MustSend(f.Manager, funded.Vault, f.VaultABI.PackCancel())
	wantEvent(t, r, f.VaultABI.GetABI().Events["Cancelled"].ID)
	eq(t, "dam balance after cancel", f.Balance(f.damGrowth), 300)
}

// TestCollateralPenaltyMovesNeverBurns: a penalty request moves collateral into a dispute vault; the
// manager can cancel it (back to the DAM), otherwise the Network gets it after the lock-up. The
// token supply never changes.
func TestCollateralPenaltyMovesNeverBurns(t *testing.T) {
	f := newFixture(t)
	supply := func() *big.Int {
		s, err := f.TokenABI.UnpackTotalSupply(f.Call(f.Token, f.TokenABI.PackTotalSupply()))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := supply()
	r := f.MustSend(f.NetworkAdmin, f.damColl, f.DAMABI.PackRequestCollateral(f.netColl, f.Operator.Addr, big.NewInt(100), "missed 30% of duties"))
	pen, err := f.DAMABI.UnpackPenaltyRequestedEvent(wantEvent(t, r, f.DAMABI.GetABI().Events["PenaltyRequested"].ID))
	if err != nil {
		t.Fatal(err)
	}
	if pen.Operator != f.Operator.Addr || pen.Reason != "missed 30% of duties" {
		t.Fatalf("penalty event = %+v", pen)
	}
	eq(t, "dispute vault", f.Balance(pen.Vault), 100)
	f.MustSend(f.Manager, pen.Vault, f.VaultABI.PackCancel())
	eq(t, "dam after dispute cancelled", f.Balance(f.damColl), 1000)

	r = f.MustSend(f.NetworkAdmin, f.damColl, f.DAMABI.PackRequestCollateral(f.netColl, f.Operator.Addr, big.NewInt(50), "again"))
	pen, _ = f.DAMABI.UnpackPenaltyRequestedEvent(wantEvent(t, r, f.DAMABI.GetABI().Events["PenaltyRequested"].ID))
	f.AdvanceTime(lockup * time.Second)
	f.MustSend(f.NetworkAdmin, pen.Vault, f.VaultABI.PackRelease())
	eq(t, "network after penalty", f.Balance(f.NetworkAdmin.Addr), 50)
	eq(t, "dam after penalty", f.Balance(f.damColl), 950)
	if supply().Cmp(before) != 0 {
		t.Fatalf("token supply changed: %s -> %s", before, supply())
	}
}

// TestCollateralWithdrawalTakesTwoSteps: a collateral withdrawal is requested, locked for the
// lock-up, and completed; a second request while one is pending is refused.
func TestCollateralWithdrawalTakesTwoSteps(t *testing.T) {
	f := newFixture(t)
	r := f.MustSend(f.Delegator, f.damColl, f.DAMABI.PackRequestWithdrawal(big.NewInt(400)))
	wantEvent(t, r, f.DAMABI.GetABI().Events["WithdrawalRequested"].ID)
	_, err := f.Send(f.Delegator, f.damColl, f.DAMABI.PackRequestWithdrawal(big.NewInt(1)))
	wantRevert(t, err, bindings.DAMWithdrawalPendingErrorID())
	_, err = f.Send(f.Delegator, f.damColl, f.DAMABI.PackCompleteWithdrawal())
	wantRevert(t, err, bindings.DAMWithdrawalLockedErrorID())
	f.AdvanceTime(lockup * time.Second)
	r = f.MustSend(f.Delegator, f.damColl, f.DAMABI.PackCompleteWithdrawal())
	wantEvent(t, r, f.DAMABI.GetABI().Events["Withdrawn"].ID)
	eq(t, "delegator balance", f.Balance(f.Delegator.Addr), 400)
	dep, err := f.DAMABI.UnpackDepositOf(f.Call(f.damColl, f.DAMABI.PackDepositOf(f.Delegator.Addr)))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "remaining deposit", dep, 600)
}

// TestStateChangesEmitEvents: every state-changing call of the registry and DAM emits its event.
func TestStateChangesEmitEvents(t *testing.T) {
	f := newFixture(t)
	regEv := f.RegistryABI.GetABI().Events
	damEv := f.DAMABI.GetABI().Events
	steps := []struct {
		name  string
		from  chaintest.Account
		to    common.Address
		data  []byte
		event common.Hash
	}{
		{"update task spec", f.NetworkAdmin, f.Registry, f.RegistryABI.PackUpdateTaskSpec(f.netColl, "data:,v2", [32]byte{9}), regEv["TaskSpecUpdated"].ID},
		{"whitelist operator", f.Manager, f.damColl, f.DAMABI.PackWhitelistOperator(f.Operator2.Addr), damEv["OperatorWhitelisted"].ID},
		{"remove operator", f.Manager, f.damColl, f.DAMABI.PackRemoveOperator(f.Operator2.Addr), damEv["OperatorRemoved"].ID},
		{"commit report", f.Operator, f.damColl, f.DAMABI.PackCommitReport(f.netColl, 1, 2, [32]byte{7}), damEv["ReportCommitted"].ID},
		{"request installation", f.Manager, f.damGrowth, f.DAMABI.PackRequestInstallation(f.netGrowth, []common.Address{f.Operator.Addr}, big.NewInt(100)), damEv["InstallationRequested"].ID},
		{"confirm installation", f.NetworkAdmin, f.damGrowth, f.DAMABI.PackConfirmInstallation(f.netGrowth), damEv["NetworkInstalled"].ID},
		{"uninstall", f.NetworkAdmin, f.damColl, f.DAMABI.PackUninstall(f.netColl), damEv["NetworkUninstalled"].ID},
		{"delist", f.Governance, f.Registry, f.RegistryABI.PackDelistNetwork(f.netColl), regEv["NetworkDelisted"].ID},
		{"asset whitelist", f.Governance, f.Registry, f.RegistryABI.PackSetAssetWhitelisted(f.token2, false), regEv["AssetWhitelistSet"].ID},
		{"transfer governance", f.Governance, f.Registry, f.RegistryABI.PackTransferGovernance(f.Stranger.Addr), regEv["GovernanceTransferred"].ID},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			wantEvent(t, f.MustSend(s.from, s.to, s.data), s.event)
		})
	}
	// After uninstall the operator can no longer commit reports; after delisting no new installation.
	_, err := f.Send(f.Operator, f.damColl, f.DAMABI.PackCommitReport(f.netColl, 1, 2, [32]byte{7}))
	wantRevert(t, err, bindings.DAMNotInstalledErrorID())
	_, err = f.Send(f.Manager, f.damColl, f.DAMABI.PackRequestInstallation(f.netColl, []common.Address{f.Operator.Addr}, big.NewInt(100)))
	wantRevert(t, err, bindings.DAMNetworkNotWhitelistedErrorID())
}
