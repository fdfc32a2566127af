package prysm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// ChainID is the execution chain's ID (and the deposit chain ID of the beacon config): the one Prysm's
// interop genesis uses.
const ChainID = 1337

// FarFutureEpoch is the epoch of a fork that never comes.
const FarFutureEpoch = uint64(1<<64 - 1)

// systemContracts are the execution-layer contracts Electra needs in the genesis state: EIP-4788 beacon
// roots, EIP-2935 block hashes, EIP-7002 withdrawal requests and EIP-7251 consolidation requests.
// `prysmctl testnet generate-genesis` leaves them out; `geth --dev dumpgenesis` has them.
var systemContracts = []string{
	"0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02",
	"0x0000F90827F1C53a10cb7A02335B175320002935",
	"0x00000961Ef480Eb55e80D19ad83579A64c007002",
	"0x0000BBdDc7CE488642fb579F8B00f3a590007251",
}

// ForkVersions are the network's fork versions: genesis (phase 0) and one per later fork.
type ForkVersions struct {
	Genesis, Altair, Bellatrix, Capella, Deneb, Electra, Fulu phase0.Version
}

// ForkVersionsFrom derives distinct fork versions from a genesis fork version the way the beacon chain
// simulator does: the first byte is 0x10 for genesis, 0x20 for Altair, ..., 0x70 for Fulu.
func ForkVersionsFrom(genesis phase0.Version) ForkVersions {
	v := func(b byte) phase0.Version { x := genesis; x[0] = b; return x }
	return ForkVersions{Genesis: genesis, Altair: v(0x20), Bellatrix: v(0x30), Capella: v(0x40), Deneb: v(0x50),
		Electra: v(0x60), Fulu: v(0x70)}
}

// chainConfig is the beacon chain config (Prysm's --chain-config-file): the mainnet preset, every fork
// through Electra at epoch 0, Fulu never (Prysm's genesis tool writes no Osaka time for geth), an empty
// blob schedule (mainnet's BPO entries belong to Fulu).
func chainConfig(validators int, slotSeconds int, fv ForkVersions) string {
	hexv := func(v phase0.Version) string { return "0x" + hex.EncodeToString(v[:]) }
	var b strings.Builder
	fmt.Fprintf(&b, "PRESET_BASE: '%s'\nCONFIG_NAME: 'stinger-prysm-devnet'\n", Preset)
	fmt.Fprintf(&b, "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT: %d\nGENESIS_DELAY: 0\n", validators)
	fmt.Fprintf(&b, "SECONDS_PER_SLOT: %d\n", slotSeconds)
	fmt.Fprintf(&b, "DEPOSIT_CHAIN_ID: %d\nDEPOSIT_NETWORK_ID: %d\nTERMINAL_TOTAL_DIFFICULTY: 0\n", ChainID, ChainID)
	fmt.Fprintf(&b, "GENESIS_FORK_VERSION: %s\n", hexv(fv.Genesis))
	for _, f := range []struct {
		name string
		v    phase0.Version
	}{{"ALTAIR", fv.Altair}, {"BELLATRIX", fv.Bellatrix}, {"CAPELLA", fv.Capella}, {"DENEB", fv.Deneb}, {"ELECTRA", fv.Electra}} {
		fmt.Fprintf(&b, "%s_FORK_VERSION: %s\n%s_FORK_EPOCH: 0\n", f.name, hexv(f.v), f.name)
	}
	fmt.Fprintf(&b, "FULU_FORK_VERSION: %s\nFULU_FORK_EPOCH: %d\n", hexv(fv.Fulu), FarFutureEpoch)
	b.WriteString("BLOB_SCHEDULE: []\n")
	return b.String()
}

// genesisFiles are the generated network files in a directory.
type genesisFiles struct {
	Config, GenesisSSZ, GethGenesis, JWT string
}

func filesIn(dir string) genesisFiles {
	return genesisFiles{Config: filepath.Join(dir, "config.yaml"), GenesisSSZ: filepath.Join(dir, "genesis.ssz"),
		GethGenesis: filepath.Join(dir, "genesis.json"), JWT: filepath.Join(dir, "jwt.hex")}
}

// Genesis is what the generated genesis state says.
type Genesis struct {
	Time               time.Time
	ValidatorsRoot     phase0.Root
	ExecutionBlockHash phase0.Hash32
	Validators         int
}

// generateGenesis writes the chain config, the beacon genesis state and the matching geth genesis into
// dir. prysmctl writes a geth genesis without the system contracts, so it runs twice: once for the geth
// genesis, which then gets the system contracts of `geth --dev dumpgenesis`, and once more from that
// genesis, so that the beacon state's execution block hash is the hash of the genesis geth starts from.
func generateGenesis(ctx context.Context, cfg *Config, genesisTime time.Time) (genesisFiles, *Genesis, error) {
	f := filesIn(cfg.Dir)
	conf := chainConfig(cfg.Validators, int(cfg.Slot/time.Second), ForkVersionsFrom(cfg.GenesisForkVersion))
	if err := os.WriteFile(f.Config, []byte(conf), 0o644); err != nil {
		return f, nil, fmt.Errorf("write chain config: %w", err)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return f, nil, err
	}
	if err := os.WriteFile(f.JWT, []byte(hex.EncodeToString(secret)), 0o600); err != nil {
		return f, nil, fmt.Errorf("write jwt secret: %w", err)
	}
	gen := func(in, out string) error {
		args := []string{"testnet", "generate-genesis", "--fork", "electra", "--num-validators", fmt.Sprint(cfg.Validators),
			"--genesis-time", fmt.Sprint(genesisTime.Unix()), "--chain-config-file", f.Config,
			"--geth-genesis-json-out", out, "--output-ssz", f.GenesisSSZ}
		if in != "" {
			args = append(args, "--geth-genesis-json-in", in)
		}
		return run(ctx, cfg.Binaries.Prysmctl, args...)
	}
	first := filepath.Join(cfg.Dir, "genesis-prysmctl.json")
	if err := gen("", first); err != nil {
		return f, nil, err
	}
	dev, err := output(ctx, cfg.Geth, "--dev", "dumpgenesis")
	if err != nil {
		return f, nil, err
	}
	patched, err := addSystemContracts(first, dev)
	if err != nil {
		return f, nil, err
	}
	in := filepath.Join(cfg.Dir, "genesis-with-system-contracts.json")
	if err := os.WriteFile(in, patched, 0o644); err != nil {
		return f, nil, err
	}
	if err := gen(in, f.GethGenesis); err != nil {
		return f, nil, err
	}
	g, err := readGenesisState(f.GenesisSSZ)
	if err != nil {
		return f, nil, err
	}
	return f, g, nil
}

// addSystemContracts copies the system contracts' accounts from a geth --dev genesis into the alloc of
// the geth genesis file at path, and sets its base fee if it has none.
func addSystemContracts(path string, devGenesis []byte) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var g map[string]json.RawMessage
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	var alloc, devAlloc map[string]json.RawMessage
	if err := json.Unmarshal(g["alloc"], &alloc); err != nil {
		return nil, fmt.Errorf("decode alloc of %s: %w", path, err)
	}
	var dev struct {
		Alloc map[string]json.RawMessage `json:"alloc"`
	}
	if err := json.Unmarshal(devGenesis, &dev); err != nil {
		return nil, fmt.Errorf("decode geth --dev dumpgenesis: %w", err)
	}
	devAlloc = make(map[string]json.RawMessage, len(dev.Alloc))
	for k, v := range dev.Alloc {
		devAlloc[normAddr(k)] = v
	}
	have := make(map[string]bool, len(alloc))
	for k := range alloc {
		have[normAddr(k)] = true
	}
	for _, a := range systemContracts {
		acct, ok := devAlloc[normAddr(a)]
		if !ok {
			return nil, fmt.Errorf("geth --dev dumpgenesis has no system contract %s", a)
		}
		if !have[normAddr(a)] {
			alloc[strings.ToLower(a)] = acct
		}
	}
	if g["alloc"], err = json.Marshal(alloc); err != nil {
		return nil, err
	}
	// prysmctl refuses a post-merge geth genesis without a base fee (its own leaves it out): 1 gwei, the
	// London default.
	if b, ok := g["baseFeePerGas"]; !ok || string(b) == "null" {
		g["baseFeePerGas"] = json.RawMessage(`"0x3b9aca00"`)
	}
	return json.MarshalIndent(g, "", "  ")
}

func normAddr(a string) string { return strings.TrimPrefix(strings.ToLower(a), "0x") }

// readGenesisState decodes the SSZ genesis state (Electra, mainnet preset).
func readGenesisState(path string) (*Genesis, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st electra.BeaconState
	if err := st.UnmarshalSSZ(raw); err != nil {
		return nil, fmt.Errorf("decode genesis state %s as Electra (mainnet preset): %w", path, err)
	}
	if st.LatestExecutionPayloadHeader == nil || st.Fork == nil {
		return nil, fmt.Errorf("genesis state %s: no execution payload header or fork", path)
	}
	return &Genesis{Time: time.Unix(int64(st.GenesisTime), 0), ValidatorsRoot: st.GenesisValidatorsRoot,
		ExecutionBlockHash: st.LatestExecutionPayloadHeader.BlockHash, Validators: len(st.Validators)}, nil
}

// run runs a short command and returns its output on failure.
func run(ctx context.Context, bin string, args ...string) error {
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, tailBytes(out, 3000))
	}
	return nil
}

// output runs a short command and returns its standard output.
func output(ctx context.Context, bin string, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, tailBytes(stderr.Bytes(), 3000))
	}
	return out, nil
}
