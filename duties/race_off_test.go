//go:build !race

package duties_test

// raceEnabled is true under the race detector, which slows the pipeline's Go code several times.
const raceEnabled = false
