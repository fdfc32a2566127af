package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPeersCommandPrintsTheNodesPeers(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantCode int
		want     string
	}{
		{"table", http.StatusOK, `{"self":"16Uiu2HAmSelf","peers":[{"peer_id":"16Uiu2HAmPeer","name":"node1","connected":true,"relayed":false,"addresses":["/ip4/127.0.0.1/tcp/3611"],"rtt_ms":1.5}]}`, 0, "node1"},
		{"node error", http.StatusInternalServerError, `{"code":500,"message":"boom"}`, 1, "stinger:"},
		{"not json", http.StatusOK, `<html>`, 1, "stinger:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/peers" {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			var out, errOut bytes.Buffer
			code := run([]string{"peers", "--api-url", srv.URL}, nil, &out, &errOut)
			if code != tc.wantCode || !strings.Contains(out.String()+errOut.String(), tc.want) {
				t.Fatalf("exit %d, output %q %q; want exit %d containing %q", code, out.String(), errOut.String(), tc.wantCode, tc.want)
			}
		})
	}
}
