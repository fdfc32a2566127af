package signing

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"
	"gopkg.in/yaml.v3"
)

// ParseConfig reads a consensus-layer network config (the config.yaml format
// of ethereum/consensus-specs and eth-clients/*) into a Network. The genesis
// validators root and genesis time are not part of that file: the caller sets
// them and then calls NewDevnet (or Validate) before use.
func ParseConfig(data []byte) (*Network, error) {
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse network config: %w", err)
	}
	p := configParser{raw: raw}
	n := &Network{Name: p.str("CONFIG_NAME")}
	switch preset := p.str("PRESET_BASE"); preset {
	case "mainnet":
		n.SlotsPerEpoch = 32
	case "minimal":
		n.SlotsPerEpoch = 8
	default:
		p.fail("PRESET_BASE", "%q is neither mainnet nor minimal", preset)
	}
	n.GenesisForkVersion = p.version("GENESIS_FORK_VERSION")
	n.AltairForkVersion, n.AltairForkEpoch = p.fork("ALTAIR")
	n.BellatrixForkVersion, n.BellatrixForkEpoch = p.fork("BELLATRIX")
	n.CapellaForkVersion, n.CapellaForkEpoch = p.fork("CAPELLA")
	n.DenebForkVersion, n.DenebForkEpoch = p.fork("DENEB")
	n.ElectraForkVersion, n.ElectraForkEpoch = p.fork("ELECTRA")
	n.FuluForkVersion, n.FuluForkEpoch = p.fork("FULU")
	n.DepositChainID = p.uint("DEPOSIT_CHAIN_ID")
	addr := p.str("DEPOSIT_CONTRACT_ADDRESS")
	if p.err == nil && !common.IsHexAddress(addr) {
		p.fail("DEPOSIT_CONTRACT_ADDRESS", "%q is not a 20-byte hex address", addr)
	}
	n.DepositContract = common.HexToAddress(addr)
	if _, ok := raw["SLOT_DURATION_MS"]; ok {
		n.SlotDuration = time.Duration(p.uint("SLOT_DURATION_MS")) * time.Millisecond
	} else {
		n.SlotDuration = time.Duration(p.uint("SECONDS_PER_SLOT")) * time.Second
	}
	if p.err != nil {
		return nil, p.err
	}
	return n, nil
}

// fork reads <NAME>_FORK_VERSION and <NAME>_FORK_EPOCH. A fork with neither
// key (e.g. Fulu in an older devnet config) is unscheduled: FarFutureEpoch.
func (p *configParser) fork(name string) (phase0.Version, phase0.Epoch) {
	vKey, eKey := name+"_FORK_VERSION", name+"_FORK_EPOCH"
	_, hasV := p.raw[vKey]
	_, hasE := p.raw[eKey]
	if !hasV && !hasE {
		return phase0.Version{}, FarFutureEpoch
	}
	return p.version(vKey), p.epoch(eKey)
}

// configParser extracts typed values, keeping the first error.
type configParser struct {
	raw map[string]yaml.Node
	err error
}

func (p *configParser) fail(key, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("parse network config: %s: %s", key, fmt.Sprintf(format, args...))
	}
}

func (p *configParser) str(key string) string {
	node, ok := p.raw[key]
	if !ok {
		p.fail(key, "missing")
		return ""
	}
	if node.Kind != yaml.ScalarNode {
		p.fail(key, "not a scalar")
		return ""
	}
	return node.Value
}

func (p *configParser) uint(key string) uint64 {
	s := p.str(key)
	if p.err != nil {
		return 0
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		p.fail(key, "%q is not an unsigned 64-bit integer", s)
	}
	return v
}

func (p *configParser) epoch(key string) phase0.Epoch {
	return phase0.Epoch(p.uint(key))
}

func (p *configParser) version(key string) phase0.Version {
	s := p.str(key)
	if p.err != nil {
		return phase0.Version{}
	}
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || !strings.HasPrefix(s, "0x") {
		p.fail(key, "%q is not 0x-prefixed hex", s)
		return phase0.Version{}
	}
	v, err := VersionFromBytes(b)
	if err != nil {
		p.fail(key, "%v", err)
	}
	return v
}
