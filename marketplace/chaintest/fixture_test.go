package chaintest_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/chaintest"
)

const lockup = 86400 // one day, in seconds

// fixture is a marketplace with one Network and one DAM of each type, the liquidity and collateral
// Networks installed with Operator, and a delegator deposit in each installed DAM.
type fixture struct {
	*chaintest.Env
	netLiq, netGrowth, netColl, netUnlisted, netOtherAsset *big.Int
	damLiq, damGrowth, damColl                             common.Address
	token2                                                 common.Address
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e := chaintest.New(t)
	f := &fixture{Env: e}
	spec := crypto.Keccak256Hash([]byte("spec"))
	f.netLiq = e.RegisterNetwork(e.Terms(chaintest.Liquidity, "data:,liq", spec))
	f.netGrowth = e.RegisterNetwork(e.Terms(chaintest.Growth, "data:,growth", spec))
	f.netColl = e.RegisterNetwork(e.Terms(chaintest.Collateral, "data:,coll", spec))
	e.MustSend(e.NetworkAdmin, e.Registry, e.RegistryABI.PackRegister(e.Terms(chaintest.Growth, "data:,x", spec)))
	f.netUnlisted = big.NewInt(4)
	f.token2 = e.Deploy(e.Governance, tokenBin(), e.TokenABI.PackConstructor("Other", "OTH"))
	e.MustSend(e.Governance, e.Registry, e.RegistryABI.PackSetAssetWhitelisted(f.token2, true))
	other := e.Terms(chaintest.Growth, "data:,other", spec)
	other.DepositAsset = f.token2
	f.netOtherAsset = e.RegisterNetwork(other)

	f.damLiq = e.CreateDAM(chaintest.Liquidity, 1000, lockup)
	f.damGrowth = e.CreateDAM(chaintest.Growth, 1000, lockup)
	f.damColl = e.CreateDAM(chaintest.Collateral, 1000, lockup)
	e.MustSend(e.Manager, f.damGrowth, e.DAMABI.PackWhitelistOperator(e.Operator.Addr))
	e.Install(f.damLiq, f.netLiq, 500, e.Operator)
	e.Install(f.damColl, f.netColl, 500, e.Operator)
	for _, dam := range []common.Address{f.damLiq, f.damColl} {
		e.Fund(e.Delegator, dam, 1000)
		e.MustSend(e.Delegator, dam, e.DAMABI.PackDeposit(big.NewInt(1000)))
	}
	return f
}
