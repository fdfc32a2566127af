// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";
import {NetworkRegistry} from "./NetworkRegistry.sol";
import {TimeLockVault} from "./TimeLockVault.sol";

/// @title Delegated Asset Manager (DAM) vault.
/// @notice A Manager runs the DAM: whitelists operators, requests the installation of Networks of the
/// DAM's type (the Network confirms). Delegators deposit the DAM's asset and withdraw it (two steps,
/// after the lock-up, for collateral DAMs). Liquidity and growth DAMs fund an installed Network through
/// a time-locked vault released to the Network's SAFE (liquidity returns it at the end). In a collateral
/// DAM the assets stay put; a Network may request collateral of a misbehaving operator, which moves to a
/// time-locked dispute vault (the manager may cancel it while locked): penalties move assets, never burn them.
/// @dev Reference contract: delegator balances are nominal; withdrawals are limited by the idle balance.
contract DAM {
    /// @notice Lifecycle of a Network in this DAM.
    enum Status {
        None,
        Requested,
        Installed
    }

    struct Installation {
        Status status;
        uint256 allocation;
        uint64 installedAt;
        address fundingVault;
        address[] operators;
    }

    struct PendingWithdrawal {
        uint256 amount;
        uint64 readyAt;
    }

    error NotManager(address caller);
    error NotNetworkAdmin(uint256 networkId, address caller);
    error NotManagerOrNetwork(uint256 networkId, address caller);
    error ZeroAddress();
    error ZeroAmount();
    error OperatorAlreadyWhitelisted(address operator);
    error OperatorNotWhitelisted(address operator);
    error DuplicateOperator(address operator);
    error InvalidOperatorCount(uint256 got, uint32 requested);
    error NetworkNotWhitelisted(uint256 networkId);
    error DAMTypeMismatch(uint8 dam, uint8 network);
    error AssetMismatch(address dam, address network);
    error AllocationBelowMinDeposit(uint256 allocation, uint256 minDeposit);
    error InstallationExists(uint256 networkId);
    error NoPendingInstallation(uint256 networkId);
    error NotInstalled(uint256 networkId);
    error WrongDAMType(uint8 damType);
    error AlreadyFunded(uint256 networkId);
    error NotFunded(uint256 networkId);
    error InsufficientDeposit(uint256 balance, uint256 amount);
    error InsufficientLiquidity(uint256 idle, uint256 amount);
    error WithdrawalPending(uint256 amount, uint64 readyAt);
    error NoPendingWithdrawal();
    error WithdrawalLocked(uint64 readyAt, uint64 now_);
    error NotAssignedOperator(uint256 networkId, address operator);
    error InvalidPeriod(uint64 from, uint64 to);
    error ZeroReportHash();
    error TransferFailed();

    event OperatorWhitelisted(address indexed operator);
    event OperatorRemoved(address indexed operator);
    event InstallationRequested(uint256 indexed networkId, address[] operators, uint256 allocation);
    event NetworkInstalled(uint256 indexed networkId, address[] operators, uint256 allocation);
    event NetworkUninstalled(uint256 indexed networkId, address indexed by);
    event Deposited(address indexed delegator, uint256 amount);
    event WithdrawalRequested(address indexed delegator, uint256 amount, uint64 readyAt);
    event Withdrawn(address indexed delegator, uint256 amount);
    event NetworkFunded(uint256 indexed networkId, address vault, uint256 amount, uint64 releaseTime);
    event LiquidityReturned(uint256 indexed networkId, uint256 amount);
    event PenaltyRequested(
        uint256 indexed networkId, address indexed operator, address vault, uint256 amount, uint64 releaseTime, string reason
    );
    event ReportCommitted(
        uint256 indexed networkId, address indexed operator, uint64 periodFrom, uint64 periodTo, bytes32 reportHash
    );

    NetworkRegistry public immutable registry;
    address public immutable manager;
    uint8 public immutable damType;
    IERC20 public immutable asset;
    uint16 public immutable feeBps;
    uint64 public immutable lockup;

    mapping(address => bool) public operatorWhitelisted;
    mapping(address => uint256) public depositOf;
    mapping(address => PendingWithdrawal) public pendingWithdrawal;
    uint256 public totalDeposits;
    mapping(uint256 => Installation) private _installations;
    mapping(uint256 => mapping(address => bool)) public assignedOperator;

    modifier onlyManager() {
        if (msg.sender != manager) revert NotManager(msg.sender);
        _;
    }

    constructor(NetworkRegistry registry_, address manager_, uint8 damType_, IERC20 asset_, uint16 feeBps_, uint64 lockup_) {
        registry = registry_;
        manager = manager_;
        damType = damType_;
        asset = asset_;
        feeBps = feeBps_;
        lockup = lockup_;
    }

    /// @notice Returns a Network's installation in this DAM.
    function installation(uint256 networkId) external view returns (Installation memory) {
        return _installations[networkId];
    }

    /// @notice Whitelists an operator (manager only).
    function whitelistOperator(address operator) external onlyManager {
        if (operator == address(0)) revert ZeroAddress();
        if (operatorWhitelisted[operator]) revert OperatorAlreadyWhitelisted(operator);
        operatorWhitelisted[operator] = true;
        emit OperatorWhitelisted(operator);
    }

    /// @notice Removes an operator from the whitelist (manager only); it stops serving this DAM's Networks.
    function removeOperator(address operator) external onlyManager {
        if (!operatorWhitelisted[operator]) revert OperatorNotWhitelisted(operator);
        operatorWhitelisted[operator] = false;
        emit OperatorRemoved(operator);
    }

    /// @notice Asks a whitelisted Network of this DAM's type and asset to be installed with `operators`.
    function requestInstallation(uint256 networkId, address[] calldata operators, uint256 allocation)
        external
        onlyManager
    {
        if (!registry.networkWhitelisted(networkId)) revert NetworkNotWhitelisted(networkId);
        NetworkRegistry.Terms memory t = registry.terms(networkId);
        if (t.damType != damType) revert DAMTypeMismatch(damType, t.damType);
        if (t.depositAsset != address(asset)) revert AssetMismatch(address(asset), t.depositAsset);
        if (allocation < t.minDeposit) revert AllocationBelowMinDeposit(allocation, t.minDeposit);
        if (operators.length == 0 || operators.length > t.operatorsRequested) {
            revert InvalidOperatorCount(operators.length, t.operatorsRequested);
        }
        Installation storage inst = _installations[networkId];
        if (inst.status != Status.None) revert InstallationExists(networkId);
        for (uint256 i = 0; i < operators.length; i++) {
            address op = operators[i];
            if (!operatorWhitelisted[op]) revert OperatorNotWhitelisted(op);
            if (assignedOperator[networkId][op]) revert DuplicateOperator(op);
            assignedOperator[networkId][op] = true;
        }
        inst.status = Status.Requested;
        inst.allocation = allocation;
        inst.operators = operators;
        emit InstallationRequested(networkId, operators, allocation);
    }

    /// @notice The Network's admin confirms a requested installation.
    function confirmInstallation(uint256 networkId) external {
        if (registry.networkAdmin(networkId) != msg.sender) revert NotNetworkAdmin(networkId, msg.sender);
        Installation storage inst = _installations[networkId];
        if (inst.status != Status.Requested) revert NoPendingInstallation(networkId);
        if (!registry.networkWhitelisted(networkId)) revert NetworkNotWhitelisted(networkId);
        inst.status = Status.Installed;
        inst.installedAt = uint64(block.timestamp);
        emit NetworkInstalled(networkId, inst.operators, inst.allocation);
    }

    /// @notice Removes a requested or installed Network (manager or the Network's admin).
    function uninstall(uint256 networkId) external {
        if (msg.sender != manager && registry.networkAdmin(networkId) != msg.sender) {
            revert NotManagerOrNetwork(networkId, msg.sender);
        }
        Installation storage inst = _installations[networkId];
        if (inst.status == Status.None) revert NotInstalled(networkId);
        for (uint256 i = 0; i < inst.operators.length; i++) {
            assignedOperator[networkId][inst.operators[i]] = false;
        }
        delete _installations[networkId];
        emit NetworkUninstalled(networkId, msg.sender);
    }

    /// @notice Deposits `amount` of the DAM's asset (needs an ERC-20 allowance).
    function deposit(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        depositOf[msg.sender] += amount;
        totalDeposits += amount;
        if (!asset.transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
        emit Deposited(msg.sender, amount);
    }

    /// @notice Liquidity and growth DAMs pay out at once from idle assets; collateral DAMs start the
    /// lock-up and pay out with completeWithdrawal.
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 bal = depositOf[msg.sender];
        if (bal < amount) revert InsufficientDeposit(bal, amount);
        if (damType != uint8(NetworkRegistry.DAMType.Collateral)) {
            _payOut(msg.sender, amount);
            return;
        }
        PendingWithdrawal storage p = pendingWithdrawal[msg.sender];
        if (p.amount != 0) revert WithdrawalPending(p.amount, p.readyAt);
        depositOf[msg.sender] = bal - amount;
        p.amount = amount;
        p.readyAt = uint64(block.timestamp) + lockup;
        emit WithdrawalRequested(msg.sender, amount, p.readyAt);
    }

    /// @notice Second step of a collateral withdrawal, after the lock-up.
    function completeWithdrawal() external {
        if (damType != uint8(NetworkRegistry.DAMType.Collateral)) revert WrongDAMType(damType);
        PendingWithdrawal memory p = pendingWithdrawal[msg.sender];
        if (p.amount == 0) revert NoPendingWithdrawal();
        if (block.timestamp < p.readyAt) revert WithdrawalLocked(p.readyAt, uint64(block.timestamp));
        uint256 idle = asset.balanceOf(address(this));
        if (idle < p.amount) revert InsufficientLiquidity(idle, p.amount);
        delete pendingWithdrawal[msg.sender];
        totalDeposits -= p.amount;
        if (!asset.transfer(msg.sender, p.amount)) revert TransferFailed();
        emit Withdrawn(msg.sender, p.amount);
    }

    function _payOut(address to, uint256 amount) private {
        uint256 idle = asset.balanceOf(address(this));
        if (idle < amount) revert InsufficientLiquidity(idle, amount);
        depositOf[to] -= amount;
        totalDeposits -= amount;
        if (!asset.transfer(to, amount)) revert TransferFailed();
        emit Withdrawn(to, amount);
    }

    /// @notice Liquidity/growth: moves an installed Network's allocation into a time-locked vault that
    /// releases it to the Network's SAFE after the lock-up (the manager may cancel while locked).
    function fundNetwork(uint256 networkId) external onlyManager returns (address vault) {
        if (damType == uint8(NetworkRegistry.DAMType.Collateral)) revert WrongDAMType(damType);
        Installation storage inst = _installations[networkId];
        if (inst.status != Status.Installed) revert NotInstalled(networkId);
        if (inst.fundingVault != address(0)) revert AlreadyFunded(networkId);
        uint256 idle = asset.balanceOf(address(this));
        if (idle < inst.allocation) revert InsufficientLiquidity(idle, inst.allocation);
        uint64 releaseTime = uint64(block.timestamp) + lockup;
        vault = address(new TimeLockVault(asset, registry.networkAdmin(networkId), manager, address(this), releaseTime));
        inst.fundingVault = vault;
        if (!asset.transfer(vault, inst.allocation)) revert TransferFailed();
        emit NetworkFunded(networkId, vault, inst.allocation, releaseTime);
    }

    /// @notice Liquidity: the Network's SAFE returns the liquidity at the end of the service.
    function returnLiquidity(uint256 networkId, uint256 amount) external {
        if (damType != uint8(NetworkRegistry.DAMType.Liquidity)) revert WrongDAMType(damType);
        if (registry.networkAdmin(networkId) != msg.sender) revert NotNetworkAdmin(networkId, msg.sender);
        if (_installations[networkId].fundingVault == address(0)) revert NotFunded(networkId);
        if (amount == 0) revert ZeroAmount();
        if (!asset.transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
        emit LiquidityReturned(networkId, amount);
    }

    /// @notice Collateral: a Network requests `amount` of collateral for a misbehaving operator; it
    /// moves to a time-locked dispute vault (manager = arbiter) and is never burned.
    function requestCollateral(uint256 networkId, address operator, uint256 amount, string calldata reason)
        external
        returns (address vault)
    {
        if (damType != uint8(NetworkRegistry.DAMType.Collateral)) revert WrongDAMType(damType);
        if (registry.networkAdmin(networkId) != msg.sender) revert NotNetworkAdmin(networkId, msg.sender);
        if (_installations[networkId].status != Status.Installed) revert NotInstalled(networkId);
        if (!assignedOperator[networkId][operator]) revert NotAssignedOperator(networkId, operator);
        if (amount == 0) revert ZeroAmount();
        uint256 idle = asset.balanceOf(address(this));
        if (idle < amount) revert InsufficientLiquidity(idle, amount);
        uint64 releaseTime = uint64(block.timestamp) + lockup;
        vault = address(new TimeLockVault(asset, msg.sender, manager, address(this), releaseTime));
        if (!asset.transfer(vault, amount)) revert TransferFailed();
        emit PenaltyRequested(networkId, operator, vault, amount, releaseTime, reason);
    }

    /// @notice An operator of an installed Network commits the hash of its signed performance report.
    function commitReport(uint256 networkId, uint64 periodFrom, uint64 periodTo, bytes32 reportHash) external {
        if (_installations[networkId].status != Status.Installed) revert NotInstalled(networkId);
        if (!assignedOperator[networkId][msg.sender]) revert NotAssignedOperator(networkId, msg.sender);
        if (periodFrom >= periodTo) revert InvalidPeriod(periodFrom, periodTo);
        if (reportHash == bytes32(0)) revert ZeroReportHash();
        emit ReportCommitted(networkId, msg.sender, periodFrom, periodTo, reportHash);
    }
}
