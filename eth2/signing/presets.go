package signing

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"
)

// Network names of the built-in presets.
const (
	NameMainnet = "mainnet"
	NameHolesky = "holesky"
	NameHoodi   = "hoodi"
	NameSepolia = "sepolia"
)

// Networks returns fresh copies of every built-in network preset, ordered
// mainnet, holesky, hoodi, sepolia.
func Networks() []*Network {
	return []*Network{Mainnet(), Holesky(), Hoodi(), Sepolia()}
}

// NetworkByName returns a fresh copy of the named preset.
func NetworkByName(name string) (*Network, error) {
	for _, n := range Networks() {
		if n.Name == strings.ToLower(strings.TrimSpace(name)) {
			return n, nil
		}
	}
	return nil, fmt.Errorf("network %q: %w (known: mainnet, holesky, hoodi, sepolia)", name, ErrUnknownNetwork)
}

// Mainnet returns the Ethereum mainnet preset.
//
// Sources: fork versions/epochs, deposit contract and chain ID from
// ethereum/consensus-specs configs/mainnet.yaml at a08d8a6e (copied to
// testdata/mainnet.yaml); genesis time 1606824023 and genesis validators root
// from the mainnet genesis state (eth-clients/mainnet README; the GVR is also
// the one used by testdata/signed_voluntary_exit_vectors.json).
func Mainnet() *Network {
	return &Network{
		Name:                  NameMainnet,
		GenesisForkVersion:    phase0.Version{0x00, 0x00, 0x00, 0x00},
		AltairForkVersion:     phase0.Version{0x01, 0x00, 0x00, 0x00},
		AltairForkEpoch:       74240,
		BellatrixForkVersion:  phase0.Version{0x02, 0x00, 0x00, 0x00},
		BellatrixForkEpoch:    144896,
		CapellaForkVersion:    phase0.Version{0x03, 0x00, 0x00, 0x00},
		CapellaForkEpoch:      194048,
		DenebForkVersion:      phase0.Version{0x04, 0x00, 0x00, 0x00},
		DenebForkEpoch:        269568,
		ElectraForkVersion:    phase0.Version{0x05, 0x00, 0x00, 0x00},
		ElectraForkEpoch:      364032,
		FuluForkVersion:       phase0.Version{0x06, 0x00, 0x00, 0x00},
		FuluForkEpoch:         411392,
		GenesisValidatorsRoot: mustRoot("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"),
		GenesisTime:           time.Unix(1606824023, 0).UTC(),
		DepositContract:       common.HexToAddress("0x00000000219ab540356cBB839Cbe05303d7705Fa"),
		DepositChainID:        1,
		SlotsPerEpoch:         32,
		SlotDuration:          12 * time.Second,
	}
}

// Holesky returns the Holešky testnet preset.
//
// Sources: eth-clients/holesky metadata/config.yaml at 8aec65f1 (copied to
// testdata/holesky.yaml); genesis validators root from its README; genesis
// time = MIN_GENESIS_TIME 1695902100 + GENESIS_DELAY 300.
func Holesky() *Network {
	return &Network{
		Name:                  NameHolesky,
		GenesisForkVersion:    phase0.Version{0x01, 0x01, 0x70, 0x00},
		AltairForkVersion:     phase0.Version{0x02, 0x01, 0x70, 0x00},
		AltairForkEpoch:       0,
		BellatrixForkVersion:  phase0.Version{0x03, 0x01, 0x70, 0x00},
		BellatrixForkEpoch:    0,
		CapellaForkVersion:    phase0.Version{0x04, 0x01, 0x70, 0x00},
		CapellaForkEpoch:      256,
		DenebForkVersion:      phase0.Version{0x05, 0x01, 0x70, 0x00},
		DenebForkEpoch:        29696,
		ElectraForkVersion:    phase0.Version{0x06, 0x01, 0x70, 0x00},
		ElectraForkEpoch:      115968,
		FuluForkVersion:       phase0.Version{0x07, 0x01, 0x70, 0x00},
		FuluForkEpoch:         165120,
		GenesisValidatorsRoot: mustRoot("9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1"),
		GenesisTime:           time.Unix(1695902400, 0).UTC(),
		DepositContract:       common.HexToAddress("0x4242424242424242424242424242424242424242"),
		DepositChainID:        17000,
		SlotsPerEpoch:         32,
		SlotDuration:          12 * time.Second,
	}
}

// Hoodi returns the Hoodi testnet preset.
//
// Sources: eth-clients/hoodi metadata/config.yaml at 7f71638a (copied to
// testdata/hoodi.yaml) and metadata/genesis_validators_root.txt; genesis time =
// MIN_GENESIS_TIME 1742212800 + GENESIS_DELAY 600. That snapshot still has
// Fulu unscheduled: FULU_FORK_EPOCH 50688 is from the later Fulu release of
// the Hoodi config (as also carried by client network specs).
func Hoodi() *Network {
	return &Network{
		Name:                  NameHoodi,
		GenesisForkVersion:    phase0.Version{0x10, 0x00, 0x09, 0x10},
		AltairForkVersion:     phase0.Version{0x20, 0x00, 0x09, 0x10},
		AltairForkEpoch:       0,
		BellatrixForkVersion:  phase0.Version{0x30, 0x00, 0x09, 0x10},
		BellatrixForkEpoch:    0,
		CapellaForkVersion:    phase0.Version{0x40, 0x00, 0x09, 0x10},
		CapellaForkEpoch:      0,
		DenebForkVersion:      phase0.Version{0x50, 0x00, 0x09, 0x10},
		DenebForkEpoch:        0,
		ElectraForkVersion:    phase0.Version{0x60, 0x00, 0x09, 0x10},
		ElectraForkEpoch:      2048,
		FuluForkVersion:       phase0.Version{0x70, 0x00, 0x09, 0x10},
		FuluForkEpoch:         50688,
		GenesisValidatorsRoot: mustRoot("212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f"),
		GenesisTime:           time.Unix(1742213400, 0).UTC(),
		DepositContract:       common.HexToAddress("0x00000000219ab540356cBB839Cbe05303d7705Fa"),
		DepositChainID:        560048,
		SlotsPerEpoch:         32,
		SlotDuration:          12 * time.Second,
	}
}

// Sepolia returns the Sepolia testnet preset.
//
// Sources: eth-clients/sepolia metadata/config.yaml at 00d17b43 (fork and
// deposit lines copied to testdata/sepolia.yaml); genesis time 1655733600 and
// genesis validators root from its README.
func Sepolia() *Network {
	return &Network{
		Name:                  NameSepolia,
		GenesisForkVersion:    phase0.Version{0x90, 0x00, 0x00, 0x69},
		AltairForkVersion:     phase0.Version{0x90, 0x00, 0x00, 0x70},
		AltairForkEpoch:       50,
		BellatrixForkVersion:  phase0.Version{0x90, 0x00, 0x00, 0x71},
		BellatrixForkEpoch:    100,
		CapellaForkVersion:    phase0.Version{0x90, 0x00, 0x00, 0x72},
		CapellaForkEpoch:      56832,
		DenebForkVersion:      phase0.Version{0x90, 0x00, 0x00, 0x73},
		DenebForkEpoch:        132608,
		ElectraForkVersion:    phase0.Version{0x90, 0x00, 0x00, 0x74},
		ElectraForkEpoch:      222464,
		FuluForkVersion:       phase0.Version{0x90, 0x00, 0x00, 0x75},
		FuluForkEpoch:         272640,
		GenesisValidatorsRoot: mustRoot("d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078"),
		GenesisTime:           time.Unix(1655733600, 0).UTC(),
		DepositContract:       common.HexToAddress("0x7f02C3E3c98b133055B8B348B2Ac625669Ed295D"),
		DepositChainID:        11155111,
		SlotsPerEpoch:         32,
		SlotDuration:          12 * time.Second,
	}
}

// mustRoot decodes a compile-time hex literal; the presets' tests exercise
// every call, so a typo fails the test suite rather than production.
func mustRoot(s string) phase0.Root {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		panic(fmt.Sprintf("signing: bad root literal %q", s))
	}
	return phase0.Root(b)
}
