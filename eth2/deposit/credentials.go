package deposit

import (
	"crypto/sha256"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// Withdrawal credential prefixes (consensus-specs phase0, capella, electra).
const (
	BLSWithdrawalPrefix         byte = 0x00
	ExecutionWithdrawalPrefix   byte = 0x01
	CompoundingWithdrawalPrefix byte = 0x02
)

// ExecutionCredentials returns 0x01 withdrawal credentials for addr.
func ExecutionCredentials(addr common.Address) []byte {
	return addressCredentials(ExecutionWithdrawalPrefix, addr)
}

// CompoundingCredentials returns 0x02 (EIP-7251) withdrawal credentials for addr.
func CompoundingCredentials(addr common.Address) []byte {
	return addressCredentials(CompoundingWithdrawalPrefix, addr)
}

func addressCredentials(prefix byte, addr common.Address) []byte {
	c := make([]byte, 32)
	c[0] = prefix
	copy(c[12:], addr[:])
	return c
}

// BLSCredentials returns 0x00 withdrawal credentials for a BLS withdrawal key:
// 0x00 || sha256(pubkey)[1:].
func BLSCredentials(withdrawalKey *bls.PublicKey) []byte {
	h := sha256.Sum256(withdrawalKey.Bytes())
	h[0] = BLSWithdrawalPrefix
	return h[:]
}

// checkCredentials validates the shape of withdrawal credentials: 32 bytes,
// a known prefix, and zero padding before the address for 0x01 and 0x02.
func checkCredentials(c []byte, allowBLS bool) error {
	if len(c) != 32 {
		return fmt.Errorf("%d bytes, want 32", len(c))
	}
	switch c[0] {
	case BLSWithdrawalPrefix:
		if !allowBLS {
			return fmt.Errorf("0x00 (BLS) credentials are not accepted for new deposits: use 0x01 or 0x02")
		}
		return nil
	case ExecutionWithdrawalPrefix, CompoundingWithdrawalPrefix:
		for _, b := range c[1:12] {
			if b != 0 {
				return fmt.Errorf("prefix %#02x requires bytes 1..11 to be zero", c[0])
			}
		}
		return nil
	default:
		return fmt.Errorf("unknown prefix %#02x (want 0x01 or 0x02, or 0x00 when verifying)", c[0])
	}
}
