// Package marketplace is the node's side of the Decentralized Infrastructure Marketplace: it follows
// the reference contracts (contracts/src: NetworkRegistry, DAMFactory, DAM, TimeLockVault; bindings
// in marketplace/bindings), runs the tasks of the Networks this operator is assigned to, and
// publishes EIP-712 signed performance reports.
//
// Agent wires the parts: watcher (confirmed, reorg- and restart-safe chain following that derives
// the assignments), tasks (spec fetch + hash check, process / probe / validator runner, health) and
// report (signed reports, offline verification). The app mounts Agent.Routes on the node API and
// passes the metrics registerer; components never import the api package.
package marketplace
