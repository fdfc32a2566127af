package deposit

import (
	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Data is one entry of a deposit data file (staking-deposit-cli format).
type Data struct {
	PublicKey             phase0.BLSPubKey
	WithdrawalCredentials []byte
	Amount                phase0.Gwei
	Signature             phase0.BLSSignature
	DepositMessageRoot    phase0.Root
	DepositDataRoot       phase0.Root
	ForkVersion           phase0.Version
	NetworkName           string
	DepositCLIVersion     string
}

// Message returns the entry's DepositMessage.
func (d *Data) Message() *phase0.DepositMessage {
	return &phase0.DepositMessage{
		PublicKey:             d.PublicKey,
		WithdrawalCredentials: append([]byte(nil), d.WithdrawalCredentials...),
		Amount:                d.Amount,
	}
}

// DepositData returns the entry as the DepositData sent to the deposit contract.
func (d *Data) DepositData() *phase0.DepositData {
	return &phase0.DepositData{
		PublicKey:             d.PublicKey,
		WithdrawalCredentials: append([]byte(nil), d.WithdrawalCredentials...),
		Amount:                d.Amount,
		Signature:             d.Signature,
	}
}
