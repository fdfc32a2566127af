// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// NetworkRegistryTerms is an auto generated low-level Go binding around an user-defined struct.
type NetworkRegistryTerms struct {
	DepositAsset           common.Address
	MinDeposit             *big.Int
	AmountRequested        *big.Int
	OperatorsRequested     uint32
	Duration               uint64
	DamType                uint8
	RewardToken            common.Address
	RewardPerDeposit       *big.Int
	RewardPerDayOperated   *big.Int
	RewardPerDayCollateral *big.Int
	PenaltyTerms           string
	TaskSpecURI            string
	TaskSpecHash           [32]byte
}

// NetworkRegistryMetaData contains all meta data concerning the NetworkRegistry contract.
var NetworkRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"governance_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"AlreadyWhitelisted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amountRequested\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minDeposit\",\"type\":\"uint256\"}],\"name\":\"AmountBelowMinDeposit\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"asset\",\"type\":\"address\"}],\"name\":\"AssetNotWhitelisted\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyTaskSpecURI\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"damType\",\"type\":\"uint8\"}],\"name\":\"InvalidDAMType\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotGovernance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotNetworkAdmin\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"NotWhitelisted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"UnknownNetwork\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroDuration\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroMinDeposit\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroOperatorsRequested\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroTaskSpecHash\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"asset\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"whitelisted\",\"type\":\"bool\"}],\"name\":\"AssetWhitelistSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previous\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"GovernanceTransferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"NetworkDelisted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"admin\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"depositAsset\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"minDeposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amountRequested\",\"type\":\"uint256\"},{\"internalType\":\"uint32\",\"name\":\"operatorsRequested\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"duration\",\"type\":\"uint64\"},{\"internalType\":\"uint8\",\"name\":\"damType\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"rewardToken\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDeposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDayOperated\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDayCollateral\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"penaltyTerms\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"taskSpecURI\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"taskSpecHash\",\"type\":\"bytes32\"}],\"indexed\":false,\"internalType\":\"structNetworkRegistry.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"NetworkRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"NetworkWhitelisted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"taskSpecURI\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"taskSpecHash\",\"type\":\"bytes32\"}],\"name\":\"TaskSpecUpdated\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"assetWhitelisted\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"delistNetwork\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"governance\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"networkAdmin\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"networkCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"networkWhitelisted\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"depositAsset\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"minDeposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amountRequested\",\"type\":\"uint256\"},{\"internalType\":\"uint32\",\"name\":\"operatorsRequested\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"duration\",\"type\":\"uint64\"},{\"internalType\":\"uint8\",\"name\":\"damType\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"rewardToken\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDeposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDayOperated\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDayCollateral\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"penaltyTerms\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"taskSpecURI\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"taskSpecHash\",\"type\":\"bytes32\"}],\"internalType\":\"structNetworkRegistry.Terms\",\"name\":\"t\",\"type\":\"tuple\"}],\"name\":\"register\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"asset\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"whitelisted\",\"type\":\"bool\"}],\"name\":\"setAssetWhitelisted\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"terms\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"depositAsset\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"minDeposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amountRequested\",\"type\":\"uint256\"},{\"internalType\":\"uint32\",\"name\":\"operatorsRequested\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"duration\",\"type\":\"uint64\"},{\"internalType\":\"uint8\",\"name\":\"damType\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"rewardToken\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDeposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDayOperated\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardPerDayCollateral\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"penaltyTerms\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"taskSpecURI\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"taskSpecHash\",\"type\":\"bytes32\"}],\"internalType\":\"structNetworkRegistry.Terms\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"transferGovernance\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"uri\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"}],\"name\":\"updateTaskSpec\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"networkId\",\"type\":\"uint256\"}],\"name\":\"whitelistNetwork\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "NetworkRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b50604051611416380380611416833981016040819052602b91609d565b6001600160a01b03811660515760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0319166001600160a01b03831690811782556040519091907f5f56bee8cffbe9a78652a74a60705edede02af10b0bbb888ca44b79a0d42ce80908290a35060c8565b5f6020828403121560ac575f5ffd5b81516001600160a01b038116811460c1575f5ffd5b9392505050565b611341806100d55f395ff3fe608060405234801561000f575f5ffd5b50600436106100b1575f3560e01c80639fdf1d761161006e5780639fdf1d7614610177578063a61b51391461018a578063b90ef3e11461019d578063c0aa0e8a146101c5578063d38bfff4146101e5578063f983784a146101f8575f5ffd5b8063129c573b146100b557806317a5c6a9146100ec57806319942ae71461010157806319cdff59146101185780635aa6e6751461013a5780637e11b97114610164575b5f5ffd5b6100d76100c3366004610b05565b60056020525f908152604090205460ff1681565b60405190151581526020015b60405180910390f35b6100ff6100fa366004610b05565b61020b565b005b61010a60015481565b6040519081526020016100e3565b6100d7610126366004610b40565b60026020525f908152604090205460ff1681565b5f5461014c906001600160a01b031681565b6040516001600160a01b0390911681526020016100e3565b6100ff610172366004610b05565b6102e7565b61010a610185366004610b62565b610383565b6100ff610198366004610b9a565b61041e565b61014c6101ab366004610b05565b60046020525f90815260409020546001600160a01b031681565b6101d86101d3366004610b05565b61050f565b6040516100e39190610c46565b6100ff6101f3366004610b40565b6107a4565b6100ff610206366004610d3f565b610850565b5f546001600160a01b0316331461023c5760405163988d1f0360e01b81523360048201526024015b60405180910390fd5b5f818152600460205260409020546001600160a01b03166102735760405163b9d6f1b160e01b815260048101829052602401610233565b5f8181526005602052604090205460ff16156102a557604051638b6a2cd360e01b815260048101829052602401610233565b5f81815260056020526040808220805460ff191660011790555182917f65b14ac7161188637887ec075aef988594058702d824dc8b25855880639ce89c91a250565b5f546001600160a01b031633146103135760405163988d1f0360e01b8152336004820152602401610233565b5f8181526005602052604090205460ff1661034457604051636f286a7160e01b815260048101829052602401610233565b5f81815260056020526040808220805460ff191690555182917f2d706a5453568b0ebb78c35ae5ffbdbeedb85a8b85e38b05c4ba631f8fbfdabe91a250565b5f61038d82610901565b60015f815461039b90610d7a565b91829055505f81815260036020526040902090915082906103bc8282610fc4565b50505f818152600460205260409081902080546001600160a01b03191633908117909155905182907f77d2e278cfb55fce1df52349aa99ed0acef8724c04a428615b1042bb2b6663929061041190869061118a565b60405180910390a3919050565b5f848152600460205260409020546001600160a01b0316331461045d5760405163b8d6485560e01b815260048101859052336024820152604401610233565b5f82900361047e5760405163be0501eb60e01b815260040160405180910390fd5b8061049c57604051631c8a391560e31b815260040160405180910390fd5b5f8481526003602052604090206009016104b7838583610f0a565b505f8481526003602052604090819020600a018290555184907fe8f3d5ac94a74a3a1781f0f858aee2e2e6026743629aaa0d758d0b8f30c67c7a90610501908690869086906112c0565b60405180910390a250505050565b610594604051806101a001604052805f6001600160a01b031681526020015f81526020015f81526020015f63ffffffff1681526020015f67ffffffffffffffff1681526020015f60ff1681526020015f6001600160a01b031681526020015f81526020015f81526020015f815260200160608152602001606081526020015f81525090565b5f828152600460205260409020546001600160a01b03166105cb5760405163b9d6f1b160e01b815260048101839052602401610233565b5f8281526003602081815260409283902083516101a08101855281546001600160a01b0390811682526001830154938201939093526002820154948101949094529182015463ffffffff81166060850152640100000000810467ffffffffffffffff166080850152600160601b900460ff1660a084015260048201541660c0830152600581015460e0830152600681015461010083015260078101546101208301526008810180546101408401919061068390610e86565b80601f01602080910402602001604051908101604052809291908181526020018280546106af90610e86565b80156106fa5780601f106106d1576101008083540402835291602001916106fa565b820191905f5260205f20905b8154815290600101906020018083116106dd57829003601f168201915b5050505050815260200160098201805461071390610e86565b80601f016020809104026020016040519081016040528092919081815260200182805461073f90610e86565b801561078a5780601f106107615761010080835404028352916020019161078a565b820191905f5260205f20905b81548152906001019060200180831161076d57829003601f168201915b50505050508152602001600a820154815250509050919050565b5f546001600160a01b031633146107d05760405163988d1f0360e01b8152336004820152602401610233565b6001600160a01b0381166107f75760405163d92e233d60e01b815260040160405180910390fd5b5f80546040516001600160a01b03808516939216917f5f56bee8cffbe9a78652a74a60705edede02af10b0bbb888ca44b79a0d42ce8091a35f80546001600160a01b0319166001600160a01b0392909216919091179055565b5f546001600160a01b0316331461087c5760405163988d1f0360e01b8152336004820152602401610233565b6001600160a01b0382166108a35760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b0382165f81815260026020908152604091829020805460ff191685151590811790915591519182527fb7259c847d5744bbcca4f3252f5f5370e85209e35435114d02dc121c24ee0ed3910160405180910390a25050565b60025f6109116020840184610b40565b6001600160a01b0316815260208101919091526040015f205460ff166109635761093e6020820182610b40565b60405163067c259360e41b81526001600160a01b039091166004820152602401610233565b600261097560c0830160a084016112e3565b60ff1611156109ad5761098e60c0820160a083016112e3565b60405163a0782ac160e01b815260ff9091166004820152602401610233565b80602001355f036109d157604051631071214360e31b815260040160405180910390fd5b806020013581604001351015610a0a576040805163d0f23fa160e01b815290820135600482015260208201356024820152604401610233565b610a1a60808201606083016112fe565b63ffffffff165f03610a3f57604051630ca9d68d60e41b815260040160405180910390fd5b610a4f60a0820160808301611319565b67ffffffffffffffff165f03610a785760405163346ab43760e11b815260040160405180910390fd5b5f610a8960e0830160c08401610b40565b6001600160a01b031603610ab05760405163d92e233d60e01b815260040160405180910390fd5b610abe610160820182610e28565b90505f03610adf5760405163be0501eb60e01b815260040160405180910390fd5b610180810135610b0257604051631c8a391560e31b815260040160405180910390fd5b50565b5f60208284031215610b15575f5ffd5b5035919050565b6001600160a01b0381168114610b02575f5ffd5b8035610b3b81610b1c565b919050565b5f60208284031215610b50575f5ffd5b8135610b5b81610b1c565b9392505050565b5f60208284031215610b72575f5ffd5b813567ffffffffffffffff811115610b88575f5ffd5b82016101a08185031215610b5b575f5ffd5b5f5f5f5f60608587031215610bad575f5ffd5b84359350602085013567ffffffffffffffff811115610bca575f5ffd5b8501601f81018713610bda575f5ffd5b803567ffffffffffffffff811115610bf0575f5ffd5b876020828401011115610c01575f5ffd5b949760209190910196509394604001359392505050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b60208152610c606020820183516001600160a01b03169052565b60208201516040820152604082015160608201525f6060830151610c8c608084018263ffffffff169052565b50608083015167ffffffffffffffff811660a08401525060a083015160ff811660c08401525060c08301516001600160a01b03811660e08401525060e08301516101008301526101008301516101208301526101208301516101408301526101408301516101a0610160840152610d076101c0840182610c18565b9050610160840151601f1984830301610180850152610d268282610c18565b9150506101808401516101a08401528091505092915050565b5f5f60408385031215610d50575f5ffd5b8235610d5b81610b1c565b915060208301358015158114610d6f575f5ffd5b809150509250929050565b5f60018201610d9757634e487b7160e01b5f52601160045260245ffd5b5060010190565b5f8135610daa81610b1c565b92915050565b80546001600160a01b0319166001600160a01b0392909216919091179055565b63ffffffff81168114610b02575f5ffd5b5f8135610daa81610dd0565b67ffffffffffffffff81168114610b02575f5ffd5b5f8135610daa81610ded565b60ff81168114610b02575f5ffd5b5f8135610daa81610e0e565b5f5f8335601e19843603018112610e3d575f5ffd5b83018035915067ffffffffffffffff821115610e57575f5ffd5b602001915036819003821315610e6b575f5ffd5b9250929050565b634e487b7160e01b5f52604160045260245ffd5b600181811c90821680610e9a57607f821691505b602082108103610eb857634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610f0557805f5260205f20601f840160051c81016020851015610ee35750805b601f840160051c820191505b81811015610f02575f8155600101610eef565b50505b505050565b67ffffffffffffffff831115610f2257610f22610e72565b610f3683610f308354610e86565b83610ebe565b5f601f841160018114610f67575f8515610f505750838201355b5f19600387901b1c1916600186901b178355610f02565b5f83815260208120601f198716915b82811015610f965786850135825560209485019460019092019101610f76565b5086821015610fb2575f1960f88860031b161c19848701351681555b505060018560011b0183555050505050565b610fd6610fd083610d9e565b82610db0565b602082013560018201556040820135600282015560038101611014610ffd60608501610de1565b825463ffffffff191663ffffffff91909116178255565b61104d61102360808501610e02565b82546bffffffffffffffff00000000191660209190911b6bffffffffffffffff0000000016178255565b61107a61105c60a08501610e1c565b82805460ff60601b191660609290921b60ff60601b16919091179055565b5061109361108a60c08401610d9e565b60048301610db0565b60e08201356005820155610100820135600682015561012082013560078201556110c1610140830183610e28565b6110cf818360088601610f0a565b50506110df610160830183610e28565b6110ed818360098601610f0a565b50506101809190910135600a90910155565b8035610b3b81610dd0565b8035610b3b81610ded565b8035610b3b81610e0e565b5f5f8335601e19843603018112611135575f5ffd5b830160208101925035905067ffffffffffffffff811115611154575f5ffd5b803603821315610e6b575f5ffd5b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b602081526111ab6020820161119e84610b30565b6001600160a01b03169052565b60208201356040828101919091528201356060808301919091525f906111d29084016110ff565b63ffffffff81166080840152506111eb6080840161110a565b67ffffffffffffffff811660a08401525061120860a08401611115565b60ff811660c08401525061121e60c08401610b30565b6001600160a01b03811660e08401525060e083013561010083810191909152830135610120808401919091528301356101408084019190915261126390840184611120565b6101a061016085015261127b6101c085018284611162565b91505061128c610160850185611120565b848303601f19016101808601526112a4838284611162565b61018096909601356101a0959095019490945250929392505050565b604081525f6112d3604083018587611162565b9050826020830152949350505050565b5f602082840312156112f3575f5ffd5b8135610b5b81610e0e565b5f6020828403121561130e575f5ffd5b8135610b5b81610dd0565b5f60208284031215611329575f5ffd5b8135610b5b81610ded56fea164736f6c634300081e000a",
}

// NetworkRegistry is an auto generated Go binding around an Ethereum contract.
type NetworkRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *NetworkRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewNetworkRegistry creates a new instance of NetworkRegistry.
func NewNetworkRegistry() *NetworkRegistry {
	parsed, err := NetworkRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &NetworkRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *NetworkRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address governance_) returns()
func (networkRegistry *NetworkRegistry) PackConstructor(governance_ common.Address) []byte {
	enc, err := networkRegistry.abi.Pack("", governance_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAssetWhitelisted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x19cdff59.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function assetWhitelisted(address ) view returns(bool)
func (networkRegistry *NetworkRegistry) PackAssetWhitelisted(arg0 common.Address) []byte {
	enc, err := networkRegistry.abi.Pack("assetWhitelisted", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAssetWhitelisted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x19cdff59.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function assetWhitelisted(address ) view returns(bool)
func (networkRegistry *NetworkRegistry) TryPackAssetWhitelisted(arg0 common.Address) ([]byte, error) {
	return networkRegistry.abi.Pack("assetWhitelisted", arg0)
}

// UnpackAssetWhitelisted is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x19cdff59.
//
// Solidity: function assetWhitelisted(address ) view returns(bool)
func (networkRegistry *NetworkRegistry) UnpackAssetWhitelisted(data []byte) (bool, error) {
	out, err := networkRegistry.abi.Unpack("assetWhitelisted", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackDelistNetwork is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7e11b971.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function delistNetwork(uint256 networkId) returns()
func (networkRegistry *NetworkRegistry) PackDelistNetwork(networkId *big.Int) []byte {
	enc, err := networkRegistry.abi.Pack("delistNetwork", networkId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDelistNetwork is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7e11b971.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function delistNetwork(uint256 networkId) returns()
func (networkRegistry *NetworkRegistry) TryPackDelistNetwork(networkId *big.Int) ([]byte, error) {
	return networkRegistry.abi.Pack("delistNetwork", networkId)
}

// PackGovernance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5aa6e675.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function governance() view returns(address)
func (networkRegistry *NetworkRegistry) PackGovernance() []byte {
	enc, err := networkRegistry.abi.Pack("governance")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGovernance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5aa6e675.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function governance() view returns(address)
func (networkRegistry *NetworkRegistry) TryPackGovernance() ([]byte, error) {
	return networkRegistry.abi.Pack("governance")
}

// UnpackGovernance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5aa6e675.
//
// Solidity: function governance() view returns(address)
func (networkRegistry *NetworkRegistry) UnpackGovernance(data []byte) (common.Address, error) {
	out, err := networkRegistry.abi.Unpack("governance", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackNetworkAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb90ef3e1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function networkAdmin(uint256 ) view returns(address)
func (networkRegistry *NetworkRegistry) PackNetworkAdmin(arg0 *big.Int) []byte {
	enc, err := networkRegistry.abi.Pack("networkAdmin", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNetworkAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb90ef3e1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function networkAdmin(uint256 ) view returns(address)
func (networkRegistry *NetworkRegistry) TryPackNetworkAdmin(arg0 *big.Int) ([]byte, error) {
	return networkRegistry.abi.Pack("networkAdmin", arg0)
}

// UnpackNetworkAdmin is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb90ef3e1.
//
// Solidity: function networkAdmin(uint256 ) view returns(address)
func (networkRegistry *NetworkRegistry) UnpackNetworkAdmin(data []byte) (common.Address, error) {
	out, err := networkRegistry.abi.Unpack("networkAdmin", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackNetworkCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x19942ae7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function networkCount() view returns(uint256)
func (networkRegistry *NetworkRegistry) PackNetworkCount() []byte {
	enc, err := networkRegistry.abi.Pack("networkCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNetworkCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x19942ae7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function networkCount() view returns(uint256)
func (networkRegistry *NetworkRegistry) TryPackNetworkCount() ([]byte, error) {
	return networkRegistry.abi.Pack("networkCount")
}

// UnpackNetworkCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x19942ae7.
//
// Solidity: function networkCount() view returns(uint256)
func (networkRegistry *NetworkRegistry) UnpackNetworkCount(data []byte) (*big.Int, error) {
	out, err := networkRegistry.abi.Unpack("networkCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackNetworkWhitelisted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x129c573b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function networkWhitelisted(uint256 ) view returns(bool)
func (networkRegistry *NetworkRegistry) PackNetworkWhitelisted(arg0 *big.Int) []byte {
	enc, err := networkRegistry.abi.Pack("networkWhitelisted", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNetworkWhitelisted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x129c573b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function networkWhitelisted(uint256 ) view returns(bool)
func (networkRegistry *NetworkRegistry) TryPackNetworkWhitelisted(arg0 *big.Int) ([]byte, error) {
	return networkRegistry.abi.Pack("networkWhitelisted", arg0)
}

// UnpackNetworkWhitelisted is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x129c573b.
//
// Solidity: function networkWhitelisted(uint256 ) view returns(bool)
func (networkRegistry *NetworkRegistry) UnpackNetworkWhitelisted(data []byte) (bool, error) {
	out, err := networkRegistry.abi.Unpack("networkWhitelisted", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9fdf1d76.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register((address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32) t) returns(uint256 networkId)
func (networkRegistry *NetworkRegistry) PackRegister(t NetworkRegistryTerms) []byte {
	enc, err := networkRegistry.abi.Pack("register", t)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9fdf1d76.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register((address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32) t) returns(uint256 networkId)
func (networkRegistry *NetworkRegistry) TryPackRegister(t NetworkRegistryTerms) ([]byte, error) {
	return networkRegistry.abi.Pack("register", t)
}

// UnpackRegister is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9fdf1d76.
//
// Solidity: function register((address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32) t) returns(uint256 networkId)
func (networkRegistry *NetworkRegistry) UnpackRegister(data []byte) (*big.Int, error) {
	out, err := networkRegistry.abi.Unpack("register", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSetAssetWhitelisted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf983784a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setAssetWhitelisted(address asset, bool whitelisted) returns()
func (networkRegistry *NetworkRegistry) PackSetAssetWhitelisted(asset common.Address, whitelisted bool) []byte {
	enc, err := networkRegistry.abi.Pack("setAssetWhitelisted", asset, whitelisted)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetAssetWhitelisted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf983784a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setAssetWhitelisted(address asset, bool whitelisted) returns()
func (networkRegistry *NetworkRegistry) TryPackSetAssetWhitelisted(asset common.Address, whitelisted bool) ([]byte, error) {
	return networkRegistry.abi.Pack("setAssetWhitelisted", asset, whitelisted)
}

// PackTerms is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc0aa0e8a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function terms(uint256 networkId) view returns((address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32))
func (networkRegistry *NetworkRegistry) PackTerms(networkId *big.Int) []byte {
	enc, err := networkRegistry.abi.Pack("terms", networkId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTerms is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc0aa0e8a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function terms(uint256 networkId) view returns((address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32))
func (networkRegistry *NetworkRegistry) TryPackTerms(networkId *big.Int) ([]byte, error) {
	return networkRegistry.abi.Pack("terms", networkId)
}

// UnpackTerms is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc0aa0e8a.
//
// Solidity: function terms(uint256 networkId) view returns((address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32))
func (networkRegistry *NetworkRegistry) UnpackTerms(data []byte) (NetworkRegistryTerms, error) {
	out, err := networkRegistry.abi.Unpack("terms", data)
	if err != nil {
		return *new(NetworkRegistryTerms), err
	}
	out0 := *abi.ConvertType(out[0], new(NetworkRegistryTerms)).(*NetworkRegistryTerms)
	return out0, nil
}

// PackTransferGovernance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd38bfff4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferGovernance(address next) returns()
func (networkRegistry *NetworkRegistry) PackTransferGovernance(next common.Address) []byte {
	enc, err := networkRegistry.abi.Pack("transferGovernance", next)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferGovernance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd38bfff4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferGovernance(address next) returns()
func (networkRegistry *NetworkRegistry) TryPackTransferGovernance(next common.Address) ([]byte, error) {
	return networkRegistry.abi.Pack("transferGovernance", next)
}

// PackUpdateTaskSpec is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa61b5139.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function updateTaskSpec(uint256 networkId, string uri, bytes32 hash) returns()
func (networkRegistry *NetworkRegistry) PackUpdateTaskSpec(networkId *big.Int, uri string, hash [32]byte) []byte {
	enc, err := networkRegistry.abi.Pack("updateTaskSpec", networkId, uri, hash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdateTaskSpec is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa61b5139.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function updateTaskSpec(uint256 networkId, string uri, bytes32 hash) returns()
func (networkRegistry *NetworkRegistry) TryPackUpdateTaskSpec(networkId *big.Int, uri string, hash [32]byte) ([]byte, error) {
	return networkRegistry.abi.Pack("updateTaskSpec", networkId, uri, hash)
}

// PackWhitelistNetwork is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x17a5c6a9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function whitelistNetwork(uint256 networkId) returns()
func (networkRegistry *NetworkRegistry) PackWhitelistNetwork(networkId *big.Int) []byte {
	enc, err := networkRegistry.abi.Pack("whitelistNetwork", networkId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWhitelistNetwork is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x17a5c6a9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function whitelistNetwork(uint256 networkId) returns()
func (networkRegistry *NetworkRegistry) TryPackWhitelistNetwork(networkId *big.Int) ([]byte, error) {
	return networkRegistry.abi.Pack("whitelistNetwork", networkId)
}

// NetworkRegistryAssetWhitelistSet represents a AssetWhitelistSet event raised by the NetworkRegistry contract.
type NetworkRegistryAssetWhitelistSet struct {
	Asset       common.Address
	Whitelisted bool
	Raw         *types.Log // Blockchain specific contextual infos
}

const NetworkRegistryAssetWhitelistSetEventName = "AssetWhitelistSet"

// ContractEventName returns the user-defined event name.
func (NetworkRegistryAssetWhitelistSet) ContractEventName() string {
	return NetworkRegistryAssetWhitelistSetEventName
}

// UnpackAssetWhitelistSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AssetWhitelistSet(address indexed asset, bool whitelisted)
func (networkRegistry *NetworkRegistry) UnpackAssetWhitelistSetEvent(log *types.Log) (*NetworkRegistryAssetWhitelistSet, error) {
	event := "AssetWhitelistSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkRegistryAssetWhitelistSet)
	if len(log.Data) > 0 {
		if err := networkRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// NetworkRegistryGovernanceTransferred represents a GovernanceTransferred event raised by the NetworkRegistry contract.
type NetworkRegistryGovernanceTransferred struct {
	Previous common.Address
	Next     common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const NetworkRegistryGovernanceTransferredEventName = "GovernanceTransferred"

// ContractEventName returns the user-defined event name.
func (NetworkRegistryGovernanceTransferred) ContractEventName() string {
	return NetworkRegistryGovernanceTransferredEventName
}

// UnpackGovernanceTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event GovernanceTransferred(address indexed previous, address indexed next)
func (networkRegistry *NetworkRegistry) UnpackGovernanceTransferredEvent(log *types.Log) (*NetworkRegistryGovernanceTransferred, error) {
	event := "GovernanceTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkRegistryGovernanceTransferred)
	if len(log.Data) > 0 {
		if err := networkRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// NetworkRegistryNetworkDelisted represents a NetworkDelisted event raised by the NetworkRegistry contract.
type NetworkRegistryNetworkDelisted struct {
	NetworkId *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const NetworkRegistryNetworkDelistedEventName = "NetworkDelisted"

// ContractEventName returns the user-defined event name.
func (NetworkRegistryNetworkDelisted) ContractEventName() string {
	return NetworkRegistryNetworkDelistedEventName
}

// UnpackNetworkDelistedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NetworkDelisted(uint256 indexed networkId)
func (networkRegistry *NetworkRegistry) UnpackNetworkDelistedEvent(log *types.Log) (*NetworkRegistryNetworkDelisted, error) {
	event := "NetworkDelisted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkRegistryNetworkDelisted)
	if len(log.Data) > 0 {
		if err := networkRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// NetworkRegistryNetworkRegistered represents a NetworkRegistered event raised by the NetworkRegistry contract.
type NetworkRegistryNetworkRegistered struct {
	NetworkId *big.Int
	Admin     common.Address
	Terms     NetworkRegistryTerms
	Raw       *types.Log // Blockchain specific contextual infos
}

const NetworkRegistryNetworkRegisteredEventName = "NetworkRegistered"

// ContractEventName returns the user-defined event name.
func (NetworkRegistryNetworkRegistered) ContractEventName() string {
	return NetworkRegistryNetworkRegisteredEventName
}

// UnpackNetworkRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NetworkRegistered(uint256 indexed networkId, address indexed admin, (address,uint256,uint256,uint32,uint64,uint8,address,uint256,uint256,uint256,string,string,bytes32) terms)
func (networkRegistry *NetworkRegistry) UnpackNetworkRegisteredEvent(log *types.Log) (*NetworkRegistryNetworkRegistered, error) {
	event := "NetworkRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkRegistryNetworkRegistered)
	if len(log.Data) > 0 {
		if err := networkRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// NetworkRegistryNetworkWhitelisted represents a NetworkWhitelisted event raised by the NetworkRegistry contract.
type NetworkRegistryNetworkWhitelisted struct {
	NetworkId *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const NetworkRegistryNetworkWhitelistedEventName = "NetworkWhitelisted"

// ContractEventName returns the user-defined event name.
func (NetworkRegistryNetworkWhitelisted) ContractEventName() string {
	return NetworkRegistryNetworkWhitelistedEventName
}

// UnpackNetworkWhitelistedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NetworkWhitelisted(uint256 indexed networkId)
func (networkRegistry *NetworkRegistry) UnpackNetworkWhitelistedEvent(log *types.Log) (*NetworkRegistryNetworkWhitelisted, error) {
	event := "NetworkWhitelisted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkRegistryNetworkWhitelisted)
	if len(log.Data) > 0 {
		if err := networkRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// NetworkRegistryTaskSpecUpdated represents a TaskSpecUpdated event raised by the NetworkRegistry contract.
type NetworkRegistryTaskSpecUpdated struct {
	NetworkId    *big.Int
	TaskSpecURI  string
	TaskSpecHash [32]byte
	Raw          *types.Log // Blockchain specific contextual infos
}

const NetworkRegistryTaskSpecUpdatedEventName = "TaskSpecUpdated"

// ContractEventName returns the user-defined event name.
func (NetworkRegistryTaskSpecUpdated) ContractEventName() string {
	return NetworkRegistryTaskSpecUpdatedEventName
}

// UnpackTaskSpecUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event TaskSpecUpdated(uint256 indexed networkId, string taskSpecURI, bytes32 taskSpecHash)
func (networkRegistry *NetworkRegistry) UnpackTaskSpecUpdatedEvent(log *types.Log) (*NetworkRegistryTaskSpecUpdated, error) {
	event := "TaskSpecUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != networkRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NetworkRegistryTaskSpecUpdated)
	if len(log.Data) > 0 {
		if err := networkRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range networkRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (networkRegistry *NetworkRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["AlreadyWhitelisted"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackAlreadyWhitelistedError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["AmountBelowMinDeposit"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackAmountBelowMinDepositError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["AssetNotWhitelisted"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackAssetNotWhitelistedError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["EmptyTaskSpecURI"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackEmptyTaskSpecURIError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["InvalidDAMType"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackInvalidDAMTypeError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["NotGovernance"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackNotGovernanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["NotNetworkAdmin"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackNotNetworkAdminError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["NotWhitelisted"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackNotWhitelistedError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["UnknownNetwork"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackUnknownNetworkError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["ZeroDuration"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackZeroDurationError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["ZeroMinDeposit"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackZeroMinDepositError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["ZeroOperatorsRequested"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackZeroOperatorsRequestedError(raw[4:])
	}
	if bytes.Equal(raw[:4], networkRegistry.abi.Errors["ZeroTaskSpecHash"].ID.Bytes()[:4]) {
		return networkRegistry.UnpackZeroTaskSpecHashError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// NetworkRegistryAlreadyWhitelisted represents a AlreadyWhitelisted error raised by the NetworkRegistry contract.
type NetworkRegistryAlreadyWhitelisted struct {
	NetworkId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyWhitelisted(uint256 networkId)
func NetworkRegistryAlreadyWhitelistedErrorID() common.Hash {
	return common.HexToHash("0x8b6a2cd394af84b491766cee361dcf2cece2cb55aa78a6b1f5bfbcf1f2c762b9")
}

// UnpackAlreadyWhitelistedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyWhitelisted(uint256 networkId)
func (networkRegistry *NetworkRegistry) UnpackAlreadyWhitelistedError(raw []byte) (*NetworkRegistryAlreadyWhitelisted, error) {
	out := new(NetworkRegistryAlreadyWhitelisted)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "AlreadyWhitelisted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryAmountBelowMinDeposit represents a AmountBelowMinDeposit error raised by the NetworkRegistry contract.
type NetworkRegistryAmountBelowMinDeposit struct {
	AmountRequested *big.Int
	MinDeposit      *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AmountBelowMinDeposit(uint256 amountRequested, uint256 minDeposit)
func NetworkRegistryAmountBelowMinDepositErrorID() common.Hash {
	return common.HexToHash("0xd0f23fa15103344806428a8e275beac40890c863b92d59601872810617a0b576")
}

// UnpackAmountBelowMinDepositError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AmountBelowMinDeposit(uint256 amountRequested, uint256 minDeposit)
func (networkRegistry *NetworkRegistry) UnpackAmountBelowMinDepositError(raw []byte) (*NetworkRegistryAmountBelowMinDeposit, error) {
	out := new(NetworkRegistryAmountBelowMinDeposit)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "AmountBelowMinDeposit", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryAssetNotWhitelisted represents a AssetNotWhitelisted error raised by the NetworkRegistry contract.
type NetworkRegistryAssetNotWhitelisted struct {
	Asset common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AssetNotWhitelisted(address asset)
func NetworkRegistryAssetNotWhitelistedErrorID() common.Hash {
	return common.HexToHash("0x67c259304fbd73a137c4f58923c778d6e178da2750056928360d361ec45e5328")
}

// UnpackAssetNotWhitelistedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AssetNotWhitelisted(address asset)
func (networkRegistry *NetworkRegistry) UnpackAssetNotWhitelistedError(raw []byte) (*NetworkRegistryAssetNotWhitelisted, error) {
	out := new(NetworkRegistryAssetNotWhitelisted)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "AssetNotWhitelisted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryEmptyTaskSpecURI represents a EmptyTaskSpecURI error raised by the NetworkRegistry contract.
type NetworkRegistryEmptyTaskSpecURI struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyTaskSpecURI()
func NetworkRegistryEmptyTaskSpecURIErrorID() common.Hash {
	return common.HexToHash("0xbe0501eb81ce2df6c0e44c4c45e9c0d585c3f0bdb34eeb2c13d60ddd2bc12ef9")
}

// UnpackEmptyTaskSpecURIError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyTaskSpecURI()
func (networkRegistry *NetworkRegistry) UnpackEmptyTaskSpecURIError(raw []byte) (*NetworkRegistryEmptyTaskSpecURI, error) {
	out := new(NetworkRegistryEmptyTaskSpecURI)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "EmptyTaskSpecURI", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryInvalidDAMType represents a InvalidDAMType error raised by the NetworkRegistry contract.
type NetworkRegistryInvalidDAMType struct {
	DamType uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidDAMType(uint8 damType)
func NetworkRegistryInvalidDAMTypeErrorID() common.Hash {
	return common.HexToHash("0xa0782ac18b18de68e035cacffff76344c2c8363e93060b43c6fdcc0bea30e221")
}

// UnpackInvalidDAMTypeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidDAMType(uint8 damType)
func (networkRegistry *NetworkRegistry) UnpackInvalidDAMTypeError(raw []byte) (*NetworkRegistryInvalidDAMType, error) {
	out := new(NetworkRegistryInvalidDAMType)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "InvalidDAMType", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryNotGovernance represents a NotGovernance error raised by the NetworkRegistry contract.
type NetworkRegistryNotGovernance struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotGovernance(address caller)
func NetworkRegistryNotGovernanceErrorID() common.Hash {
	return common.HexToHash("0x988d1f034409fa6034c96c7a747f1aface3c57af045046793082b71a663c0040")
}

// UnpackNotGovernanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotGovernance(address caller)
func (networkRegistry *NetworkRegistry) UnpackNotGovernanceError(raw []byte) (*NetworkRegistryNotGovernance, error) {
	out := new(NetworkRegistryNotGovernance)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "NotGovernance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryNotNetworkAdmin represents a NotNetworkAdmin error raised by the NetworkRegistry contract.
type NetworkRegistryNotNetworkAdmin struct {
	NetworkId *big.Int
	Caller    common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotNetworkAdmin(uint256 networkId, address caller)
func NetworkRegistryNotNetworkAdminErrorID() common.Hash {
	return common.HexToHash("0xb8d6485567734da77ba2459acd9be1ea191d3a0a6191e8c98f8050240ca8dcfd")
}

// UnpackNotNetworkAdminError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotNetworkAdmin(uint256 networkId, address caller)
func (networkRegistry *NetworkRegistry) UnpackNotNetworkAdminError(raw []byte) (*NetworkRegistryNotNetworkAdmin, error) {
	out := new(NetworkRegistryNotNetworkAdmin)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "NotNetworkAdmin", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryNotWhitelisted represents a NotWhitelisted error raised by the NetworkRegistry contract.
type NetworkRegistryNotWhitelisted struct {
	NetworkId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotWhitelisted(uint256 networkId)
func NetworkRegistryNotWhitelistedErrorID() common.Hash {
	return common.HexToHash("0x6f286a71b26f4d48b14452d147401c02e4bd04cc1a7db944905b942c1ac6cb6a")
}

// UnpackNotWhitelistedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotWhitelisted(uint256 networkId)
func (networkRegistry *NetworkRegistry) UnpackNotWhitelistedError(raw []byte) (*NetworkRegistryNotWhitelisted, error) {
	out := new(NetworkRegistryNotWhitelisted)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "NotWhitelisted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryUnknownNetwork represents a UnknownNetwork error raised by the NetworkRegistry contract.
type NetworkRegistryUnknownNetwork struct {
	NetworkId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownNetwork(uint256 networkId)
func NetworkRegistryUnknownNetworkErrorID() common.Hash {
	return common.HexToHash("0xb9d6f1b104b3a3840344733512aa53ff3025e9660a6d9dc699622ea01c847052")
}

// UnpackUnknownNetworkError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownNetwork(uint256 networkId)
func (networkRegistry *NetworkRegistry) UnpackUnknownNetworkError(raw []byte) (*NetworkRegistryUnknownNetwork, error) {
	out := new(NetworkRegistryUnknownNetwork)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "UnknownNetwork", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryZeroAddress represents a ZeroAddress error raised by the NetworkRegistry contract.
type NetworkRegistryZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func NetworkRegistryZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (networkRegistry *NetworkRegistry) UnpackZeroAddressError(raw []byte) (*NetworkRegistryZeroAddress, error) {
	out := new(NetworkRegistryZeroAddress)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryZeroDuration represents a ZeroDuration error raised by the NetworkRegistry contract.
type NetworkRegistryZeroDuration struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroDuration()
func NetworkRegistryZeroDurationErrorID() common.Hash {
	return common.HexToHash("0x68d5686e3db18497cb203cb0dfd5281a97d29bcb64b1fc8e1fd8878f20644c62")
}

// UnpackZeroDurationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroDuration()
func (networkRegistry *NetworkRegistry) UnpackZeroDurationError(raw []byte) (*NetworkRegistryZeroDuration, error) {
	out := new(NetworkRegistryZeroDuration)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "ZeroDuration", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryZeroMinDeposit represents a ZeroMinDeposit error raised by the NetworkRegistry contract.
type NetworkRegistryZeroMinDeposit struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroMinDeposit()
func NetworkRegistryZeroMinDepositErrorID() common.Hash {
	return common.HexToHash("0x83890a18cb4ffc69fe1052589b5c878783f4f879d9af55ce46b9c9d0be5d82f8")
}

// UnpackZeroMinDepositError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroMinDeposit()
func (networkRegistry *NetworkRegistry) UnpackZeroMinDepositError(raw []byte) (*NetworkRegistryZeroMinDeposit, error) {
	out := new(NetworkRegistryZeroMinDeposit)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "ZeroMinDeposit", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryZeroOperatorsRequested represents a ZeroOperatorsRequested error raised by the NetworkRegistry contract.
type NetworkRegistryZeroOperatorsRequested struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroOperatorsRequested()
func NetworkRegistryZeroOperatorsRequestedErrorID() common.Hash {
	return common.HexToHash("0xca9d68d09afffafc890dc2409d39ce84c3c7a223029adf523e55b077ac9c062a")
}

// UnpackZeroOperatorsRequestedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroOperatorsRequested()
func (networkRegistry *NetworkRegistry) UnpackZeroOperatorsRequestedError(raw []byte) (*NetworkRegistryZeroOperatorsRequested, error) {
	out := new(NetworkRegistryZeroOperatorsRequested)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "ZeroOperatorsRequested", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NetworkRegistryZeroTaskSpecHash represents a ZeroTaskSpecHash error raised by the NetworkRegistry contract.
type NetworkRegistryZeroTaskSpecHash struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroTaskSpecHash()
func NetworkRegistryZeroTaskSpecHashErrorID() common.Hash {
	return common.HexToHash("0xe451c8a828a7a05b60afaf076f06a5c525d19e7edf99e0db75391282a5739cda")
}

// UnpackZeroTaskSpecHashError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroTaskSpecHash()
func (networkRegistry *NetworkRegistry) UnpackZeroTaskSpecHashError(raw []byte) (*NetworkRegistryZeroTaskSpecHash, error) {
	out := new(NetworkRegistryZeroTaskSpecHash)
	if err := networkRegistry.abi.UnpackIntoInterface(out, "ZeroTaskSpecHash", raw); err != nil {
		return nil, err
	}
	return out, nil
}
