package chaintest_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/marketplace/bindings"
	"github.com/stingerdvt/stinger/marketplace/chaintest"
)

type revertCase struct {
	name string
	from func(f *fixture) chaintest.Account
	to   func(f *fixture) common.Address
	data func(f *fixture) []byte
	want common.Hash
}

func registryCases() []revertCase {
	reg := func(f *fixture) common.Address { return f.Registry }
	gov := func(f *fixture) chaintest.Account { return f.Governance }
	admin := func(f *fixture) chaintest.Account { return f.NetworkAdmin }
	stranger := func(f *fixture) chaintest.Account { return f.Stranger }
	terms := func(f *fixture, mut func(*bindings.NetworkRegistryTerms)) []byte {
		t := f.Terms(chaintest.Growth, "data:,t", [32]byte{1})
		mut(&t)
		return f.RegistryABI.PackRegister(t)
	}
	return []revertCase{
		{"registry/whitelist by non-governance", stranger, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackWhitelistNetwork(f.netUnlisted) }, bindings.NetworkRegistryNotGovernanceErrorID()},
		{"registry/asset whitelist by non-governance", stranger, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackSetAssetWhitelisted(f.Stranger.Addr, true) }, bindings.NetworkRegistryNotGovernanceErrorID()},
		{"registry/zero asset", gov, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackSetAssetWhitelisted(common.Address{}, true) }, bindings.NetworkRegistryZeroAddressErrorID()},
		{"registry/governance to zero", gov, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackTransferGovernance(common.Address{}) }, bindings.NetworkRegistryZeroAddressErrorID()},
		{"registry/asset not whitelisted", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.DepositAsset = f.Stranger.Addr })
		}, bindings.NetworkRegistryAssetNotWhitelistedErrorID()},
		{"registry/invalid dam type", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.DamType = 3 })
		}, bindings.NetworkRegistryInvalidDAMTypeErrorID()},
		{"registry/zero min deposit", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.MinDeposit = big.NewInt(0) })
		}, bindings.NetworkRegistryZeroMinDepositErrorID()},
		{"registry/amount below min deposit", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.AmountRequested = big.NewInt(99) })
		}, bindings.NetworkRegistryAmountBelowMinDepositErrorID()},
		{"registry/zero operators", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.OperatorsRequested = 0 })
		}, bindings.NetworkRegistryZeroOperatorsRequestedErrorID()},
		{"registry/zero duration", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.Duration = 0 })
		}, bindings.NetworkRegistryZeroDurationErrorID()},
		{"registry/zero reward token", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.RewardToken = common.Address{} })
		}, bindings.NetworkRegistryZeroAddressErrorID()},
		{"registry/empty task spec uri", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.TaskSpecURI = "" })
		}, bindings.NetworkRegistryEmptyTaskSpecURIErrorID()},
		{"registry/zero task spec hash", admin, reg, func(f *fixture) []byte {
			return terms(f, func(t *bindings.NetworkRegistryTerms) { t.TaskSpecHash = [32]byte{} })
		}, bindings.NetworkRegistryZeroTaskSpecHashErrorID()},
		{"registry/whitelist unknown network", gov, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackWhitelistNetwork(big.NewInt(999)) }, bindings.NetworkRegistryUnknownNetworkErrorID()},
		{"registry/whitelist twice", gov, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackWhitelistNetwork(f.netLiq) }, bindings.NetworkRegistryAlreadyWhitelistedErrorID()},
		{"registry/delist not whitelisted", gov, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackDelistNetwork(f.netUnlisted) }, bindings.NetworkRegistryNotWhitelistedErrorID()},
		{"registry/task spec update by non-admin", stranger, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackUpdateTaskSpec(f.netLiq, "data:,y", [32]byte{2}) }, bindings.NetworkRegistryNotNetworkAdminErrorID()},
		{"registry/task spec update empty uri", admin, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackUpdateTaskSpec(f.netLiq, "", [32]byte{2}) }, bindings.NetworkRegistryEmptyTaskSpecURIErrorID()},
		{"registry/task spec update zero hash", admin, reg,
			func(f *fixture) []byte { return f.RegistryABI.PackUpdateTaskSpec(f.netLiq, "data:,y", [32]byte{}) }, bindings.NetworkRegistryZeroTaskSpecHashErrorID()},
	}
}

func factoryCases() []revertCase {
	fac := func(f *fixture) common.Address { return f.Factory }
	mgr := func(f *fixture) chaintest.Account { return f.Manager }
	return []revertCase{
		{"factory/invalid dam type", mgr, fac,
			func(f *fixture) []byte { return f.FactoryABI.PackCreateDAM(3, 0, f.Token, lockup) }, bindings.DAMFactoryInvalidDAMTypeErrorID()},
		{"factory/asset not whitelisted", mgr, fac,
			func(f *fixture) []byte { return f.FactoryABI.PackCreateDAM(0, 0, f.Stranger.Addr, lockup) }, bindings.DAMFactoryAssetNotWhitelistedErrorID()},
		{"factory/fee too high", mgr, fac,
			func(f *fixture) []byte { return f.FactoryABI.PackCreateDAM(0, 5001, f.Token, lockup) }, bindings.DAMFactoryFeeTooHighErrorID()},
		{"factory/zero lockup", mgr, fac,
			func(f *fixture) []byte { return f.FactoryABI.PackCreateDAM(0, 0, f.Token, 0) }, bindings.DAMFactoryZeroLockupErrorID()},
	}
}

func tokenCases() []revertCase {
	tok := func(f *fixture) common.Address { return f.Token }
	stranger := func(f *fixture) chaintest.Account { return f.Stranger }
	return []revertCase{
		{"token/transfer over balance", stranger, tok,
			func(f *fixture) []byte { return f.TokenABI.PackTransfer(f.Manager.Addr, big.NewInt(1)) }, bindings.TestTokenInsufficientBalanceErrorID()},
		{"token/transferFrom over allowance", stranger, tok,
			func(f *fixture) []byte {
				return f.TokenABI.PackTransferFrom(f.Delegator.Addr, f.Stranger.Addr, big.NewInt(1))
			}, bindings.TestTokenInsufficientAllowanceErrorID()},
		{"token/transfer to zero", stranger, tok,
			func(f *fixture) []byte { return f.TokenABI.PackTransfer(common.Address{}, big.NewInt(0)) }, bindings.TestTokenZeroAddressErrorID()},
		{"token/mint to zero", stranger, tok,
			func(f *fixture) []byte { return f.TokenABI.PackMint(common.Address{}, big.NewInt(1)) }, bindings.TestTokenZeroAddressErrorID()},
	}
}

// TestRevertReasons checks that every rule of the contracts rejects a violating call with its custom
// error (decoded from the revert data), and that the rejected call changes nothing.
func TestRevertReasons(t *testing.T) {
	f := newFixture(t)
	cases := append(append(append(append(registryCases(), factoryCases()...), damAdminCases()...), damFlowCases()...), tokenCases()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, err := f.Client.BlockNumber(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Send(tc.from(f), tc.to(f), tc.data(f))
			if err == nil {
				t.Fatalf("call succeeded, want revert with selector %x", tc.want[:4])
			}
			sel, ok := chaintest.RevertSelector(err)
			if !ok {
				t.Fatalf("no custom error in %v", err)
			}
			if sel != chaintest.Selector(tc.want) {
				t.Fatalf("reverted with %x, want %x (%v)", sel, tc.want[:4], err)
			}
			after, err := f.Client.BlockNumber(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Fatalf("a reverted call mined a block (%d -> %d)", before, after)
			}
		})
	}
}
