// Package beacon gives the duty pipeline access to one or more beacon nodes through go-eth2-client's HTTP
// client, as if they were one.
//
// What it promises:
//   - Every call has its own timeout (Config.Timeout; block production and publication Config.ProposalTimeout,
//     since a real beacon node takes seconds to build or import a block), whatever the caller's context allows.
//   - Data fetches ask every configured node at once and return the first valid answer (a nil error and
//     non-nil data that passes the call's checks); the other requests are cancelled. A node that is down,
//     slow or wrong therefore costs nothing while another one answers: this is failover without waiting for
//     a timeout first.
//   - Submissions are sent to every node in parallel; a submission succeeds if at least one node accepted
//     it, and the error of every node that refused it is returned joined otherwise.
//   - Health per node (requests and errors by call, latency, last error, last success) is exported on an
//     injected prometheus.Registerer and as a snapshot (Pool.Health) for the node API.
//
// Pool implements the go-eth2-client provider and submitter interfaces the pipeline uses, with the same
// method signatures, so any of them can be replaced by a single go-eth2-client service in tests.
package beacon
