package prysm

import (
	"encoding/hex"
	"testing"
)

// The interop keys are those of the eth2 mock-start test vectors (what Prysm's --interop-* flags derive),
// so that a stinger cluster can sign for indices a Prysm validator client is told to leave alone.
func TestInteropKeyMatchesMockStartVectors(t *testing.T) {
	cases := []struct {
		index  uint64
		secret string
		pubkey string // "" where the vector gives the secret only
	}{
		{0, "25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866",
			"a99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c"},
		{1, "51d0b65185db6989ab0b560d6deed19c7ead0e24b9b6372cbecb1f26bdfad000",
			"b89bebc699769726a318c8e9971bd3171297c61aea4a6578a7a4f94b547dcba5bac16a89108b6b6a1fe3695d1a874a0b"},
		{2, "315ed405fafe339603932eebe8dbfd650ce5dafa561f6928664c75db85f97857", ""},
		{5, "055794614bc85ed5436c1f5cab586aab6ca84835788621091f4f3b813761e7a8", ""},
	}
	for _, c := range cases {
		sk, err := InteropKey(c.index)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(sk.Bytes()); got != c.secret {
			t.Errorf("index %d: secret %s, want %s", c.index, got, c.secret)
		}
		if c.pubkey != "" {
			if got := hex.EncodeToString(sk.PublicKey().Bytes()); got != c.pubkey {
				t.Errorf("index %d: public key %s, want %s", c.index, got, c.pubkey)
			}
		}
	}
	keys, err := InteropKeys(1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || hex.EncodeToString(keys[1].Bytes()) != cases[2].secret {
		t.Fatalf("InteropKeys(1, 2) does not return indices 1 and 2")
	}
}
