package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ma "github.com/multiformats/go-multiaddr"
)

// Limits that Validate enforces.
const (
	maxNodeNameLen  = 64
	minPollInterval = 100 * time.Millisecond
	maxPollInterval = time.Hour
	maxConfirmation = 1024
)

// Allowed values (functions, so that no package-level state can be mutated).
func logLevels() []string  { return []string{"debug", "info", "warn", "error"} }
func logFormats() []string { return []string{"console", "json"} }
func httpURL() []string    { return []string{"http", "https"} }
func rpcURL() []string     { return []string{"http", "https", "ws", "wss"} }

// Validate checks every setting and returns a *ValidationError listing all
// problems (nil if there are none). Besides values it checks that the data
// directory (or, if it does not exist yet, its nearest existing parent) is a
// directory its owner may write to.
func (c *Config) Validate() error {
	p := &ValidationError{}
	if c.NodeName == "" || len(c.NodeName) > maxNodeNameLen || strings.ContainsFunc(c.NodeName, isControl) {
		p.add("node_name", c.NodeName, fmt.Sprintf("1 to %d printable characters", maxNodeNameLen))
	}
	checkDataDir(p, c.DataDir)
	if c.ClusterLockFile != "" && strings.HasSuffix(c.ClusterLockFile, string(filepath.Separator)) {
		p.add("cluster_lock_file", c.ClusterLockFile, "a file path, not a directory")
	}
	if len(c.BeaconNodeURLs) == 0 {
		p.add("beacon_node_urls", "", "at least one Beacon API URL")
	}
	checkURLs(p, "beacon_node_urls", c.BeaconNodeURLs, httpURL())
	checkURLs(p, "execution_rpc_urls", c.ExecutionRPCURLs, rpcURL())
	if !slices.Contains(logLevels(), c.Log.Level) {
		p.add("log.level", c.Log.Level, "one of "+strings.Join(logLevels(), ", "))
	}
	if !slices.Contains(logFormats(), c.Log.Format) {
		p.add("log.format", c.Log.Format, "one of "+strings.Join(logFormats(), ", "))
	}
	checkHostPort(p, "api.address", c.API.Address)
	if info, err := os.Stat(c.TokenFilePath()); err == nil && info.IsDir() {
		p.add("api.token_file", c.TokenFilePath(), "a file, found a directory")
	}
	if c.Metrics.Address != "" {
		checkHostPort(p, "metrics.address", c.Metrics.Address)
	}
	if len(c.P2P.Listen) == 0 {
		p.add("p2p.listen", "", "at least one listen multiaddress")
	}
	checkMultiaddrs(p, "p2p.listen", c.P2P.Listen)
	checkMultiaddrs(p, "p2p.external", c.P2P.External)
	checkMultiaddrs(p, "p2p.relays", c.P2P.Relays)
	c.validateMarketplace(p)
	return p.errOrNil()
}

func (c *Config) validateMarketplace(p *ValidationError) {
	m := c.Marketplace
	checkURLs(p, "marketplace.rpc_urls", m.RPCURLs, rpcURL())
	if m.Confirmations > maxConfirmation {
		p.add("marketplace.confirmations", strconv.FormatUint(m.Confirmations, 10), fmt.Sprintf("at most %d blocks", maxConfirmation))
	}
	if m.PollInterval < minPollInterval || m.PollInterval > maxPollInterval {
		p.add("marketplace.poll_interval", m.PollInterval.String(), fmt.Sprintf("a duration between %s and %s", minPollInterval, maxPollInterval))
	}
	contracts := []struct{ key, value string }{
		{"marketplace.contracts.network_registry", m.Contracts.NetworkRegistry},
		{"marketplace.contracts.dam_factory", m.Contracts.DAMFactory},
	}
	for _, ct := range contracts {
		switch {
		case ct.value == "" && m.Enabled:
			p.add(ct.key, "", "a contract address when marketplace.enabled is true")
		case ct.value == "":
		case !strings.HasPrefix(ct.value, "0x") || !common.IsHexAddress(ct.value):
			p.add(ct.key, ct.value, "a 0x-prefixed 20-byte hex address")
		case common.HexToAddress(ct.value) == (common.Address{}):
			p.add(ct.key, ct.value, "a non-zero contract address")
		}
	}
	if m.Enabled && len(c.MarketplaceRPCURLs()) == 0 {
		p.add("marketplace.rpc_urls", "", "at least one RPC URL (here or in execution_rpc_urls) when marketplace.enabled is true")
	}
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func checkURLs(p *ValidationError, key string, urls []string, schemes []string) {
	seen := map[string]bool{}
	for i, raw := range urls {
		field := fmt.Sprintf("%s[%d]", key, i)
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Host == "" || u.Opaque != "":
			p.add(field, raw, "an absolute URL such as "+schemes[0]+"://host:port")
		case !slices.Contains(schemes, u.Scheme):
			p.add(field, raw, "a URL with scheme "+strings.Join(schemes, ", "))
		case u.Port() != "" && !validPort(u.Port()):
			p.add(field, raw, "a URL whose port is 1-65535")
		case seen[raw]:
			p.add(field, raw, "no duplicate URLs")
		}
		seen[raw] = true
	}
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

func checkHostPort(p *ValidationError, key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		p.add(key, addr, "host:port, e.g. 127.0.0.1:3620")
		return
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		p.add(key, addr, "a port in the range 0-65535")
		return
	}
	if strings.ContainsAny(host, " /") {
		p.add(key, addr, "a host name or IP address before the port")
	}
}

func checkMultiaddrs(p *ValidationError, key string, addrs []string) {
	for i, s := range addrs {
		field := fmt.Sprintf("%s[%d]", key, i)
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			p.add(field, s, "a multiaddress such as /ip4/0.0.0.0/tcp/3610 ("+err.Error()+")")
			continue
		}
		if _, err := m.ValueForProtocol(ma.P_TCP); err != nil {
			if _, err := m.ValueForProtocol(ma.P_UDP); err != nil {
				p.add(field, s, "a multiaddress with a tcp or udp port")
			}
		}
	}
}

// CheckDataDir applies Validate's data_dir check to dir alone (for commands
// such as `identity create` that take a data directory without a config).
func CheckDataDir(dir string) error {
	p := &ValidationError{}
	checkDataDir(p, dir)
	if len(p.Problems) == 0 {
		return nil
	}
	return p.Problems[0]
}

// checkDataDir requires data_dir to be a directory this process may write to
// or, if it does not exist yet, to have such an existing parent. It inspects
// permission bits rather than trying a write so that a directory with u-w is
// reported even when stinger runs as root (which would mask it), and so that
// `config check` writes nothing.
func checkDataDir(p *ValidationError, dir string) {
	if dir == "" {
		p.add("data_dir", dir, "a directory path")
		return
	}
	path := filepath.Clean(dir)
	for {
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			parent := filepath.Dir(path)
			if parent == path {
				break
			}
			path = parent
			continue
		}
		if err != nil {
			p.add("data_dir", dir, fmt.Sprintf("an accessible directory (%v)", err))
			return
		}
		if !info.IsDir() {
			p.add("data_dir", dir, fmt.Sprintf("a directory, but %s is not a directory", path))
			return
		}
		if !writableBy(info) {
			p.add("data_dir", dir, fmt.Sprintf("a writable directory, but %s has mode %04o (no write permission for this user)", path, info.Mode().Perm()))
		}
		return
	}
}
