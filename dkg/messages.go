package dkg

import (
	"github.com/stingerdvt/stinger/eth2/bls"
)

// dealing is operator i's round-1 message: per validator the commitments to
// its polynomial and a proof of possession of the polynomial's constant term,
// and per recipient the recipient's shares, encrypted to its operator key.
type dealing struct {
	commitments [][]*bls.PublicKey // [validator][t]
	pops        []*bls.Signature   // [validator]
	ciphertexts [][]byte           // [recipient]; empty for the dealer itself
}

// maxCiphertext bounds an encrypted share bundle: 32 bytes per validator plus
// the ECIES overhead (65-byte ephemeral key, 16-byte IV, 32-byte MAC).
func maxCiphertext(numValidators int) int { return numValidators*bls.SecretKeyLength + 256 }

func encodeDealing(d *dealing) []byte {
	var e encoder
	e.u32(uint32(len(d.commitments)))
	e.u32(uint32(len(d.commitments[0])))
	for _, cs := range d.commitments {
		for _, c := range cs {
			e.raw(c.Bytes())
		}
	}
	for _, p := range d.pops {
		e.raw(p.Bytes())
	}
	e.u32(uint32(len(d.ciphertexts)))
	for _, ct := range d.ciphertexts {
		e.bytes(ct)
	}
	return e.buf
}

// decodeDealing parses a dealing for a ceremony of n operators, threshold t
// and v validators. Points must be valid (on the curve, in the subgroup, not
// infinity); anything else is errMalformed.
func decodeDealing(b []byte, n, t, v int) (*dealing, error) {
	d := newDecoder(b)
	if got := d.count("validators", v); d.err == nil && got != v {
		d.fail("validators: %d, expected %d", got, v)
	}
	if got := d.count("threshold", t); d.err == nil && got != t {
		d.fail("threshold: %d, expected %d", got, t)
	}
	out := &dealing{commitments: make([][]*bls.PublicKey, v), pops: make([]*bls.Signature, v)}
	for i := 0; i < v && d.err == nil; i++ {
		out.commitments[i] = make([]*bls.PublicKey, t)
		for k := 0; k < t && d.err == nil; k++ {
			raw := d.raw("commitment", bls.PublicKeyLength)
			if d.err != nil {
				break
			}
			pk, err := bls.PublicKeyFromBytes(raw)
			if err != nil {
				d.fail("validator %d commitment %d: %v", i, k, err)
				break
			}
			out.commitments[i][k] = pk
		}
	}
	for i := 0; i < v && d.err == nil; i++ {
		raw := d.raw("proof of possession", bls.SignatureLength)
		if d.err != nil {
			break
		}
		sig, err := bls.SignatureFromBytes(raw)
		if err != nil {
			d.fail("validator %d proof of possession: %v", i, err)
			break
		}
		out.pops[i] = sig
	}
	if got := d.count("recipients", n); d.err == nil && got != n {
		d.fail("recipients: %d, expected %d", got, n)
	}
	out.ciphertexts = make([][]byte, n)
	for j := 0; j < n && d.err == nil; j++ {
		out.ciphertexts[j] = d.bytes("ciphertext", maxCiphertext(v))
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// verification is an operator's round-2 message: the digest of every dealing
// it received (so that a dealer who sent different dealings to different
// operators is exposed) and the dealers it complains about.
type verification struct {
	digests    [][32]byte // [dealer]
	complaints []int      // dealers whose shares for us failed
}

func encodeVerification(m *verification) []byte {
	var e encoder
	e.u32(uint32(len(m.digests)))
	for _, d := range m.digests {
		e.raw(d[:])
	}
	e.u32(uint32(len(m.complaints)))
	for _, c := range m.complaints {
		e.u32(uint32(c))
	}
	return e.buf
}

func decodeVerification(b []byte, n int) (*verification, error) {
	d := newDecoder(b)
	if got := d.count("digests", n); d.err == nil && got != n {
		d.fail("digests: %d, expected %d", got, n)
	}
	m := &verification{digests: make([][32]byte, n)}
	for i := 0; i < n && d.err == nil; i++ {
		copy(m.digests[i][:], d.raw("digest", 32))
	}
	c := d.count("complaints", n)
	seen := make(map[int]bool)
	for i := 0; i < c && d.err == nil; i++ {
		dealer := int(d.u32("complaint"))
		if d.err == nil && (dealer >= n || seen[dealer]) {
			d.fail("complaint against dealer %d: out of range or repeated", dealer)
		}
		seen[dealer] = true
		m.complaints = append(m.complaints, dealer)
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

// justification is a dealer's round-3 message: the shares it revealed in
// answer to complaints, per complaining recipient.
type justification struct {
	reveals map[int][]*bls.SecretKey // recipient -> shares per validator
}

func encodeJustification(m *justification, n int) []byte {
	var e encoder
	e.u32(uint32(len(m.reveals)))
	for j := range n {
		shares, ok := m.reveals[j]
		if !ok {
			continue
		}
		e.u32(uint32(j))
		for _, s := range shares {
			e.raw(s.Bytes())
		}
	}
	return e.buf
}

// decodeJustification parses revealed shares. A revealed share that is not a
// valid scalar stays nil: the check against the commitments then fails and
// names the dealer.
func decodeJustification(b []byte, n, v int) (*justification, error) {
	d := newDecoder(b)
	c := d.count("reveals", n)
	m := &justification{reveals: make(map[int][]*bls.SecretKey)}
	for i := 0; i < c && d.err == nil; i++ {
		j := int(d.u32("recipient"))
		if d.err == nil {
			if _, dup := m.reveals[j]; dup || j >= n {
				d.fail("reveal for recipient %d: out of range or repeated", j)
			}
		}
		shares := make([]*bls.SecretKey, v)
		for k := 0; k < v && d.err == nil; k++ {
			raw := d.raw("revealed share", bls.SecretKeyLength)
			if d.err == nil {
				shares[k], _ = bls.SecretKeyFromBytes(raw)
			}
		}
		m.reveals[j] = shares
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

// encodeSignatures and decodeSignatures carry the round-4 partial deposit
// signatures: one per validator and deposit amount, in that order.
func encodeSignatures(sigs []*bls.Signature) []byte {
	var e encoder
	e.u32(uint32(len(sigs)))
	for _, s := range sigs {
		e.raw(s.Bytes())
	}
	return e.buf
}

// decodeSignatures parses count signatures. An invalid point stays nil so
// that the caller can attribute it to its sender.
func decodeSignatures(b []byte, count int) ([]*bls.Signature, error) {
	d := newDecoder(b)
	if got := d.count("signatures", count); d.err == nil && got != count {
		d.fail("signatures: %d, expected %d", got, count)
	}
	out := make([]*bls.Signature, count)
	for i := 0; i < count && d.err == nil; i++ {
		raw := d.raw("signature", bls.SignatureLength)
		if d.err == nil {
			out[i], _ = bls.SignatureFromBytes(raw)
		}
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return out, nil
}
