// Package cluster holds what identifies an operator and its cluster: the
// operator identity (a secp256k1 key that is also the operator's libp2p peer
// ID), and, as later issues add them, the cluster definition and lock files.
//
// The package is layer 1 (see docs/architecture.md): it may import only the
// standard library, eth2 and third-party libraries, never p2p, api, app or
// the components of layer 3.
//
// Promises: key files are written with mode 0600 and are never overwritten;
// a key is only reported as loaded after it has been fully validated.
package cluster
