package signing_test

import (
	"testing"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// TestMainnetExitSignature proves the real mainnet SignedVoluntaryExit of
// validator 0 verifies under our EIP-7044 signing root, and that each of the
// five corruptions (wrong chain, epoch, validator index, pubkey, signature)
// fails verification.
func TestMainnetExitSignature(t *testing.T) {
	valid, invalid := 0, 0
	for _, c := range readExitVectors(t) {
		t.Run(c.Name, func(t *testing.T) {
			_, root := exitSigningRoot(t, c)
			pk, err := bls.PublicKeyFromBytes(unhex(t, c.Pubkey))
			if err != nil {
				t.Fatalf("pubkey: %v", err)
			}
			sig, err := bls.SignatureFromBytes(unhex(t, c.Signature))
			if err != nil {
				t.Fatalf("signature: %v", err)
			}
			msg := make([]byte, len(root))
			copy(msg, root[:])
			if got := sig.Verify(pk, msg); got != c.ExpectedValid {
				t.Fatalf("verify = %v, want %v", got, c.ExpectedValid)
			}
			if c.ExpectedValid {
				valid++
			} else {
				invalid++
			}
		})
	}
	if valid != 1 || invalid != 5 {
		t.Fatalf("exit vectors: %d valid and %d corrupted checked, want 1 and 5", valid, invalid)
	}
	t.Logf("exit signature vectors: %d passed (1 valid, %d corruptions rejected)", valid+invalid, invalid)
}
