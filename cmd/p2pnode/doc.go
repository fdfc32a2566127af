// Command p2pnode runs only stinger's cluster networking (package p2p) with the node API's
// GET /v1/peers and /metrics: a small tool for process-level tests and for checking a cluster's
// connectivity before `stinger run` exists for it.
//
//	p2pnode --data-dir DIR --cluster cluster-peers.json --listen /ip4/0.0.0.0/tcp/3610 --api 127.0.0.1:3620
//
// The cluster file is JSON: {"lock_hash": "<hex>", "peers": [{"name": "op0", "peer_id": "16Uiu2…",
// "addrs": ["/ip4/…/tcp/3610"]}, …]}. The operator key is <data-dir>/operator.key (see cluster).
//
// With --relay it runs a circuit relay v2 server instead (p2p.NewRelay with default limits) on
// --listen, using <data-dir>/operator.key as the relay's identity:
//
//	p2pnode --relay --data-dir DIR --listen /ip4/0.0.0.0/tcp/3640
//
// The e2e tests (go test -tags e2e ./cmd/p2pnode) build this command and run 4 operators as
// separate processes, and a relay with two dial-only operators.
package main
