// Package compose writes a Docker Compose project that runs a stinger devnet from the locally built
// image (`make docker` builds stinger:dev without pulling anything): the beacon chain simulator and N
// nodes on a private network with static addresses, each node with its own data directory mounted at
// /data. Keys come from a trusted dealer run when the project is generated (devnet only: one process
// sees every whole validator key; `stinger devnet up` runs a real DKG instead). Prometheus and Grafana
// (with a dashboard of stinger's metrics) and a geth --dev service need pulled images, so they sit
// behind the compose profiles "monitoring" and "chain", off by default.
package compose
