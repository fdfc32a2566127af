// Package faults injects faults into a devnet from the outside: Proxy stands in front of one node's
// beacon node and can answer errors or hang, so that a single node sees a failing beacon node while the
// rest of the cluster (and that node's second beacon node) works. The end-to-end fault suite of
// testnet/devnet uses it; the simulator's own fault endpoint affects every node at once.
package faults
