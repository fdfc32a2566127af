package chaintest

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/stingerdvt/stinger/marketplace/bindings"
)

// Account is a deterministic test account.
type Account struct {
	Key  *ecdsa.PrivateKey
	Addr common.Address
}

// NewAccount derives an account from a seed string (keccak256 of the seed is the private key).
func NewAccount(seed string) Account {
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("stinger-chaintest/" + seed)))
	if err != nil {
		panic(fmt.Sprintf("derive test key %q: %v", seed, err)) // unreachable: keccak output is a valid key
	}
	return Account{Key: key, Addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// Env is a simulated chain with the marketplace contracts deployed and the test token whitelisted.
type Env struct {
	TB       testing.TB
	Backend  *simulated.Backend
	Client   simulated.Client
	ChainID  *big.Int
	Registry common.Address
	Factory  common.Address
	Token    common.Address
	// DeployBlock is the block that holds the registry deployment.
	DeployBlock uint64

	Governance, Manager, NetworkAdmin, Operator, Operator2, Delegator, Stranger Account

	RegistryABI *bindings.NetworkRegistry
	FactoryABI  *bindings.DAMFactory
	DAMABI      *bindings.DAM
	VaultABI    *bindings.TimeLockVault
	TokenABI    *bindings.TestToken

	lastTx common.Hash
}

// New starts a simulated backend, funds the accounts and deploys token, registry and factory.
func New(tb testing.TB) *Env {
	tb.Helper()
	e := newEnv(tb)
	alloc := types.GenesisAlloc{}
	eth := new(big.Int).Exp(big.NewInt(10), big.NewInt(24), nil)
	for _, a := range e.Accounts() {
		alloc[a.Addr] = types.Account{Balance: eth}
	}
	e.Backend = simulated.NewBackend(alloc, simulated.WithBlockGasLimit(60_000_000))
	tb.Cleanup(func() { _ = e.Backend.Close() })
	e.Client = e.Backend.Client()
	e.deployAll()
	return e
}

// Attach deploys the contracts on a real chain reached through client (e.g. geth --dev). The
// accounts (Accounts) must already hold ether; transactions are awaited instead of committed.
func Attach(tb testing.TB, client simulated.Client) *Env {
	tb.Helper()
	e := newEnv(tb)
	e.Client = client
	e.deployAll()
	return e
}

func newEnv(tb testing.TB) *Env {
	return &Env{
		TB:           tb,
		Governance:   NewAccount("governance"),
		Manager:      NewAccount("manager"),
		NetworkAdmin: NewAccount("network"),
		Operator:     NewAccount("operator"),
		Operator2:    NewAccount("operator2"),
		Delegator:    NewAccount("delegator"),
		Stranger:     NewAccount("stranger"),
		RegistryABI:  bindings.NewNetworkRegistry(),
		FactoryABI:   bindings.NewDAMFactory(),
		DAMABI:       bindings.NewDAM(),
		VaultABI:     bindings.NewTimeLockVault(),
		TokenABI:     bindings.NewTestToken(),
	}
}

func (e *Env) deployAll() {
	tb := e.TB
	tb.Helper()
	id, err := e.Client.ChainID(context.Background())
	if err != nil {
		tb.Fatalf("chain id: %v", err)
	}
	e.ChainID = id
	e.Token = e.Deploy(e.Governance, bindings.TestTokenMetaData.Bin, e.TokenABI.PackConstructor("Test", "TST"))
	e.Registry = e.Deploy(e.Governance, bindings.NetworkRegistryMetaData.Bin, e.RegistryABI.PackConstructor(e.Governance.Addr))
	r, err := e.Client.TransactionReceipt(context.Background(), e.lastTx)
	if err != nil {
		tb.Fatalf("registry receipt: %v", err)
	}
	e.DeployBlock = r.BlockNumber.Uint64()
	e.Factory = e.Deploy(e.Governance, bindings.DAMFactoryMetaData.Bin, e.FactoryABI.PackConstructor(e.Registry))
	e.MustSend(e.Governance, e.Registry, e.RegistryABI.PackSetAssetWhitelisted(e.Token, true))
}

// Accounts lists every test account.
func (e *Env) Accounts() []Account {
	return []Account{e.Governance, e.Manager, e.NetworkAdmin, e.Operator, e.Operator2, e.Delegator, e.Stranger}
}

// Opts returns transaction options for an account.
func (e *Env) Opts(a Account) *bind.TransactOpts {
	opts := bind.NewKeyedTransactor(a.Key, e.ChainID)
	opts.Context = context.Background()
	return opts
}

// Deploy deploys a contract, mines it and returns its address.
func (e *Env) Deploy(from Account, bin string, ctorArgs []byte) common.Address {
	e.TB.Helper()
	addr, tx, err := bind.DeployContract(e.Opts(from), common.FromHex(bin), e.Client, ctorArgs)
	if err != nil {
		e.TB.Fatalf("deploy: %v", err)
	}
	e.mine(tx)
	return addr
}

// Send sends a call to `to` from `from` and mines a block. A reverting call returns the estimation
// error (RevertSelector reads the custom error out of it) and mines nothing.
func (e *Env) Send(from Account, to common.Address, data []byte) (*types.Receipt, error) {
	e.TB.Helper()
	c := bind.NewBoundContract(to, e.DAMABI.GetABI(), e.Client, e.Client, e.Client)
	tx, err := bind.Transact(c, e.Opts(from), data)
	if err != nil {
		return nil, err
	}
	return e.mine(tx), nil
}

// MustSend is Send that fails the test on error.
func (e *Env) MustSend(from Account, to common.Address, data []byte) *types.Receipt {
	e.TB.Helper()
	r, err := e.Send(from, to, data)
	if err != nil {
		e.TB.Fatalf("send to %s: %v", to, err)
	}
	return r
}

// Call performs an eth_call at the latest block.
func (e *Env) Call(to common.Address, data []byte) []byte {
	e.TB.Helper()
	c := bind.NewBoundContract(to, e.DAMABI.GetABI(), e.Client, e.Client, e.Client)
	out, err := c.CallRaw(&bind.CallOpts{Context: context.Background()}, data)
	if err != nil {
		e.TB.Fatalf("call %s: %v", to, err)
	}
	return out
}

// mine commits a block on the simulated backend, or waits for the real chain to include tx.
func (e *Env) mine(tx *types.Transaction) *types.Receipt {
	e.TB.Helper()
	e.lastTx = tx.Hash()
	var (
		r   *types.Receipt
		err error
	)
	if e.Backend != nil {
		e.Backend.Commit()
		r, err = e.Client.TransactionReceipt(context.Background(), tx.Hash())
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		r, err = bind.WaitMined(ctx, e.Client, tx.Hash())
		cancel()
	}
	if err != nil {
		e.TB.Fatalf("receipt of %s: %v", tx.Hash(), err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		e.TB.Fatalf("transaction %s failed", tx.Hash())
	}
	return r
}

// AdvanceTime moves the clock of the next block forward and mines it.
func (e *Env) AdvanceTime(d time.Duration) {
	e.TB.Helper()
	if err := e.Backend.AdjustTime(d); err != nil {
		e.TB.Fatalf("adjust time: %v", err)
	}
	e.Backend.Commit()
}

// RevertSelector returns the 4-byte selector of the custom error carried by a reverted call's error.
func RevertSelector(err error) ([4]byte, bool) {
	var de interface{ ErrorData() interface{} }
	if !errors.As(err, &de) {
		return [4]byte{}, false
	}
	s, ok := de.ErrorData().(string)
	if !ok || !strings.HasPrefix(s, "0x") {
		return [4]byte{}, false
	}
	b, decErr := hexutil.Decode(s)
	if decErr != nil || len(b) < 4 {
		return [4]byte{}, false
	}
	return [4]byte(b[:4]), true
}

// Selector returns the first four bytes of an error ID.
func Selector(id common.Hash) [4]byte { return [4]byte(id[:4]) }
