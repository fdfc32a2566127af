package watcher

import (
	"encoding/json"
	"net/http"
)

// Handler serves GET /v1/marketplace/assignments: the operator, the confirmed cursor, the current
// assignments and the penalty requests against the operator.
func (w *Watcher) Handler() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body := map[string]any{
			"operator":    w.cfg.Operator,
			"assignments": w.Assignments(),
			"penalties":   w.Penalties(),
		}
		if c, ok := w.Cursor(); ok {
			body["confirmed_block"] = map[string]any{"number": c.Number, "hash": c.Hash}
		}
		rw.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(rw).Encode(body)
	})
}
