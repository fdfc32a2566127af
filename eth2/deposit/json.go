package deposit

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MarshalJSON encodes one entry in the launchpad / staking-deposit-cli form
// (hex without 0x, amount in Gwei), so that other files (the cluster lock)
// can embed deposit data as it appears in deposit-data.json.
func (d Data) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(toWire(&d))
	if err != nil {
		return nil, fmt.Errorf("encode deposit data: %w", err)
	}
	return raw, nil
}

// UnmarshalJSON decodes one entry strictly: unknown, missing and malformed
// fields are an *EntryError naming the field.
func (d *Data) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r readEntry
	if err := dec.Decode(&r); err != nil {
		return fmt.Errorf("decode deposit data: %w", err)
	}
	return r.into(0, d)
}
