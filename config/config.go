package config

import (
	"path/filepath"
	"time"
)

// Config is the complete configuration of a stinger node. Each leaf field is a
// setting; its `yaml` tag is the key, its `doc` tag the one-line description
// used by `stinger config defaults`, flag help and the README reference.
type Config struct {
	// NodeName identifies this node in the node API.
	NodeName string `yaml:"node_name" doc:"name of this node, reported by GET /eigen/node"`
	// DataDir holds the operator key, the API token and all node state.
	DataDir string `yaml:"data_dir" doc:"directory for the operator key, API token and node state (created with mode 0700)"`
	// ClusterLockFile is the path of the cluster lock file.
	ClusterLockFile string `yaml:"cluster_lock_file" doc:"path of the cluster lock file (empty: <data_dir>/cluster-lock.json)"`
	// BeaconNodeURLs are the Beacon API endpoints, in order of preference.
	BeaconNodeURLs []string `yaml:"beacon_node_urls" doc:"Beacon API endpoints (http or https), in order of preference"`
	// ExecutionRPCURLs are the execution-layer JSON-RPC endpoints.
	ExecutionRPCURLs []string `yaml:"execution_rpc_urls" doc:"execution-layer JSON-RPC endpoints (http, https, ws or wss)"`

	Log         LogConfig         `yaml:"log"`
	API         APIConfig         `yaml:"api"`
	Metrics     MetricsConfig     `yaml:"metrics"`
	P2P         P2PConfig         `yaml:"p2p"`
	Marketplace MarketplaceConfig `yaml:"marketplace"`
}

// LogConfig selects log verbosity and encoding.
type LogConfig struct {
	// Level is the minimum level logged.
	Level string `yaml:"level" doc:"minimum log level: debug, info, warn or error"`
	// Format is the log encoding.
	Format string `yaml:"format" doc:"log format: console (human-readable) or json"`
}

// APIConfig configures the node REST API.
type APIConfig struct {
	// Address is the listen address of the node API.
	Address string `yaml:"address" doc:"listen address host:port of the node API (port 0 picks a free port)"`
	// TokenFile holds the bearer token that mutating endpoints require.
	TokenFile string `yaml:"token_file" doc:"file holding the bearer token for mutating API endpoints, created with mode 0600 if missing (empty: <data_dir>/api-token)"`
}

// MetricsConfig configures the Prometheus endpoint.
type MetricsConfig struct {
	// Address is the listen address for /metrics; empty or equal to the API
	// address serves metrics on the API server.
	Address string `yaml:"address" doc:"listen address host:port of /metrics (empty or equal to api.address: served by the node API)"`
}

// P2PConfig configures the libp2p host.
type P2PConfig struct {
	// Listen are the multiaddresses the p2p host listens on.
	Listen []string `yaml:"listen" doc:"libp2p listen multiaddresses, e.g. /ip4/0.0.0.0/tcp/3610"`
	// External are multiaddresses advertised to peers in addition to Listen.
	External []string `yaml:"external" doc:"libp2p multiaddresses advertised to peers (e.g. a public IP behind NAT)"`
	// Relays are circuit relay v2 servers used to reach and be reached by peers behind NAT.
	Relays []string `yaml:"relays" doc:"circuit relay v2 multiaddresses ending in /p2p/<peer id>, for operators behind NAT"`
}

// MarketplaceConfig configures the marketplace agent.
type MarketplaceConfig struct {
	// Enabled turns the marketplace agent on.
	Enabled bool `yaml:"enabled" doc:"run the marketplace agent"`
	// RPCURLs are the chain endpoints the agent watches; empty uses ExecutionRPCURLs.
	RPCURLs []string `yaml:"rpc_urls" doc:"JSON-RPC endpoints of the marketplace chain (empty: execution_rpc_urls)"`
	// Confirmations is how many blocks an event must be buried before it is acted on.
	Confirmations uint64 `yaml:"confirmations" doc:"blocks an event must be buried under before the agent acts on it"`
	// StartBlock is where the agent starts following the contracts (their deployment block).
	StartBlock uint64 `yaml:"start_block" doc:"block to start following the contracts from (their deployment block)"`
	// PollInterval is how often the agent polls the chain for new blocks.
	PollInterval time.Duration `yaml:"poll_interval" doc:"how often the agent polls the chain for new blocks (Go duration, e.g. 12s)"`
	// Contracts are the marketplace contract addresses.
	Contracts ContractsConfig `yaml:"contracts"`
}

// ContractsConfig holds the marketplace contract addresses (0x-hex).
type ContractsConfig struct {
	// NetworkRegistry is the NetworkRegistry contract address.
	NetworkRegistry string `yaml:"network_registry" doc:"NetworkRegistry contract address (0x-prefixed, 20 bytes)"`
	// DAMFactory is the DAMFactory contract address.
	DAMFactory string `yaml:"dam_factory" doc:"DAMFactory contract address (0x-prefixed, 20 bytes)"`
}

// Default returns the configuration used for every setting that no file,
// environment variable or flag sets.
func Default() *Config {
	return &Config{
		NodeName:         "stinger",
		DataDir:          "./data",
		BeaconNodeURLs:   []string{"http://127.0.0.1:5052"},
		ExecutionRPCURLs: []string{"http://127.0.0.1:8545"},
		Log:              LogConfig{Level: "info", Format: "console"},
		API:              APIConfig{Address: "127.0.0.1:3620"},
		P2P:              P2PConfig{Listen: []string{"/ip4/0.0.0.0/tcp/3610"}, External: []string{}, Relays: []string{}},
		Marketplace: MarketplaceConfig{
			Enabled:       false,
			RPCURLs:       []string{},
			Confirmations: 6,
			PollInterval:  12 * time.Second,
		},
	}
}

// TokenFilePath returns the API token file, defaulting to <data_dir>/api-token.
func (c *Config) TokenFilePath() string {
	if c.API.TokenFile != "" {
		return c.API.TokenFile
	}
	return filepath.Join(c.DataDir, "api-token")
}

// ClusterLockPath returns the cluster lock file, defaulting to <data_dir>/cluster-lock.json.
func (c *Config) ClusterLockPath() string {
	if c.ClusterLockFile != "" {
		return c.ClusterLockFile
	}
	return filepath.Join(c.DataDir, "cluster-lock.json")
}

// MetricsOnAPI reports whether /metrics is served by the node API server.
func (c *Config) MetricsOnAPI() bool {
	return c.Metrics.Address == "" || c.Metrics.Address == c.API.Address
}

// MarketplaceRPCURLs returns the marketplace chain endpoints, falling back to
// the execution RPC URLs.
func (c *Config) MarketplaceRPCURLs() []string {
	if len(c.Marketplace.RPCURLs) > 0 {
		return c.Marketplace.RPCURLs
	}
	return c.ExecutionRPCURLs
}
