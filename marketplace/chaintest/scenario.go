package chaintest

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stingerdvt/stinger/marketplace/bindings"
)

// DAM types as the contracts number them.
const (
	Liquidity  uint8 = 0
	Growth     uint8 = 1
	Collateral uint8 = 2
)

// Terms returns valid service terms for a Network of damType using the test token.
func (e *Env) Terms(damType uint8, uri string, specHash [32]byte) bindings.NetworkRegistryTerms {
	return bindings.NetworkRegistryTerms{
		DepositAsset:           e.Token,
		MinDeposit:             big.NewInt(100),
		AmountRequested:        big.NewInt(1000),
		OperatorsRequested:     2,
		Duration:               30 * 86400,
		DamType:                damType,
		RewardToken:            e.Token,
		RewardPerDeposit:       big.NewInt(1),
		RewardPerDayOperated:   big.NewInt(10),
		RewardPerDayCollateral: big.NewInt(5),
		PenaltyTerms:           "downtime over 10% per day: 1% of collateral",
		TaskSpecURI:            uri,
		TaskSpecHash:           specHash,
	}
}

// RegisterNetwork registers and whitelists a Network, returning its id.
func (e *Env) RegisterNetwork(terms bindings.NetworkRegistryTerms) *big.Int {
	e.TB.Helper()
	r := e.MustSend(e.NetworkAdmin, e.Registry, e.RegistryABI.PackRegister(terms))
	ev := e.findLog(r, func(l *types.Log) bool {
		_, err := e.RegistryABI.UnpackNetworkRegisteredEvent(l)
		return err == nil
	})
	reg, _ := e.RegistryABI.UnpackNetworkRegisteredEvent(ev)
	e.MustSend(e.Governance, e.Registry, e.RegistryABI.PackWhitelistNetwork(reg.NetworkId))
	return reg.NetworkId
}

// CreateDAM creates a DAM managed by Manager and returns its address.
func (e *Env) CreateDAM(damType uint8, feeBps uint16, lockup uint64) common.Address {
	e.TB.Helper()
	r := e.MustSend(e.Manager, e.Factory, e.FactoryABI.PackCreateDAM(damType, feeBps, e.Token, lockup))
	ev := e.findLog(r, func(l *types.Log) bool {
		_, err := e.FactoryABI.UnpackDAMCreatedEvent(l)
		return err == nil
	})
	created, _ := e.FactoryABI.UnpackDAMCreatedEvent(ev)
	return created.Dam
}

// Install whitelists the operators in the DAM, requests the Network's installation and confirms it.
func (e *Env) Install(dam common.Address, networkID *big.Int, allocation int64, ops ...Account) {
	e.TB.Helper()
	addrs := make([]common.Address, 0, len(ops))
	for _, op := range ops {
		ok, err := e.DAMABI.UnpackOperatorWhitelisted(e.Call(dam, e.DAMABI.PackOperatorWhitelisted(op.Addr)))
		if err != nil {
			e.TB.Fatalf("operatorWhitelisted: %v", err)
		}
		if !ok {
			e.MustSend(e.Manager, dam, e.DAMABI.PackWhitelistOperator(op.Addr))
		}
		addrs = append(addrs, op.Addr)
	}
	e.MustSend(e.Manager, dam, e.DAMABI.PackRequestInstallation(networkID, addrs, big.NewInt(allocation)))
	e.MustSend(e.NetworkAdmin, dam, e.DAMABI.PackConfirmInstallation(networkID))
}

// Fund mints tokens to an account and approves `spender` for them.
func (e *Env) Fund(a Account, spender common.Address, amount int64) {
	e.TB.Helper()
	e.MustSend(a, e.Token, e.TokenABI.PackMint(a.Addr, big.NewInt(amount)))
	e.MustSend(a, e.Token, e.TokenABI.PackApprove(spender, big.NewInt(amount)))
}

// Balance returns the test-token balance of an address.
func (e *Env) Balance(addr common.Address) *big.Int {
	e.TB.Helper()
	b, err := e.TokenABI.UnpackBalanceOf(e.Call(e.Token, e.TokenABI.PackBalanceOf(addr)))
	if err != nil {
		e.TB.Fatalf("balanceOf: %v", err)
	}
	return b
}

func (e *Env) findLog(r *types.Receipt, match func(*types.Log) bool) *types.Log {
	e.TB.Helper()
	for _, l := range r.Logs {
		if match(l) {
			return l
		}
	}
	e.TB.Fatalf("event not found in receipt of %s", r.TxHash)
	return nil
}
