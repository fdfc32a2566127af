// Package devnet runs a complete stinger cluster as processes on loopback, for newcomers and for the
// end-to-end fault suite: a beacon chain simulator (a child `stinger devnet beacon`), N operator
// directories with identities, a cluster definition approved by every operator, a real DKG among N
// `stinger dkg` processes (keystores with a cheap KDF: devnet only), N `stinger run` processes with
// generated config files, and optionally a `geth --dev` chain with the marketplace contracts deployed, a
// Network registered, whitelisted and installed into a DAM that whitelists the operators.
//
// Start builds and starts everything and writes Manifest (devnet.json) with every endpoint and PID;
// Devnet.Close stops every process it started, in reverse order. Down stops a devnet from its
// devnet.json (by PID, after checking that each PID still runs a command of that devnet). Poll reads the
// simulator's score and each node's API into a Status that FormatStatus renders.
//
// Every port is chosen up front on 127.0.0.1; every process logs to <dir>/logs/<name>.log.
package devnet
