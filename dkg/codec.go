package dkg

import (
	"encoding/binary"
	"fmt"
)

// The ceremony's payloads use a small strict binary codec: big-endian uint32
// counts and lengths, fixed-size fields, and no trailing bytes. Every length
// is checked against what the definition allows before anything is allocated.

// maxPayload bounds any single ceremony payload (the deal message for 100,000
// validators with 13 operators stays well below).
const maxPayload = 256 << 20

type encoder struct{ buf []byte }

func (e *encoder) u32(v uint32) { e.buf = binary.BigEndian.AppendUint32(e.buf, v) }

func (e *encoder) raw(b []byte) { e.buf = append(e.buf, b...) }

func (e *encoder) bytes(b []byte) {
	e.u32(uint32(len(b)))
	e.raw(b)
}

type decoder struct {
	buf []byte
	err error
}

func newDecoder(b []byte) *decoder {
	d := &decoder{buf: b}
	if len(b) > maxPayload {
		d.err = fmt.Errorf("%w: %d bytes exceeds %d", errMalformed, len(b), maxPayload)
	}
	return d
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) u32(what string) uint32 {
	if d.err != nil {
		return 0
	}
	if len(d.buf) < 4 {
		d.fail("%s: truncated", what)
		return 0
	}
	v := binary.BigEndian.Uint32(d.buf)
	d.buf = d.buf[4:]
	return v
}

// count reads a uint32 that must not exceed max.
func (d *decoder) count(what string, max int) int {
	v := d.u32(what)
	if d.err == nil && int64(v) > int64(max) {
		d.fail("%s: %d exceeds %d", what, v, max)
		return 0
	}
	return int(v)
}

func (d *decoder) raw(what string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.buf) < n {
		d.fail("%s: need %d bytes, have %d", what, n, len(d.buf))
		return nil
	}
	out := make([]byte, n)
	copy(out, d.buf[:n])
	d.buf = d.buf[n:]
	return out
}

func (d *decoder) bytes(what string, max int) []byte {
	n := d.count(what+" length", max)
	return d.raw(what, n)
}

func (d *decoder) finish() error {
	if d.err == nil && len(d.buf) != 0 {
		d.fail("%d trailing bytes", len(d.buf))
	}
	return d.err
}
