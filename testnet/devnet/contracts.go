package devnet

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/stingerdvt/stinger/marketplace/bindings"
)

// DAM types as the reference contracts number them.
const damCollateral uint8 = 2

// account is a devnet chain account with a key derived from a fixed seed (devnet only: public keys).
type account struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

func devAccount(seed string) (account, error) {
	k, err := ethcrypto.ToECDSA(ethcrypto.Keccak256([]byte("stinger-devnet/" + seed)))
	if err != nil {
		return account{}, fmt.Errorf("derive devnet account %q: %w", seed, err)
	}
	return account{key: k, addr: ethcrypto.PubkeyToAddress(k.PublicKey)}, nil
}

// deployer sends the marketplace set-up transactions and waits for each to be mined.
type deployer struct {
	ctx     context.Context
	client  *ethclient.Client
	chainID *big.Int
}

func (d *deployer) opts(a account) *bind.TransactOpts {
	o := bind.NewKeyedTransactor(a.key, d.chainID)
	o.Context = d.ctx
	return o
}

func (d *deployer) wait(tx *types.Transaction, what string) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(d.ctx, 60*time.Second)
	defer cancel()
	r, err := bind.WaitMined(ctx, d.client, tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("%s: wait for transaction %s: %w", what, tx.Hash(), err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("%s: transaction %s reverted", what, tx.Hash())
	}
	return r, nil
}

func (d *deployer) deploy(from account, bin string, ctor []byte, what string) (common.Address, *types.Receipt, error) {
	addr, tx, err := bind.DeployContract(d.opts(from), common.FromHex(bin), d.client, ctor)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy %s: %w", what, err)
	}
	r, err := d.wait(tx, "deploy "+what)
	return addr, r, err
}

func (d *deployer) send(from account, to common.Address, contractABI abi.ABI, data []byte, what string) (*types.Receipt, error) {
	c := bind.NewBoundContract(to, contractABI, d.client, d.client, d.client)
	tx, err := bind.Transact(c, d.opts(from), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return d.wait(tx, what)
}

// fund sends ether from geth's unlocked dev account to each address.
func fund(ctx context.Context, rpcURL string, addrs ...common.Address) error {
	c, err := rpc.DialContext(ctx, rpcURL)
	if err != nil {
		return fmt.Errorf("fund devnet accounts: %w", err)
	}
	defer c.Close()
	var dev []common.Address
	if err := c.CallContext(ctx, &dev, "eth_accounts"); err != nil || len(dev) == 0 {
		return fmt.Errorf("fund devnet accounts: geth has no unlocked dev account (%v)", err)
	}
	value := (*hexutil.Big)(new(big.Int).Exp(big.NewInt(10), big.NewInt(21), nil))
	var last common.Hash
	for _, to := range addrs {
		tx := map[string]any{"from": dev[0], "to": to, "value": value}
		if err := c.CallContext(ctx, &last, "eth_sendTransaction", tx); err != nil {
			return fmt.Errorf("fund %s: %w", to, err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := bind.WaitMined(wctx, ethclient.NewClient(c), last); err != nil {
		return fmt.Errorf("fund devnet accounts: wait for %s: %w", last, err)
	}
	return nil
}

// validatorTaskSpec is the devnet Network's task: run the distributed validator itself.
const validatorTaskSpec = `{"kind":"validator"}`

// deployMarketplace deploys the reference contracts, registers and whitelists a validator Network,
// creates a collateral DAM that whitelists every operator, and installs the Network into it.
func deployMarketplace(ctx context.Context, info *ChainInfo, operators []common.Address) error {
	client, err := ethclient.DialContext(ctx, info.RPC)
	if err != nil {
		return fmt.Errorf("dial geth: %w", err)
	}
	defer client.Close()
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("chain id: %w", err)
	}
	info.ChainID = chainID.Uint64()
	gov, err1 := devAccount("governance")
	mgr, err2 := devAccount("manager")
	netAdmin, err3 := devAccount("network")
	if err := firstErr(err1, err2, err3); err != nil {
		return err
	}
	if err := fund(ctx, info.RPC, gov.addr, mgr.addr, netAdmin.addr); err != nil {
		return err
	}
	d := &deployer{ctx: ctx, client: client, chainID: chainID}
	reg, tok, fac, dam := bindings.NewNetworkRegistry(), bindings.NewTestToken(), bindings.NewDAMFactory(), bindings.NewDAM()

	token, _, err := d.deploy(gov, bindings.TestTokenMetaData.Bin, tok.PackConstructor("Devnet", "DEV"), "test token")
	if err != nil {
		return err
	}
	registry, r, err := d.deploy(gov, bindings.NetworkRegistryMetaData.Bin, reg.PackConstructor(gov.addr), "NetworkRegistry")
	if err != nil {
		return err
	}
	info.DeployBlock = r.BlockNumber.Uint64()
	factory, _, err := d.deploy(gov, bindings.DAMFactoryMetaData.Bin, fac.PackConstructor(registry), "DAMFactory")
	if err != nil {
		return err
	}
	info.Token, info.Registry, info.Factory = token.Hex(), registry.Hex(), factory.Hex()
	if _, err := d.send(gov, registry, reg.GetABI(), reg.PackSetAssetWhitelisted(token, true), "whitelist asset"); err != nil {
		return err
	}
	terms := bindings.NetworkRegistryTerms{
		DepositAsset: token, MinDeposit: big.NewInt(100), AmountRequested: big.NewInt(1000),
		OperatorsRequested: uint32(len(operators)), Duration: 30 * 86400, DamType: damCollateral,
		RewardToken: token, RewardPerDeposit: big.NewInt(1), RewardPerDayOperated: big.NewInt(10),
		RewardPerDayCollateral: big.NewInt(5), PenaltyTerms: "devnet: none",
		TaskSpecURI:  "data:application/json," + url.PathEscape(validatorTaskSpec),
		TaskSpecHash: ethcrypto.Keccak256Hash([]byte(validatorTaskSpec)),
	}
	r, err = d.send(netAdmin, registry, reg.GetABI(), reg.PackRegister(terms), "register Network")
	if err != nil {
		return err
	}
	var networkID *big.Int
	for _, l := range r.Logs {
		if ev, err := reg.UnpackNetworkRegisteredEvent(l); err == nil {
			networkID = ev.NetworkId
		}
	}
	if networkID == nil {
		return fmt.Errorf("register Network: no NetworkRegistered event in %s", r.TxHash)
	}
	info.NetworkID = networkID.String()
	if _, err := d.send(gov, registry, reg.GetABI(), reg.PackWhitelistNetwork(networkID), "whitelist Network"); err != nil {
		return err
	}
	r, err = d.send(mgr, factory, fac.GetABI(), fac.PackCreateDAM(damCollateral, 500, token, 86400), "create DAM")
	if err != nil {
		return err
	}
	var damAddr common.Address
	for _, l := range r.Logs {
		if ev, err := fac.UnpackDAMCreatedEvent(l); err == nil {
			damAddr = ev.Dam
		}
	}
	if damAddr == (common.Address{}) {
		return fmt.Errorf("create DAM: no DAMCreated event in %s", r.TxHash)
	}
	info.DAM = damAddr.Hex()
	for _, op := range operators {
		if _, err := d.send(mgr, damAddr, dam.GetABI(), dam.PackWhitelistOperator(op), "whitelist operator "+op.Hex()); err != nil {
			return err
		}
	}
	if _, err := d.send(mgr, damAddr, dam.GetABI(), dam.PackRequestInstallation(networkID, operators, big.NewInt(1000)), "request installation"); err != nil {
		return err
	}
	_, err = d.send(netAdmin, damAddr, dam.GetABI(), dam.PackConfirmInstallation(networkID), "confirm installation")
	return err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
