package bls

import (
	"fmt"
	"math/big"
	"sync"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// Sizes of the serialised forms.
const (
	// SecretKeyLength is the length of a big-endian secret key scalar.
	SecretKeyLength = 32
	// PublicKeyLength is the length of a compressed G1 public key.
	PublicKeyLength = 48
	// SignatureLength is the length of a compressed G2 signature.
	SignatureLength = 96
	// fpLength is the length of one base-field element.
	fpLength = 48
)

// DST is the domain separation tag of the Ethereum (POP) ciphersuite.
const DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"

const (
	// fieldModulusHex is p, the BLS12-381 base field modulus.
	fieldModulusHex = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"
	// groupOrderHex is r, the order of G1 and G2.
	groupOrderHex = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"
)

// library holds what the one-time initialisation produces. It is reached only
// through lib(), which runs the initialisation under a sync.Once.
type library struct {
	err   error
	p     *big.Int
	r     *big.Int
	g1    herumi.G1
	negG1 herumi.G1
}

var libOnce = sync.OnceValue(initLibrary)

// lib initialises herumi in Ethereum mode once and returns the shared
// constants. It panics if the native library cannot be initialised, which
// only happens if the binary was built for the wrong curve.
func lib() *library {
	l := libOnce()
	if l.err != nil {
		panic(l.err)
	}
	return l
}

func initLibrary() *library {
	l := &library{}
	if err := herumi.Init(herumi.BLS12_381); err != nil {
		l.err = fmt.Errorf("init herumi bls: %w", err)
		return l
	}
	if err := herumi.SetETHmode(herumi.EthModeDraft07); err != nil {
		l.err = fmt.Errorf("set herumi eth mode: %w", err)
		return l
	}
	herumi.SetETHserialization(true)
	// Subgroup checks on every deserialisation (KeyValidate / signature_to_point).
	herumi.VerifyPublicKeyOrder(true)
	herumi.VerifySignatureOrder(true)
	l.p, _ = new(big.Int).SetString(fieldModulusHex, 16)
	l.r, _ = new(big.Int).SetString(groupOrderHex, 16)
	var gen herumi.PublicKey
	herumi.BlsGetGeneratorOfPublicKey(&gen)
	l.g1 = *herumi.CastFromPublicKey(&gen)
	herumi.G1Neg(&l.negG1, &l.g1)
	return l
}
