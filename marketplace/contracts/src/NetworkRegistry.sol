// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Registry of Networks (services that buy security, liquidity or growth from DAMs).
/// @notice A Network registers its service terms; governance whitelists (or delists) it and the ERC-20
/// assets that DAMs may accept. DAMs only install whitelisted Networks.
contract NetworkRegistry {
    /// @notice DAM and Network type. A DAM installs only Networks of its own type.
    enum DAMType {
        Liquidity,
        Growth,
        Collateral
    }

    /// @notice Service terms of a Network.
    struct Terms {
        address depositAsset;
        uint256 minDeposit;
        uint256 amountRequested;
        uint32 operatorsRequested;
        uint64 duration;
        uint8 damType;
        address rewardToken;
        uint256 rewardPerDeposit;
        uint256 rewardPerDayOperated;
        uint256 rewardPerDayCollateral;
        string penaltyTerms;
        string taskSpecURI;
        bytes32 taskSpecHash;
    }

    error NotGovernance(address caller);
    error NotNetworkAdmin(uint256 networkId, address caller);
    error ZeroAddress();
    error AssetNotWhitelisted(address asset);
    error InvalidDAMType(uint8 damType);
    error ZeroMinDeposit();
    error AmountBelowMinDeposit(uint256 amountRequested, uint256 minDeposit);
    error ZeroOperatorsRequested();
    error ZeroDuration();
    error EmptyTaskSpecURI();
    error ZeroTaskSpecHash();
    error UnknownNetwork(uint256 networkId);
    error AlreadyWhitelisted(uint256 networkId);
    error NotWhitelisted(uint256 networkId);

    event GovernanceTransferred(address indexed previous, address indexed next);
    event AssetWhitelistSet(address indexed asset, bool whitelisted);
    event NetworkRegistered(uint256 indexed networkId, address indexed admin, Terms terms);
    event TaskSpecUpdated(uint256 indexed networkId, string taskSpecURI, bytes32 taskSpecHash);
    event NetworkWhitelisted(uint256 indexed networkId);
    event NetworkDelisted(uint256 indexed networkId);

    address public governance;
    uint256 public networkCount;
    mapping(address => bool) public assetWhitelisted;
    mapping(uint256 => Terms) private _terms;
    mapping(uint256 => address) public networkAdmin;
    mapping(uint256 => bool) public networkWhitelisted;

    modifier onlyGovernance() {
        if (msg.sender != governance) revert NotGovernance(msg.sender);
        _;
    }

    constructor(address governance_) {
        if (governance_ == address(0)) revert ZeroAddress();
        governance = governance_;
        emit GovernanceTransferred(address(0), governance_);
    }

    /// @notice Hands governance to `next`.
    function transferGovernance(address next) external onlyGovernance {
        if (next == address(0)) revert ZeroAddress();
        emit GovernanceTransferred(governance, next);
        governance = next;
    }

    /// @notice Whitelists or removes an ERC-20 asset that Networks and DAMs may use.
    function setAssetWhitelisted(address asset, bool whitelisted) external onlyGovernance {
        if (asset == address(0)) revert ZeroAddress();
        assetWhitelisted[asset] = whitelisted;
        emit AssetWhitelistSet(asset, whitelisted);
    }

    /// @notice Registers a Network; the caller becomes its admin (its SAFE). Ids start at 1.
    function register(Terms calldata t) external returns (uint256 networkId) {
        _checkTerms(t);
        networkId = ++networkCount;
        _terms[networkId] = t;
        networkAdmin[networkId] = msg.sender;
        emit NetworkRegistered(networkId, msg.sender, t);
    }

    /// @notice Replaces the task specification of a Network (admin only).
    function updateTaskSpec(uint256 networkId, string calldata uri, bytes32 hash) external {
        if (networkAdmin[networkId] != msg.sender) revert NotNetworkAdmin(networkId, msg.sender);
        if (bytes(uri).length == 0) revert EmptyTaskSpecURI();
        if (hash == bytes32(0)) revert ZeroTaskSpecHash();
        _terms[networkId].taskSpecURI = uri;
        _terms[networkId].taskSpecHash = hash;
        emit TaskSpecUpdated(networkId, uri, hash);
    }

    /// @notice Whitelists a registered Network (governance only).
    function whitelistNetwork(uint256 networkId) external onlyGovernance {
        if (networkAdmin[networkId] == address(0)) revert UnknownNetwork(networkId);
        if (networkWhitelisted[networkId]) revert AlreadyWhitelisted(networkId);
        networkWhitelisted[networkId] = true;
        emit NetworkWhitelisted(networkId);
    }

    /// @notice Delists a whitelisted Network (governance only); operators stop serving it.
    function delistNetwork(uint256 networkId) external onlyGovernance {
        if (!networkWhitelisted[networkId]) revert NotWhitelisted(networkId);
        networkWhitelisted[networkId] = false;
        emit NetworkDelisted(networkId);
    }

    /// @notice Returns the service terms of a Network.
    function terms(uint256 networkId) external view returns (Terms memory) {
        if (networkAdmin[networkId] == address(0)) revert UnknownNetwork(networkId);
        return _terms[networkId];
    }

    function _checkTerms(Terms calldata t) private view {
        if (!assetWhitelisted[t.depositAsset]) revert AssetNotWhitelisted(t.depositAsset);
        if (t.damType > uint8(DAMType.Collateral)) revert InvalidDAMType(t.damType);
        if (t.minDeposit == 0) revert ZeroMinDeposit();
        if (t.amountRequested < t.minDeposit) revert AmountBelowMinDeposit(t.amountRequested, t.minDeposit);
        if (t.operatorsRequested == 0) revert ZeroOperatorsRequested();
        if (t.duration == 0) revert ZeroDuration();
        if (t.rewardToken == address(0)) revert ZeroAddress();
        if (bytes(t.taskSpecURI).length == 0) revert EmptyTaskSpecURI();
        if (t.taskSpecHash == bytes32(0)) revert ZeroTaskSpecHash();
    }
}
