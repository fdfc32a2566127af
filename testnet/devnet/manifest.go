package devnet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ManifestFile is the name of the manifest in a devnet directory.
const ManifestFile = "devnet.json"

// Process is one started process.
type Process struct {
	// PID is the operating-system process ID (0: not running).
	PID int `json:"pid"`
	// Log is the file receiving its stdout and stderr.
	Log string `json:"log"`
}

// BeaconInfo describes the beacon chain simulator.
type BeaconInfo struct {
	Process
	// URL is the Beacon API base URL.
	URL string `json:"url"`
	// ScoreURL serves the simulator's score as JSON.
	ScoreURL string `json:"score_url"`
}

// ChainInfo describes the geth --dev chain and the marketplace deployment on it.
type ChainInfo struct {
	Process
	RPC       string `json:"rpc"`
	WS        string `json:"ws"`
	ChainID   uint64 `json:"chain_id"`
	Registry  string `json:"network_registry"`
	Factory   string `json:"dam_factory"`
	Token     string `json:"token"`
	DAM       string `json:"dam"`
	NetworkID string `json:"network_id"`
	// DeployBlock is the block holding the registry deployment.
	DeployBlock uint64 `json:"deploy_block"`
}

// NodeInfo describes one stinger node.
type NodeInfo struct {
	Process
	Name    string `json:"name"`
	PeerID  string `json:"peer_id"`
	Address string `json:"operator_address"`
	DataDir string `json:"data_dir"`
	Config  string `json:"config"`
	API     string `json:"api"`
	Metrics string `json:"metrics"`
	P2P     string `json:"p2p"`
}

// Manifest is devnet.json: every endpoint and PID of a running devnet.
type Manifest struct {
	Dir string `json:"dir"`
	// Supervisor is the PID of the `stinger devnet up` process (0 when run as a library).
	Supervisor  int           `json:"supervisor_pid"`
	Binary      string        `json:"binary"`
	Preset      string        `json:"preset"`
	SlotSeconds int           `json:"slot_seconds"`
	Validators  int           `json:"validators"`
	Threshold   int           `json:"threshold"`
	Lock        string        `json:"cluster_lock"`
	LockHash    string        `json:"lock_hash"`
	Started     time.Time     `json:"started"`
	Beacon      BeaconInfo    `json:"beacon"`
	Chain       *ChainInfo    `json:"chain,omitempty"`
	Prysm       *PrysmInfo    `json:"prysm,omitempty"`
	Nodes       []NodeInfo    `json:"nodes"`
	Notes       []string      `json:"notes,omitempty"`
	SlotTime    time.Duration `json:"-"`
}

// Save writes the manifest to dir/devnet.json atomically.
func (m *Manifest) Save() error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode devnet manifest: %w", err)
	}
	path := filepath.Join(m.Dir, ManifestFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write devnet manifest: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write devnet manifest: %w", err)
	}
	return nil
}

// LoadManifest reads dir/devnet.json.
func LoadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("read devnet manifest: %s not found: is a devnet running with --dir %s?", path, dir)
		}
		return nil, fmt.Errorf("read devnet manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode devnet manifest %s: %w", path, err)
	}
	m.SlotTime = time.Duration(m.SlotSeconds) * time.Second
	return &m, nil
}

// processes lists every process of the manifest with a name, nodes first, then chain and beacon (the
// reverse of the start order).
func (m *Manifest) processes() []namedProcess {
	var out []namedProcess
	for i := len(m.Nodes) - 1; i >= 0; i-- {
		out = append(out, namedProcess{m.Nodes[i].Name, m.Nodes[i].Process})
	}
	if m.Chain != nil {
		out = append(out, namedProcess{"geth", m.Chain.Process})
	}
	if m.Prysm != nil {
		out = append(out, namedProcess{"prysm validator", m.Prysm.Validator})
	}
	out = append(out, namedProcess{"beacon", m.Beacon.Process})
	if m.Prysm != nil {
		out = append(out, namedProcess{"prysm geth", m.Prysm.Geth})
	}
	return out
}

type namedProcess struct {
	name string
	Process
}
