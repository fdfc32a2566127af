// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";

/// @title Time-locked vault: holds one ERC-20 amount until `releaseTime`.
/// @notice Used for liquidity and growth allocations (beneficiary = the Network's SAFE) and as a dispute
/// vault for collateral penalty requests. Before the release time the `arbiter` may cancel and send the
/// assets back to `refundTo` (a dispute decided for the operator); after it the beneficiary may release
/// them. Assets only move between these two addresses: nothing is ever burned.
contract TimeLockVault {
    error NotBeneficiary(address caller);
    error NotArbiter(address caller);
    error StillLocked(uint64 releaseTime, uint64 now_);
    error LockExpired(uint64 releaseTime, uint64 now_);
    error AlreadySettled();
    error TransferFailed();

    event Released(address indexed beneficiary, uint256 amount);
    event Cancelled(address indexed refundTo, uint256 amount);

    IERC20 public immutable asset;
    address public immutable beneficiary;
    address public immutable arbiter;
    address public immutable refundTo;
    uint64 public immutable releaseTime;
    bool public settled;

    constructor(IERC20 asset_, address beneficiary_, address arbiter_, address refundTo_, uint64 releaseTime_) {
        asset = asset_;
        beneficiary = beneficiary_;
        arbiter = arbiter_;
        refundTo = refundTo_;
        releaseTime = releaseTime_;
    }

    /// @notice Sends the whole balance to the beneficiary once the time lock has passed.
    function release() external {
        if (msg.sender != beneficiary) revert NotBeneficiary(msg.sender);
        if (settled) revert AlreadySettled();
        if (block.timestamp < releaseTime) revert StillLocked(releaseTime, uint64(block.timestamp));
        settled = true;
        uint256 amount = asset.balanceOf(address(this));
        if (!asset.transfer(beneficiary, amount)) revert TransferFailed();
        emit Released(beneficiary, amount);
    }

    /// @notice Returns the whole balance to `refundTo` while still locked (arbiter only).
    function cancel() external {
        if (msg.sender != arbiter) revert NotArbiter(msg.sender);
        if (settled) revert AlreadySettled();
        if (block.timestamp >= releaseTime) revert LockExpired(releaseTime, uint64(block.timestamp));
        settled = true;
        uint256 amount = asset.balanceOf(address(this));
        if (!asset.transfer(refundTo, amount)) revert TransferFailed();
        emit Cancelled(refundTo, amount);
    }
}
