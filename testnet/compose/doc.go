// Package compose writes a Docker Compose project that runs a stinger devnet from the locally built
// image (`make docker` builds stinger:dev without pulling anything): the beacon chain simulator and N
// nodes with static addresses on two private networks, "devnet" (the simulator, the nodes' beacon node
// traffic and APIs) and the internal "p2p" (libp2p between nodes only: the cluster lock names each node's
// address on it, and nodes listen there only), so that `docker network disconnect` of a node from "p2p"
// partitions it from its peers while it still reaches its beacon node; optionally the first nodes also
// reach the simulator on a "failover" network, first, so that a beacon node can fail for them alone.
// Each node has its own data directory mounted at /data. Keys come from a trusted dealer run when the
// project is generated (devnet only: one process sees every whole validator key; `stinger devnet up`
// runs a real DKG instead). Prometheus and Grafana (with a dashboard of stinger's metrics) and a geth
// --dev service need pulled images, so they sit behind the compose profiles "monitoring" and "chain", off
// by default. The e2e-tagged tests run the project on the local image, including the fault suite
// (TestComposeFaultSuite: kill, partition, two down, rolling restart, beacon node failover).
package compose
