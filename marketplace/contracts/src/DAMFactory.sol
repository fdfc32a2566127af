// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";
import {NetworkRegistry} from "./NetworkRegistry.sol";
import {DAM} from "./DAM.sol";

/// @title Creates DAM vaults; the caller becomes the DAM's Manager.
contract DAMFactory {
    /// @notice Highest manager fee, in basis points (50 %).
    uint16 public constant MAX_FEE_BPS = 5000;

    error ZeroAddress();
    error InvalidDAMType(uint8 damType);
    error AssetNotWhitelisted(address asset);
    error FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    error ZeroLockup();

    event DAMCreated(
        address indexed dam, address indexed manager, uint8 damType, address asset, uint16 feeBps, uint64 lockup
    );

    NetworkRegistry public immutable registry;
    mapping(address => bool) public isDAM;
    address[] public dams;

    constructor(NetworkRegistry registry_) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        registry = registry_;
    }

    /// @notice Number of DAMs created.
    function damCount() external view returns (uint256) {
        return dams.length;
    }

    /// @notice Creates a DAM of `damType` (0 liquidity, 1 growth, 2 collateral) holding `asset`.
    function createDAM(uint8 damType, uint16 feeBps, address asset, uint64 lockup) external returns (address dam) {
        if (damType > uint8(NetworkRegistry.DAMType.Collateral)) revert InvalidDAMType(damType);
        if (!registry.assetWhitelisted(asset)) revert AssetNotWhitelisted(asset);
        if (feeBps > MAX_FEE_BPS) revert FeeTooHigh(feeBps, MAX_FEE_BPS);
        if (lockup == 0) revert ZeroLockup();
        dam = address(new DAM(registry, msg.sender, damType, IERC20(asset), feeBps, lockup));
        isDAM[dam] = true;
        dams.push(dam);
        emit DAMCreated(dam, msg.sender, damType, asset, feeBps, lockup);
    }
}
