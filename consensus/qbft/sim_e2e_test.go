//go:build e2e

package qbft_test

import "testing"

// TestSimulationE2E runs a long simulation in CI (go test -tags e2e): seeds
// beyond the default run's, so together they cover more scenarios.
func TestSimulationE2E(t *testing.T) {
	count := 20000
	if raceEnabled {
		count = 3000
	}
	runSimulations(t, 1_000_000, count)
}
