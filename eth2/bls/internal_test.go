package bls

import (
	"testing"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// TestShareIndexIsTheIntegerIndex pins the share index encoding: share i is
// f(i) for the integer i, as in every other threshold-BLS implementation, so
// shares interoperate. (Split and Recover would agree with each other under
// any scaling of the indices, so only a direct check can catch a wrong one.)
func TestShareIndexIsTheIntegerIndex(t *testing.T) {
	lib()
	for _, i := range []uint64{1, 2, 3, 255, 256, 1 << 16, 1<<63 + 12345} {
		var want herumi.Fr
		if err := want.SetString(new64(i), 10); err != nil {
			t.Fatal(err)
		}
		got := frFromIndex(i)
		if !got.IsEqual(&want) {
			t.Fatalf("index %d encodes as %s", i, got.GetString(10))
		}
	}
}

func new64(i uint64) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{digits[i%10]}, b...)
	}
	return string(b)
}
