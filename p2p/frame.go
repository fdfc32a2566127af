package p2p

import (
	"errors"
	"fmt"
	"io"
)

// Frames: every envelope on a stream is preceded by its length as an unsigned LEB128 varint
// (the same framing as protobuf's delimited messages and libp2p's varint-prefixed protocols),
// minimal, at most maxVarintLen bytes.

// ErrOversize is returned when a frame or payload exceeds the protocol's limit.
var ErrOversize = errors.New("message exceeds size limit")

// maxVarintLen bounds the length prefix; 5 bytes cover every length below 32 GiB.
const maxVarintLen = 5

// WriteFrame writes b to w preceded by its varint length, in a single Write.
func WriteFrame(w io.Writer, b []byte) error {
	if _, err := w.Write(frame(b)); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

// ReadFrame reads one varint-length-prefixed frame from r, refusing lengths above maxSize
// before reading the body. io.EOF is returned unwrapped when r ends before the first byte.
func ReadFrame(r io.Reader, maxSize int) ([]byte, error) {
	return readFrame(r, maxSize, nil)
}
