// Package deposit builds, signs, reads, writes and verifies validator
// deposits in the staking launchpad / staking-deposit-cli JSON format.
//
// A deposit is built in two steps so that the signature can come from
// anywhere, including a threshold signature combined by the DKG:
//
//	u, _ := deposit.NewUnsigned(network, pubkey, creds, amount) // message + signing root
//	sig := ... sign u.SigningRoot ...
//	d, _ := u.Complete(sig)                                    // verified before it is returned
//
// New deposits use 0x01 (execution) or 0x02 (compounding) withdrawal
// credentials and any amount from 1 to 2048 ETH, signed over the network's
// deposit domain (genesis fork version, zero genesis validators root). Files
// with 0x00 (BLS) credentials can be verified but not created.
//
// Verify recomputes every root and checks every signature; each problem is
// reported as an *EntryError naming the entry and the JSON field.
package deposit
