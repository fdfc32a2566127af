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

// TimeLockVaultMetaData contains all meta data concerning the TimeLockVault contract.
var TimeLockVaultMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"asset_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"beneficiary_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"arbiter_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"refundTo_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"releaseTime_\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"AlreadySettled\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"releaseTime\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"now_\",\"type\":\"uint64\"}],\"name\":\"LockExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotArbiter\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotBeneficiary\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"releaseTime\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"now_\",\"type\":\"uint64\"}],\"name\":\"StillLocked\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"refundTo\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Cancelled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"beneficiary\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Released\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"arbiter\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"asset\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"beneficiary\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"cancel\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"refundTo\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"release\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"releaseTime\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"settled\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "TimeLockVault",
	Bin: "0x610120604052348015610010575f5ffd5b506040516108f03803806108f083398101604081905261002f91610078565b6001600160a01b0394851660805292841660a05290831660c05290911660e0526001600160401b0316610100526100f4565b6001600160a01b0381168114610075575f5ffd5b50565b5f5f5f5f5f60a0868803121561008c575f5ffd5b855161009781610061565b60208701519095506100a881610061565b60408701519094506100b981610061565b60608701519093506100ca81610061565b60808701519092506001600160401b03811681146100e6575f5ffd5b809150509295509295909350565b60805160a05160c05160e0516101005161075f6101915f395f8181610146015281816102240152818161026c015281816104da015261052101525f818161011f015281816105ff01526106bc01525f818161018e015261047601525f8181608e015281816101bb0152818161034a015261040701525f818160d2015281816102ca0152818161037c0152818161057f0152610631015261075f5ff3fe608060405234801561000f575f5ffd5b5060043610610085575f3560e01c80639aa8becd116100585780639aa8becd1461011a578063b91d400114610141578063ea8a1af014610181578063fe25e00a14610189575f5ffd5b806338af3eed1461008957806338d52e0f146100cd57806386d1a69f146100f45780638f775839146100fe575b5f5ffd5b6100b07f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100b07f000000000000000000000000000000000000000000000000000000000000000081565b6100fc6101b0565b005b5f5461010a9060ff1681565b60405190151581526020016100c4565b6100b07f000000000000000000000000000000000000000000000000000000000000000081565b6101687f000000000000000000000000000000000000000000000000000000000000000081565b60405167ffffffffffffffff90911681526020016100c4565b6100fc61046b565b6100b07f000000000000000000000000000000000000000000000000000000000000000081565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146102005760405163c5d0b69d60e01b81523360048201526024015b60405180910390fd5b5f5460ff16156102225760405162560ff960e81b815260040160405180910390fd5b7f000000000000000000000000000000000000000000000000000000000000000067ffffffffffffffff164210156102a15760405163fd6bebf760e01b815267ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000081166004830152421660248201526044016101f7565b5f805460ff191660011781556040516370a0823160e01b81523060048201526001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016906370a0823190602401602060405180830381865afa15801561030f573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906103339190610715565b60405163a9059cbb60e01b81526001600160a01b037f000000000000000000000000000000000000000000000000000000000000000081166004830152602482018390529192507f00000000000000000000000000000000000000000000000000000000000000009091169063a9059cbb906044016020604051808303815f875af11580156103c4573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906103e8919061072c565b610405576040516312171d8360e31b815260040160405180910390fd5b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03167fb21fb52d5749b80f3182f8c6992236b5e5576681880914484d7f4c9b062e619e8260405161046091815260200190565b60405180910390a250565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146104b6576040516339063ae160e11b81523360048201526024016101f7565b5f5460ff16156104d85760405162560ff960e81b815260040160405180910390fd5b7f000000000000000000000000000000000000000000000000000000000000000067ffffffffffffffff1642106105565760405163088cc4ef60e21b815267ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000081166004830152421660248201526044016101f7565b5f805460ff191660011781556040516370a0823160e01b81523060048201526001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016906370a0823190602401602060405180830381865afa1580156105c4573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906105e89190610715565b60405163a9059cbb60e01b81526001600160a01b037f000000000000000000000000000000000000000000000000000000000000000081166004830152602482018390529192507f00000000000000000000000000000000000000000000000000000000000000009091169063a9059cbb906044016020604051808303815f875af1158015610679573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061069d919061072c565b6106ba576040516312171d8360e31b815260040160405180910390fd5b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03167f36ea5cd5608625e789af0282eecdb4eae1cb7c1cf6d0ec3f9a84f35be850260b8260405161046091815260200190565b5f60208284031215610725575f5ffd5b5051919050565b5f6020828403121561073c575f5ffd5b8151801515811461074b575f5ffd5b939250505056fea164736f6c634300081e000a",
}

// TimeLockVault is an auto generated Go binding around an Ethereum contract.
type TimeLockVault struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *TimeLockVault) GetABI() abi.ABI {
	return c.abi
}

// NewTimeLockVault creates a new instance of TimeLockVault.
func NewTimeLockVault() *TimeLockVault {
	parsed, err := TimeLockVaultMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &TimeLockVault{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *TimeLockVault) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address asset_, address beneficiary_, address arbiter_, address refundTo_, uint64 releaseTime_) returns()
func (timeLockVault *TimeLockVault) PackConstructor(asset_ common.Address, beneficiary_ common.Address, arbiter_ common.Address, refundTo_ common.Address, releaseTime_ uint64) []byte {
	enc, err := timeLockVault.abi.Pack("", asset_, beneficiary_, arbiter_, refundTo_, releaseTime_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackArbiter is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfe25e00a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function arbiter() view returns(address)
func (timeLockVault *TimeLockVault) PackArbiter() []byte {
	enc, err := timeLockVault.abi.Pack("arbiter")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackArbiter is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfe25e00a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function arbiter() view returns(address)
func (timeLockVault *TimeLockVault) TryPackArbiter() ([]byte, error) {
	return timeLockVault.abi.Pack("arbiter")
}

// UnpackArbiter is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfe25e00a.
//
// Solidity: function arbiter() view returns(address)
func (timeLockVault *TimeLockVault) UnpackArbiter(data []byte) (common.Address, error) {
	out, err := timeLockVault.abi.Unpack("arbiter", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackAsset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38d52e0f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function asset() view returns(address)
func (timeLockVault *TimeLockVault) PackAsset() []byte {
	enc, err := timeLockVault.abi.Pack("asset")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAsset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38d52e0f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function asset() view returns(address)
func (timeLockVault *TimeLockVault) TryPackAsset() ([]byte, error) {
	return timeLockVault.abi.Pack("asset")
}

// UnpackAsset is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x38d52e0f.
//
// Solidity: function asset() view returns(address)
func (timeLockVault *TimeLockVault) UnpackAsset(data []byte) (common.Address, error) {
	out, err := timeLockVault.abi.Unpack("asset", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackBeneficiary is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38af3eed.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function beneficiary() view returns(address)
func (timeLockVault *TimeLockVault) PackBeneficiary() []byte {
	enc, err := timeLockVault.abi.Pack("beneficiary")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBeneficiary is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38af3eed.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function beneficiary() view returns(address)
func (timeLockVault *TimeLockVault) TryPackBeneficiary() ([]byte, error) {
	return timeLockVault.abi.Pack("beneficiary")
}

// UnpackBeneficiary is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x38af3eed.
//
// Solidity: function beneficiary() view returns(address)
func (timeLockVault *TimeLockVault) UnpackBeneficiary(data []byte) (common.Address, error) {
	out, err := timeLockVault.abi.Unpack("beneficiary", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackCancel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xea8a1af0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cancel() returns()
func (timeLockVault *TimeLockVault) PackCancel() []byte {
	enc, err := timeLockVault.abi.Pack("cancel")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCancel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xea8a1af0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cancel() returns()
func (timeLockVault *TimeLockVault) TryPackCancel() ([]byte, error) {
	return timeLockVault.abi.Pack("cancel")
}

// PackRefundTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9aa8becd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function refundTo() view returns(address)
func (timeLockVault *TimeLockVault) PackRefundTo() []byte {
	enc, err := timeLockVault.abi.Pack("refundTo")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRefundTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9aa8becd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function refundTo() view returns(address)
func (timeLockVault *TimeLockVault) TryPackRefundTo() ([]byte, error) {
	return timeLockVault.abi.Pack("refundTo")
}

// UnpackRefundTo is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9aa8becd.
//
// Solidity: function refundTo() view returns(address)
func (timeLockVault *TimeLockVault) UnpackRefundTo(data []byte) (common.Address, error) {
	out, err := timeLockVault.abi.Unpack("refundTo", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x86d1a69f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function release() returns()
func (timeLockVault *TimeLockVault) PackRelease() []byte {
	enc, err := timeLockVault.abi.Pack("release")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRelease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x86d1a69f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function release() returns()
func (timeLockVault *TimeLockVault) TryPackRelease() ([]byte, error) {
	return timeLockVault.abi.Pack("release")
}

// PackReleaseTime is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb91d4001.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function releaseTime() view returns(uint64)
func (timeLockVault *TimeLockVault) PackReleaseTime() []byte {
	enc, err := timeLockVault.abi.Pack("releaseTime")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReleaseTime is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb91d4001.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function releaseTime() view returns(uint64)
func (timeLockVault *TimeLockVault) TryPackReleaseTime() ([]byte, error) {
	return timeLockVault.abi.Pack("releaseTime")
}

// UnpackReleaseTime is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb91d4001.
//
// Solidity: function releaseTime() view returns(uint64)
func (timeLockVault *TimeLockVault) UnpackReleaseTime(data []byte) (uint64, error) {
	out, err := timeLockVault.abi.Unpack("releaseTime", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackSettled is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8f775839.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function settled() view returns(bool)
func (timeLockVault *TimeLockVault) PackSettled() []byte {
	enc, err := timeLockVault.abi.Pack("settled")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSettled is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8f775839.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function settled() view returns(bool)
func (timeLockVault *TimeLockVault) TryPackSettled() ([]byte, error) {
	return timeLockVault.abi.Pack("settled")
}

// UnpackSettled is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8f775839.
//
// Solidity: function settled() view returns(bool)
func (timeLockVault *TimeLockVault) UnpackSettled(data []byte) (bool, error) {
	out, err := timeLockVault.abi.Unpack("settled", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// TimeLockVaultCancelled represents a Cancelled event raised by the TimeLockVault contract.
type TimeLockVaultCancelled struct {
	RefundTo common.Address
	Amount   *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const TimeLockVaultCancelledEventName = "Cancelled"

// ContractEventName returns the user-defined event name.
func (TimeLockVaultCancelled) ContractEventName() string {
	return TimeLockVaultCancelledEventName
}

// UnpackCancelledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Cancelled(address indexed refundTo, uint256 amount)
func (timeLockVault *TimeLockVault) UnpackCancelledEvent(log *types.Log) (*TimeLockVaultCancelled, error) {
	event := "Cancelled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != timeLockVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TimeLockVaultCancelled)
	if len(log.Data) > 0 {
		if err := timeLockVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range timeLockVault.abi.Events[event].Inputs {
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

// TimeLockVaultReleased represents a Released event raised by the TimeLockVault contract.
type TimeLockVaultReleased struct {
	Beneficiary common.Address
	Amount      *big.Int
	Raw         *types.Log // Blockchain specific contextual infos
}

const TimeLockVaultReleasedEventName = "Released"

// ContractEventName returns the user-defined event name.
func (TimeLockVaultReleased) ContractEventName() string {
	return TimeLockVaultReleasedEventName
}

// UnpackReleasedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Released(address indexed beneficiary, uint256 amount)
func (timeLockVault *TimeLockVault) UnpackReleasedEvent(log *types.Log) (*TimeLockVaultReleased, error) {
	event := "Released"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != timeLockVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TimeLockVaultReleased)
	if len(log.Data) > 0 {
		if err := timeLockVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range timeLockVault.abi.Events[event].Inputs {
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
func (timeLockVault *TimeLockVault) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], timeLockVault.abi.Errors["AlreadySettled"].ID.Bytes()[:4]) {
		return timeLockVault.UnpackAlreadySettledError(raw[4:])
	}
	if bytes.Equal(raw[:4], timeLockVault.abi.Errors["LockExpired"].ID.Bytes()[:4]) {
		return timeLockVault.UnpackLockExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], timeLockVault.abi.Errors["NotArbiter"].ID.Bytes()[:4]) {
		return timeLockVault.UnpackNotArbiterError(raw[4:])
	}
	if bytes.Equal(raw[:4], timeLockVault.abi.Errors["NotBeneficiary"].ID.Bytes()[:4]) {
		return timeLockVault.UnpackNotBeneficiaryError(raw[4:])
	}
	if bytes.Equal(raw[:4], timeLockVault.abi.Errors["StillLocked"].ID.Bytes()[:4]) {
		return timeLockVault.UnpackStillLockedError(raw[4:])
	}
	if bytes.Equal(raw[:4], timeLockVault.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return timeLockVault.UnpackTransferFailedError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// TimeLockVaultAlreadySettled represents a AlreadySettled error raised by the TimeLockVault contract.
type TimeLockVaultAlreadySettled struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadySettled()
func TimeLockVaultAlreadySettledErrorID() common.Hash {
	return common.HexToHash("0x560ff9008ab0d89403f103ee2cd475e901636532247fbd507d24749c29264d99")
}

// UnpackAlreadySettledError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadySettled()
func (timeLockVault *TimeLockVault) UnpackAlreadySettledError(raw []byte) (*TimeLockVaultAlreadySettled, error) {
	out := new(TimeLockVaultAlreadySettled)
	if err := timeLockVault.abi.UnpackIntoInterface(out, "AlreadySettled", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TimeLockVaultLockExpired represents a LockExpired error raised by the TimeLockVault contract.
type TimeLockVaultLockExpired struct {
	ReleaseTime uint64
	Now         uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LockExpired(uint64 releaseTime, uint64 now_)
func TimeLockVaultLockExpiredErrorID() common.Hash {
	return common.HexToHash("0x223313bcb09a3a5df95f565eba9b2ad008614d3649cdea9d85e84d7a6c035a14")
}

// UnpackLockExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LockExpired(uint64 releaseTime, uint64 now_)
func (timeLockVault *TimeLockVault) UnpackLockExpiredError(raw []byte) (*TimeLockVaultLockExpired, error) {
	out := new(TimeLockVaultLockExpired)
	if err := timeLockVault.abi.UnpackIntoInterface(out, "LockExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TimeLockVaultNotArbiter represents a NotArbiter error raised by the TimeLockVault contract.
type TimeLockVaultNotArbiter struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotArbiter(address caller)
func TimeLockVaultNotArbiterErrorID() common.Hash {
	return common.HexToHash("0x720c75c28bf729d07d907a7cb2128014dd379623a8d7da4275d1c2374b21e016")
}

// UnpackNotArbiterError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotArbiter(address caller)
func (timeLockVault *TimeLockVault) UnpackNotArbiterError(raw []byte) (*TimeLockVaultNotArbiter, error) {
	out := new(TimeLockVaultNotArbiter)
	if err := timeLockVault.abi.UnpackIntoInterface(out, "NotArbiter", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TimeLockVaultNotBeneficiary represents a NotBeneficiary error raised by the TimeLockVault contract.
type TimeLockVaultNotBeneficiary struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotBeneficiary(address caller)
func TimeLockVaultNotBeneficiaryErrorID() common.Hash {
	return common.HexToHash("0xc5d0b69ddf972f55b77b8db592f2fa07f355d5c2665316dfb940a7b5fafc7353")
}

// UnpackNotBeneficiaryError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotBeneficiary(address caller)
func (timeLockVault *TimeLockVault) UnpackNotBeneficiaryError(raw []byte) (*TimeLockVaultNotBeneficiary, error) {
	out := new(TimeLockVaultNotBeneficiary)
	if err := timeLockVault.abi.UnpackIntoInterface(out, "NotBeneficiary", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TimeLockVaultStillLocked represents a StillLocked error raised by the TimeLockVault contract.
type TimeLockVaultStillLocked struct {
	ReleaseTime uint64
	Now         uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StillLocked(uint64 releaseTime, uint64 now_)
func TimeLockVaultStillLockedErrorID() common.Hash {
	return common.HexToHash("0xfd6bebf7f0f2025982a1b05f34b904f9bb532cce7383cfe082b2220194733281")
}

// UnpackStillLockedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StillLocked(uint64 releaseTime, uint64 now_)
func (timeLockVault *TimeLockVault) UnpackStillLockedError(raw []byte) (*TimeLockVaultStillLocked, error) {
	out := new(TimeLockVaultStillLocked)
	if err := timeLockVault.abi.UnpackIntoInterface(out, "StillLocked", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// TimeLockVaultTransferFailed represents a TransferFailed error raised by the TimeLockVault contract.
type TimeLockVaultTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func TimeLockVaultTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (timeLockVault *TimeLockVault) UnpackTransferFailedError(raw []byte) (*TimeLockVaultTransferFailed, error) {
	out := new(TimeLockVaultTransferFailed)
	if err := timeLockVault.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}
