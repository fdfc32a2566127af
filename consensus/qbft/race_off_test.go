//go:build !race

package qbft_test

const raceEnabled = false
