// Package api is the node's REST API and Prometheus endpoint, in the
// EigenLayer AVS node API shape: GET /eigen/node, /eigen/node/health (200
// healthy, 206 partially healthy or initializing, 503 unhealthy),
// /eigen/node/services and /eigen/node/services/{id}/health, plus /livez,
// /readyz and /metrics.
//
// Components never import api (it is layer 3 beside them, see
// docs/architecture.md): the composition root (app) mounts their handlers
// with Server.Handle (read-only routes, open) or Server.HandleMutating (routes
// that change state, which require "Authorization: Bearer <token>"), and
// adapts their readiness into the Health registry.
//
// Promises: every response is JSON (errors as {"message": ...}) except
// /metrics; request bodies are bounded by Options.MaxBodyBytes and handlers
// by Options.RequestTimeout; a panicking handler yields a 500, not a crash.
package api
