// Package testnet holds local devnet tooling; only cmd imports it.
//
//   - beaconsim: the beacon chain simulator, a strict Beacon API that judges and scores the cluster
//     (`stinger devnet beacon`, `stinger devnet score`).
//   - devnet: a whole cluster as processes on loopback (`stinger devnet up|down`): the simulator, a real
//     DKG among `stinger dkg` processes, N `stinger run` nodes, geth --dev with the marketplace contracts,
//     and the end-to-end fault suite (build tag e2e).
//   - prysm: a real proof-of-stake chain on loopback, geth and Prysm built from source once
//     (`stinger devnet build-clients`), that `stinger devnet up --beacon prysm` runs in place of the
//     simulator; its smoke test is build tag e2e_prysm (`make e2e-prysm`).
//   - compose: a Docker Compose project over the locally built image (`stinger devnet compose`).
//   - faults: fault injection from outside the processes (a switchable beacon node proxy).
//   - score: the fault suites' judge: the simulator's score over windows of slots, shared by the e2e
//     suites of devnet and compose.
package testnet
