// Package app is stinger's composition root: the one place that builds the
// node's components from a validated config.Config, wires them together
// (adapting each into the api health registry and metrics registry), and
// runs them through ordered lifecycle hooks.
//
// New prepares, in order: logger, metrics registry (Go, process and build-info
// collectors), operator identity (loaded, or created on first start), node
// API server (token file created if missing). Run then starts the hooks in
// that order and stops them in reverse, each stop bounded in time:
//
//	start: logger → node API → (later: p2p → consensus → duties → marketplace)
//	stop:  reverse order, all within ShutdownTimeout
//
// Adding a component is a few lines in New: build it, register its health
// check and handlers, and Append a Hook. See docs/architecture.md.
package app
