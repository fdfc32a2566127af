package signing

import (
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Domain types (consensus-specs phase0, altair and capella beacon-chain.md,
// "Domain types"; builder-specs for the application mask). They are variables
// only because Go has no array constants: treat them as constants.
var (
	// DomainBeaconProposer signs beacon blocks.
	DomainBeaconProposer = phase0.DomainType{0x00, 0x00, 0x00, 0x00}
	// DomainBeaconAttester signs attestation data.
	DomainBeaconAttester = phase0.DomainType{0x01, 0x00, 0x00, 0x00}
	// DomainRandao signs the RANDAO reveal (the epoch).
	DomainRandao = phase0.DomainType{0x02, 0x00, 0x00, 0x00}
	// DomainDeposit signs deposit messages (genesis fork version, zero GVR).
	DomainDeposit = phase0.DomainType{0x03, 0x00, 0x00, 0x00}
	// DomainVoluntaryExit signs voluntary exits (Capella-pinned from Deneb on, EIP-7044).
	DomainVoluntaryExit = phase0.DomainType{0x04, 0x00, 0x00, 0x00}
	// DomainSelectionProof signs the slot for aggregator selection.
	DomainSelectionProof = phase0.DomainType{0x05, 0x00, 0x00, 0x00}
	// DomainAggregateAndProof signs an AggregateAndProof.
	DomainAggregateAndProof = phase0.DomainType{0x06, 0x00, 0x00, 0x00}
	// DomainSyncCommittee signs the block root for sync committee messages.
	DomainSyncCommittee = phase0.DomainType{0x07, 0x00, 0x00, 0x00}
	// DomainSyncCommitteeSelectionProof signs SyncAggregatorSelectionData.
	DomainSyncCommitteeSelectionProof = phase0.DomainType{0x08, 0x00, 0x00, 0x00}
	// DomainContributionAndProof signs a ContributionAndProof.
	DomainContributionAndProof = phase0.DomainType{0x09, 0x00, 0x00, 0x00}
	// DomainBLSToExecutionChange signs a BLSToExecutionChange (Capella).
	DomainBLSToExecutionChange = phase0.DomainType{0x0a, 0x00, 0x00, 0x00}
	// DomainApplicationBuilder (DOMAIN_APPLICATION_MASK | 0) signs builder
	// validator registrations (genesis fork version, zero GVR).
	DomainApplicationBuilder = phase0.DomainType{0x00, 0x00, 0x00, 0x01}
)

// Sentinel errors.
var (
	// ErrLength reports an input of the wrong byte length.
	ErrLength = errors.New("wrong length")
	// ErrNilObject reports a nil object passed for hashing.
	ErrNilObject = errors.New("nil object")
)

// HashRooter is anything with an SSZ hash tree root: every go-eth2-client
// spec type and every fastssz ssz.HashRoot satisfies it.
type HashRooter interface {
	HashTreeRoot() ([32]byte, error)
}

// ComputeForkDataRoot returns hash_tree_root(ForkData(version, gvr)).
func ComputeForkDataRoot(version phase0.Version, gvr phase0.Root) (phase0.Root, error) {
	fd := &phase0.ForkData{CurrentVersion: version, GenesisValidatorsRoot: gvr}
	root, err := fd.HashTreeRoot()
	if err != nil {
		return phase0.Root{}, fmt.Errorf("hash fork data: %w", err)
	}
	return root, nil
}

// ComputeDomain returns compute_domain(dt, version, gvr): the domain type
// followed by the first 28 bytes of the fork data root.
func ComputeDomain(dt phase0.DomainType, version phase0.Version, gvr phase0.Root) (phase0.Domain, error) {
	fdr, err := ComputeForkDataRoot(version, gvr)
	if err != nil {
		return phase0.Domain{}, fmt.Errorf("compute domain: %w", err)
	}
	var d phase0.Domain
	copy(d[:4], dt[:])
	copy(d[4:], fdr[:28])
	return d, nil
}

// ComputeDepositDomain returns the deposit domain for a genesis fork version
// (zero genesis validators root), as staking-deposit-cli computes it.
func ComputeDepositDomain(genesisForkVersion phase0.Version) (phase0.Domain, error) {
	return ComputeDomain(DomainDeposit, genesisForkVersion, phase0.Root{})
}

// ComputeSigningRoot returns hash_tree_root(SigningData(hash_tree_root(obj), domain)).
func ComputeSigningRoot(obj HashRooter, domain phase0.Domain) (phase0.Root, error) {
	if obj == nil {
		return phase0.Root{}, fmt.Errorf("compute signing root: %w", ErrNilObject)
	}
	objRoot, err := obj.HashTreeRoot()
	if err != nil {
		return phase0.Root{}, fmt.Errorf("compute signing root: hash object: %w", err)
	}
	return ComputeSigningRootFromRoot(objRoot, domain)
}

// ComputeSigningRootFromRoot is ComputeSigningRoot for an object whose hash
// tree root is already known (e.g. a block root for sync committee messages,
// or an epoch/slot root computed by the caller).
func ComputeSigningRootFromRoot(objRoot phase0.Root, domain phase0.Domain) (phase0.Root, error) {
	sd := &phase0.SigningData{ObjectRoot: objRoot, Domain: domain}
	root, err := sd.HashTreeRoot()
	if err != nil {
		return phase0.Root{}, fmt.Errorf("hash signing data: %w", err)
	}
	return root, nil
}

// VersionFromBytes converts a 4-byte slice into a fork version.
func VersionFromBytes(b []byte) (phase0.Version, error) {
	var v phase0.Version
	if len(b) != len(v) {
		return v, fmt.Errorf("fork version: %w: got %d bytes, want %d", ErrLength, len(b), len(v))
	}
	copy(v[:], b)
	return v, nil
}

// RootFromBytes converts a 32-byte slice into a root.
func RootFromBytes(b []byte) (phase0.Root, error) {
	var r phase0.Root
	if len(b) != len(r) {
		return r, fmt.Errorf("root: %w: got %d bytes, want %d", ErrLength, len(b), len(r))
	}
	copy(r[:], b)
	return r, nil
}

// DomainFromBytes converts a 32-byte slice into a domain.
func DomainFromBytes(b []byte) (phase0.Domain, error) {
	var d phase0.Domain
	if len(b) != len(d) {
		return d, fmt.Errorf("domain: %w: got %d bytes, want %d", ErrLength, len(b), len(d))
	}
	copy(d[:], b)
	return d, nil
}

// DomainTypeFromBytes converts a 4-byte slice into a domain type.
func DomainTypeFromBytes(b []byte) (phase0.DomainType, error) {
	var dt phase0.DomainType
	if len(b) != len(dt) {
		return dt, fmt.Errorf("domain type: %w: got %d bytes, want %d", ErrLength, len(b), len(dt))
	}
	copy(dt[:], b)
	return dt, nil
}

// Uint64Root is hash_tree_root of an SSZ uint64: the little-endian value
// padded to 32 bytes. It is the object root signed for a RANDAO reveal (the
// epoch) and for an aggregation selection proof (the slot).
func Uint64Root(v uint64) phase0.Root {
	var r phase0.Root
	for i := range 8 {
		r[i] = byte(v >> (8 * i))
	}
	return r
}
