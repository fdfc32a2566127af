//go:build !unix

package p2p_test

import "time"

// processCPU is not measured on this platform.
func processCPU() time.Duration { return 0 }
