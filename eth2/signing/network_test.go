package signing_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// TestPresetsMatchPublishedConfigs proves every preset's fork schedule,
// deposit contract and slot time equal its published config.yaml.
func TestPresetsMatchPublishedConfigs(t *testing.T) {
	tests := []struct {
		file   string
		preset *signing.Network
		// patch applies documented differences between the snapshot and the preset.
		patch func(n *signing.Network)
	}{
		{file: "mainnet.yaml", preset: signing.Mainnet()},
		{file: "holesky.yaml", preset: signing.Holesky()},
		{file: "sepolia.yaml", preset: signing.Sepolia()},
		// The hoodi snapshot predates Fulu's scheduling at epoch 50688.
		{file: "hoodi.yaml", preset: signing.Hoodi(), patch: func(n *signing.Network) { n.FuluForkEpoch = 50688 }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := signing.ParseConfig(data)
			if err != nil {
				t.Fatal(err)
			}
			if tt.patch != nil {
				tt.patch(got)
			}
			got.GenesisValidatorsRoot = tt.preset.GenesisValidatorsRoot
			got.GenesisTime = tt.preset.GenesisTime
			if *got != *tt.preset {
				t.Fatalf("config %s:\n got %+v\nwant %+v", tt.file, got, tt.preset)
			}
			if err := tt.preset.Validate(); err != nil {
				t.Fatalf("preset invalid: %v", err)
			}
		})
	}
}

func TestNetworkByName(t *testing.T) {
	for _, name := range []string{"mainnet", "holesky", "hoodi", "sepolia", " Mainnet "} {
		t.Run(name, func(t *testing.T) {
			n, err := signing.NetworkByName(name)
			if err != nil {
				t.Fatal(err)
			}
			if n.Name != strings.ToLower(strings.TrimSpace(name)) {
				t.Fatalf("name = %q", n.Name)
			}
		})
	}
	if _, err := signing.NetworkByName("goerli"); !errors.Is(err, signing.ErrUnknownNetwork) {
		t.Fatalf("goerli: err = %v, want ErrUnknownNetwork", err)
	}
}

// TestPresetsAreFreshCopies proves a caller modifying a preset cannot change
// what the next caller gets.
func TestPresetsAreFreshCopies(t *testing.T) {
	n := signing.Networks()[0]
	n.GenesisForkVersion = phase0.Version{9, 9, 9, 9}
	if signing.Mainnet().GenesisForkVersion != (phase0.Version{}) {
		t.Fatal("mutating a returned preset changed the next one")
	}
}

func TestForkAtBoundaries(t *testing.T) {
	m := signing.Mainnet()
	tests := []struct {
		epoch phase0.Epoch
		want  spec.DataVersion
	}{
		{0, spec.DataVersionPhase0},
		{74239, spec.DataVersionPhase0},
		{74240, spec.DataVersionAltair},
		{144896, spec.DataVersionBellatrix},
		{194047, spec.DataVersionBellatrix},
		{194048, spec.DataVersionCapella},
		{269568, spec.DataVersionDeneb},
		{364032, spec.DataVersionElectra},
		{411391, spec.DataVersionElectra},
		{411392, spec.DataVersionFulu},
		{signing.FarFutureEpoch, spec.DataVersionFulu},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			if got := m.ForkAt(tt.epoch).Name; got != tt.want {
				t.Fatalf("ForkAt(%d) = %s, want %s", tt.epoch, got, tt.want)
			}
		})
	}
	// An unscheduled fork is never active, even at the far-future epoch.
	n := signing.Mainnet()
	n.FuluForkEpoch = signing.FarFutureEpoch
	if got := n.ForkAt(signing.FarFutureEpoch).Name; got != spec.DataVersionElectra {
		t.Fatalf("unscheduled Fulu: ForkAt(far future) = %s, want electra", got)
	}
}

// TestDomainRules proves the per-type domain selection rules.
func TestDomainRules(t *testing.T) {
	m := signing.Mainnet()
	zero := phase0.Root{}
	mustDomain := func(dt phase0.DomainType, v phase0.Version, gvr phase0.Root) phase0.Domain {
		d, err := signing.ComputeDomain(dt, v, gvr)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name  string
		dt    phase0.DomainType
		epoch phase0.Epoch
		want  phase0.Domain
	}{
		{"deposit ignores fork and gvr", signing.DomainDeposit, 400000, mustDomain(signing.DomainDeposit, m.GenesisForkVersion, zero)},
		{"builder ignores fork and gvr", signing.DomainApplicationBuilder, 400000, mustDomain(signing.DomainApplicationBuilder, m.GenesisForkVersion, zero)},
		{"attester uses current fork", signing.DomainBeaconAttester, 400000, mustDomain(signing.DomainBeaconAttester, m.ElectraForkVersion, m.GenesisValidatorsRoot)},
		{"proposer in fulu", signing.DomainBeaconProposer, 411392, mustDomain(signing.DomainBeaconProposer, m.FuluForkVersion, m.GenesisValidatorsRoot)},
		{"exit pre-capella uses fork at epoch", signing.DomainVoluntaryExit, 150000, mustDomain(signing.DomainVoluntaryExit, m.BellatrixForkVersion, m.GenesisValidatorsRoot)},
		{"exit in capella uses capella", signing.DomainVoluntaryExit, 200000, mustDomain(signing.DomainVoluntaryExit, m.CapellaForkVersion, m.GenesisValidatorsRoot)},
		{"exit from deneb pinned to capella", signing.DomainVoluntaryExit, 269568, mustDomain(signing.DomainVoluntaryExit, m.CapellaForkVersion, m.GenesisValidatorsRoot)},
		{"bls-to-execution change uses genesis fork", signing.DomainBLSToExecutionChange, 400000, mustDomain(signing.DomainBLSToExecutionChange, m.GenesisForkVersion, m.GenesisValidatorsRoot)},
		{"exit in fulu pinned to capella", signing.DomainVoluntaryExit, 500000, mustDomain(signing.DomainVoluntaryExit, m.CapellaForkVersion, m.GenesisValidatorsRoot)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Domain(tt.dt, tt.epoch)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("domain = %#x, want %#x", got, tt.want)
			}
		})
	}
	dd, err := m.DepositDomain()
	if err != nil || dd != mustDomain(signing.DomainDeposit, phase0.Version{}, zero) {
		t.Fatalf("DepositDomain = %#x, %v", dd, err)
	}
}

// TestDutyDomainRefusesUnknownGVR proves a devnet without a genesis validators
// root can compute deposit domains but refuses beacon-duty domains.
func TestDutyDomainRefusesUnknownGVR(t *testing.T) {
	n := validDevnet()
	n.GenesisValidatorsRoot = phase0.Root{}
	if _, err := n.Domain(signing.DomainDeposit, 0); err != nil {
		t.Fatalf("deposit domain: %v", err)
	}
	for _, dt := range []phase0.DomainType{signing.DomainBeaconAttester, signing.DomainVoluntaryExit, signing.DomainRandao} {
		if _, err := n.Domain(dt, 0); !errors.Is(err, signing.ErrGenesisValidatorsRootUnknown) {
			t.Fatalf("domain %#x: err = %v, want ErrGenesisValidatorsRootUnknown", dt, err)
		}
	}
}

func validDevnet() signing.Network {
	return signing.Network{
		Name:                  "stinger-devnet",
		GenesisForkVersion:    phase0.Version{0x10, 0, 0, 0x38},
		AltairForkVersion:     phase0.Version{0x20, 0, 0, 0x38},
		BellatrixForkVersion:  phase0.Version{0x30, 0, 0, 0x38},
		CapellaForkVersion:    phase0.Version{0x40, 0, 0, 0x38},
		DenebForkVersion:      phase0.Version{0x50, 0, 0, 0x38},
		ElectraForkVersion:    phase0.Version{0x60, 0, 0, 0x38},
		FuluForkVersion:       phase0.Version{0x70, 0, 0, 0x38},
		FuluForkEpoch:         signing.FarFutureEpoch,
		GenesisValidatorsRoot: phase0.Root{1},
		GenesisTime:           time.Unix(1_700_000_000, 0),
		DepositContract:       common.HexToAddress("0x4242424242424242424242424242424242424242"),
		DepositChainID:        1337,
		SlotsPerEpoch:         8,
		SlotDuration:          2 * time.Second,
	}
}

// TestNewDevnetValidationNamesField proves each bad parameter is rejected
// with an error naming the field.
func TestNewDevnetValidationNamesField(t *testing.T) {
	tests := []struct {
		field  string
		mutate func(n *signing.Network)
	}{
		{"Name", func(n *signing.Network) { n.Name = "My Devnet" }},
		{"Name", func(n *signing.Network) { n.Name = "" }},
		{"SlotsPerEpoch", func(n *signing.Network) { n.SlotsPerEpoch = 0 }},
		{"SlotDuration", func(n *signing.Network) { n.SlotDuration = 0 }},
		{"SlotDuration", func(n *signing.Network) { n.SlotDuration = 1500 * time.Microsecond }},
		{"GenesisTime", func(n *signing.Network) { n.GenesisTime = time.Time{} }},
		{"DepositChainID", func(n *signing.Network) { n.DepositChainID = 0 }},
		{"DepositContract", func(n *signing.Network) { n.DepositContract = common.Address{} }},
		{"AltairForkVersion", func(n *signing.Network) { n.AltairForkVersion = n.GenesisForkVersion }},
		{"CapellaForkEpoch", func(n *signing.Network) { n.BellatrixForkEpoch = 10; n.CapellaForkEpoch = 5 }},
		{"ElectraForkEpoch", func(n *signing.Network) { n.ElectraForkEpoch = signing.FarFutureEpoch; n.FuluForkEpoch = 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			n := validDevnet()
			tt.mutate(&n)
			_, err := signing.NewDevnet(n)
			if !errors.Is(err, signing.ErrInvalidNetwork) {
				t.Fatalf("err = %v, want ErrInvalidNetwork", err)
			}
			if !strings.Contains(err.Error(), tt.field) && !(tt.field == "ElectraForkEpoch" && strings.Contains(err.Error(), "FuluForkEpoch")) {
				t.Fatalf("error %q does not name %s", err, tt.field)
			}
		})
	}
	good := validDevnet()
	n, err := signing.NewDevnet(good)
	if err != nil {
		t.Fatalf("valid devnet rejected: %v", err)
	}
	good.Name = "changed"
	if n.Name != "stinger-devnet" {
		t.Fatal("NewDevnet must copy its input")
	}
}

func TestParseConfigErrorsNameKey(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "mainnet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, from, to string
	}{
		{"ALTAIR_FORK_VERSION", "ALTAIR_FORK_VERSION: 0x01000000", "ALTAIR_FORK_VERSION: 0x0100"},
		{"DENEB_FORK_EPOCH", "DENEB_FORK_EPOCH: 269568", "DENEB_FORK_EPOCH: -1"},
		{"DEPOSIT_CONTRACT_ADDRESS", "DEPOSIT_CONTRACT_ADDRESS: 0x00000000219ab540356cBB839Cbe05303d7705Fa", "DEPOSIT_CONTRACT_ADDRESS: 0x1234"},
		{"FULU_FORK_VERSION", "FULU_FORK_VERSION: 0x06000000", "# removed"},
		{"PRESET_BASE", "PRESET_BASE: 'mainnet'", "PRESET_BASE: 'gnosis'"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			data := strings.Replace(string(base), tt.from, tt.to, 1)
			if data == string(base) {
				t.Fatalf("fixture line %q not found", tt.from)
			}
			_, err := signing.ParseConfig([]byte(data))
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("err = %v, want one naming %s", err, tt.key)
			}
		})
	}
}

func TestEpochAt(t *testing.T) {
	m := signing.Mainnet()
	tests := []struct {
		at   time.Time
		want phase0.Epoch
	}{
		{m.GenesisTime.Add(-time.Hour), 0},
		{m.GenesisTime, 0},
		{m.GenesisTime.Add(32*12*time.Second - time.Nanosecond), 0},
		{m.GenesisTime.Add(32 * 12 * time.Second), 1},
		{m.GenesisTime.Add(269568 * 32 * 12 * time.Second), 269568},
	}
	for _, tt := range tests {
		if got := m.EpochAt(tt.at); got != tt.want {
			t.Errorf("EpochAt(%s) = %d, want %d", tt.at, got, tt.want)
		}
	}
}

func TestComputeSigningRootNilObject(t *testing.T) {
	if _, err := signing.ComputeSigningRoot(nil, phase0.Domain{}); !errors.Is(err, signing.ErrNilObject) {
		t.Fatalf("err = %v, want ErrNilObject", err)
	}
}

// TestParseConfigLeavesMissingForksUnscheduled proves a config without Fulu
// keys yields an unscheduled Fulu that validation accepts.
func TestParseConfigLeavesMissingForksUnscheduled(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "mainnet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data := strings.Replace(strings.Replace(string(base), "FULU_FORK_VERSION: 0x06000000", "", 1), "FULU_FORK_EPOCH: 411392", "", 1)
	n, err := signing.ParseConfig([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if n.FuluForkEpoch != signing.FarFutureEpoch {
		t.Fatalf("FuluForkEpoch = %d, want far future", n.FuluForkEpoch)
	}
	n.GenesisTime = time.Unix(1606824023, 0)
	if _, err := signing.NewDevnet(*n); err != nil {
		t.Fatalf("config without Fulu rejected: %v", err)
	}
	if got := n.ForkAt(signing.FarFutureEpoch - 1).Name; got != spec.DataVersionElectra {
		t.Fatalf("latest fork = %s, want electra", got)
	}
	// Only one of the two keys is an error naming the missing one.
	half := strings.Replace(string(base), "FULU_FORK_EPOCH: 411392", "", 1)
	if _, err := signing.ParseConfig([]byte(half)); err == nil || !strings.Contains(err.Error(), "FULU_FORK_EPOCH") {
		t.Fatalf("err = %v, want one naming FULU_FORK_EPOCH", err)
	}
}

// TestDutySigningRoots proves the per-duty signing roots are
// hash_tree_root(SigningData(object_root, domain)) with the right domain,
// including the uint64 object roots of RANDAO (epoch) and selection (slot).
func TestDutySigningRoots(t *testing.T) {
	m := signing.Mainnet()
	epoch := phase0.Epoch(400000)
	randaoDomain, err := m.Domain(signing.DomainRandao, epoch)
	if err != nil {
		t.Fatal(err)
	}
	want, err := (&phase0.SigningData{ObjectRoot: signing.Uint64Root(uint64(epoch)), Domain: randaoDomain}).HashTreeRoot()
	if err != nil {
		t.Fatal(err)
	}
	got, err := signing.ComputeSigningRootFromRoot(signing.Uint64Root(uint64(epoch)), randaoDomain)
	if err != nil || got != want {
		t.Fatalf("randao signing root = %x, %v; want %x", got, err, want)
	}
	r := signing.Uint64Root(0x0102030405060708)
	if r[0] != 0x08 || r[7] != 0x01 || r[8] != 0 {
		t.Fatalf("Uint64Root is not little-endian: %x", r)
	}
	data := &phase0.AttestationData{Slot: 12800000, Index: 0, Source: &phase0.Checkpoint{Epoch: 399998}, Target: &phase0.Checkpoint{Epoch: 399999}}
	attRoot, err := m.SigningRoot(data, signing.DomainBeaconAttester, 399999)
	if err != nil {
		t.Fatal(err)
	}
	attDomain, _ := signing.ComputeDomain(signing.DomainBeaconAttester, m.ElectraForkVersion, m.GenesisValidatorsRoot)
	objRoot, _ := data.HashTreeRoot()
	wantAtt, _ := (&phase0.SigningData{ObjectRoot: objRoot, Domain: attDomain}).HashTreeRoot()
	if attRoot != wantAtt {
		t.Fatalf("attestation signing root = %x, want %x", attRoot, wantAtt)
	}
}

// TestExitDomain proves exits use the Capella version once the chain is past
// Deneb whatever their own epoch, and the version at their epoch before.
func TestExitDomain(t *testing.T) {
	m := signing.Mainnet()
	capella, _ := signing.ComputeDomain(signing.DomainVoluntaryExit, m.CapellaForkVersion, m.GenesisValidatorsRoot)
	phase0Dom, _ := signing.ComputeDomain(signing.DomainVoluntaryExit, m.GenesisForkVersion, m.GenesisValidatorsRoot)
	altair, _ := signing.ComputeDomain(signing.DomainVoluntaryExit, m.AltairForkVersion, m.GenesisValidatorsRoot)
	tests := []struct {
		name           string
		current, exitE phase0.Epoch
		want           phase0.Domain
	}{
		{"deneb chain, epoch-0 exit", 269568, 0, capella},
		{"fulu chain, recent exit", 420000, 419000, capella},
		{"altair chain, phase0 exit", 80000, 10, phase0Dom},
		{"altair chain, altair exit", 80000, 75000, altair},
		{"future exit epoch clamps to current", 80000, 150000, altair},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.ExitDomain(tt.current, tt.exitE)
			if err != nil || got != tt.want {
				t.Fatalf("ExitDomain = %#x, %v; want %#x", got, err, tt.want)
			}
		})
	}
}
