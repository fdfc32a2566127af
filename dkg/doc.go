// Package dkg runs the distributed key generation ceremony that creates a
// cluster's validators without any machine ever holding a whole validator key.
//
// The protocol is a joint Feldman VSS (Pedersen's DKG) with proofs of
// possession and a complaint round, batched over every validator of the
// definition:
//
//  1. deal: every operator i draws, per validator, a random polynomial f_i of
//     degree t-1, broadcasts its commitments (f_i's coefficients times the G1
//     generator), a proof of possession of f_i(0) (a BLS signature by f_i(0)
//     over the definition hash, the dealer and the validator index, which
//     stops rogue-key attacks by a rushing dealer), and the shares f_i(j+1) of
//     every other operator j, each encrypted to j's operator key (ECIES on
//     secp256k1, bound to the definition hash, dealer and recipient).
//  2. verify: every operator checks the dealings and broadcasts the digests of
//     the dealings it received (exposing a dealer that equivocates) and its
//     complaints against dealers whose shares fail the commitments.
//  3. justify: an accused dealer reveals the shares in question; everyone
//     checks them against the commitments. A dealer with bad commitments, a
//     bad proof of possession or a bad revealed share aborts the ceremony
//     with an error that names it (identifiable abort).
//  4. deposit: each operator signs every validator's deposit message with its
//     share; any t valid partials are combined and the result verified
//     against the group public key.
//  5. lock: every operator signs the lock hash with its operator key.
//
// The maths takes its inputs and randomness from the caller; the rounds run
// over the Transport interface: MemTransport in process, the p2p transport
// between machines. A missing operator times a round out with its name.
package dkg
