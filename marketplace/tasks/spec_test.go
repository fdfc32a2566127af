package tasks_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stingerdvt/stinger/marketplace/tasks"
)

const procSpec = `{"kind":"process","process":{"command":"/bin/sleep","args":["30"]},"health":{"type":"tcp","address":"127.0.0.1:1","interval":"1s"}}`

func dataURI(doc string) string { return "data:application/json," + url.PathEscape(doc) }

// TestFetchAcceptsOnlyTheOnChainHash: every URI scheme is read, and a document whose keccak256
// differs from the on-chain hash, or that is not a valid spec, is refused with a reason.
func TestFetchAcceptsOnlyTheOnChainHash(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(file, []byte(procSpec), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/spec.json" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(procSpec))
	}))
	defer srv.Close()
	f := &tasks.Fetcher{HTTPClient: srv.Client()}
	good := crypto.Keccak256Hash([]byte(procSpec))
	cases := []struct {
		name    string
		uri     string
		hash    common.Hash
		wantErr string
	}{
		{"data percent-encoded", dataURI(procSpec), good, ""},
		{"data base64", "data:application/json;base64," + base64.StdEncoding.EncodeToString([]byte(procSpec)), good, ""},
		{"file", "file://" + file, good, ""},
		{"https", srv.URL + "/spec.json", good, ""},
		{"https not found", srv.URL + "/missing", good, "404"},
		{"tampered document", dataURI(strings.Replace(procSpec, "30", "31", 1)), good, "hash mismatch"},
		{"wrong on-chain hash", dataURI(procSpec), common.Hash{1}, "hash mismatch"},
		{"plain http refused", "http://127.0.0.1/spec.json", good, "scheme not supported"},
		{"missing file", "file://" + filepath.Join(dir, "nope.json"), good, "no such file"},
		{"data without comma", "data:abc", crypto.Keccak256Hash(nil), "no comma"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.Fetch(context.Background(), tc.uri, tc.hash)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("fetch: %v", err)
				}
				if s.Kind != tasks.KindProcess || s.Process.Command != "/bin/sleep" {
					t.Fatalf("spec = %+v", s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
			if tc.wantErr == "hash mismatch" && !errors.Is(err, tasks.ErrSpecHash) {
				t.Fatalf("err = %v, want ErrSpecHash", err)
			}
		})
	}
}

// TestSpecValidation: malformed specs are refused with an error naming the field.
func TestSpecValidation(t *testing.T) {
	cases := []struct{ name, doc, wantErr string }{
		{"unknown kind", `{"kind":"cron"}`, `kind "cron" unknown`},
		{"process without command", `{"kind":"process","process":{}}`, "process.command"},
		{"probe without health", `{"kind":"probe"}`, "needs a health check"},
		{"container without image", `{"kind":"container","container":{}}`, "container.image"},
		{"bad health type", `{"kind":"probe","health":{"type":"icmp"}}`, `health type "icmp"`},
		{"bad health url", `{"kind":"probe","health":{"type":"http","url":"ftp://x"}}`, "http(s) URL"},
		{"bad tcp address", `{"kind":"probe","health":{"type":"tcp","address":"nohost"}}`, "host:port"},
		{"exec without command", `{"kind":"probe","health":{"type":"exec"}}`, "needs a command"},
		{"bad duration", `{"kind":"probe","health":{"type":"tcp","address":"a:1","interval":"soon"}}`, "parse duration"},
		{"unknown field", `{"kind":"validator","extra":1}`, "unknown field"},
		{"validator ok", `{"kind":"validator"}`, ""},
	}
	f := &tasks.Fetcher{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), dataURI(tc.doc), crypto.Keccak256Hash([]byte(tc.doc)))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}
