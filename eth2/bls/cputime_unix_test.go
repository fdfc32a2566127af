//go:build unix

package bls_test

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time this process has used so far,
// which, unlike wall time, does not grow when other processes load the machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
