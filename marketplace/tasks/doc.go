// Package tasks runs the work each assigned Network asks of the operator.
//
// A Network's task specification is a JSON document (Spec) fetched from its on-chain URI
// (file://, https:// or data:) and accepted only if its keccak256 equals the on-chain hash. Its
// kind is one of:
//   - validator: the cluster's own validator duties (shared security); state comes from a callback;
//   - process: a local binary run with args and env, restarted with exponential backoff, at a lower
//     CPU priority (nice 10) so that validator duties keep priority;
//   - probe: report-only availability checks of an endpoint;
//   - container: a local image run through the Docker Engine API over its unix socket (host
//     network, lower CPU shares, restarted with backoff, stopped and removed on uninstall; images
//     are never pulled: a missing image is reported).
//
// Health checks (HTTP, TCP or exec) run on an interval; every result is kept in a bounded history
// (persisted in bbolt when Options.HistoryPath is set, so reports survive restarts) that
// performance reports read. Runner.Sync starts tasks for new assignments and stops tasks whose
// assignment disappeared; Runner.Snapshot and Handler expose per-task state; metrics go to an
// injected prometheus.Registerer.
package tasks
