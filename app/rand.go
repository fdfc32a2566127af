package app

import (
	"crypto/rand"
	"io"
)

// cryptoRand returns the operating system's secure randomness source.
func cryptoRand() io.Reader { return rand.Reader }
