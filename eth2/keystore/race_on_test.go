//go:build race

package keystore_test

// raceEnabled: the race detector slows scrypt about tenfold, so the
// 256 MiB scrypt vector runs its KDF once instead of three times.
const raceEnabled = true
