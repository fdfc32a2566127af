package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/config"
)

// execMainEnv makes the test binary behave as the stinger binary, so that the
// integration test can run it as a real subprocess and send it signals.
const execMainEnv = "STINGERTEST_EXEC_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execMainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runCLI runs the CLI in-process with an empty environment.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, nil, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBadInputExitsNonZeroWithClearError(t *testing.T) {
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "readonly")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing")
	if code, _, stderr := runCLI(t, "identity", "create", "--data-dir", existing); code != 0 {
		t.Fatalf("first identity create failed: %s", stderr)
	}
	data := "data_dir: " + filepath.Join(dir, "data") + "\n"
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"malformed YAML", []string{"config", "check", writeFile(t, dir, "malformed.yaml", data+"api: [\n")}, []string{"malformed YAML"}},
		{"unknown key", []string{"run", "--config", writeFile(t, dir, "unknown.yaml", data+"beacon_nodes: []\n")}, []string{`unknown key "beacon_nodes"`}},
		{"invalid URL", []string{"config", "check", writeFile(t, dir, "url.yaml", data+"beacon_node_urls: [\"localhost 5052\"]\n")}, []string{"beacon_node_urls[0]", "localhost 5052"}},
		{"port out of range", []string{"run", "--config", writeFile(t, dir, "port.yaml", data), "--api-address", "127.0.0.1:65536"}, []string{"api.address", "127.0.0.1:65536", "0-65535"}},
		{"missing data dir permission (run)", []string{"run", "--data-dir", filepath.Join(readOnly, "node")}, []string{"data_dir", "no write permission"}},
		{"missing data dir permission (identity)", []string{"identity", "create", "--data-dir", readOnly}, []string{"data_dir", "no write permission"}},
		{"existing identity key", []string{"identity", "create", "--data-dir", existing}, []string{"operator identity already exists"}},
		{"identity show without key", []string{"identity", "show", "--data-dir", dir}, []string{"operator identity not found"}},
		{"every problem at once", []string{"config", "check", writeFile(t, dir, "many.yaml", data+"log: {level: loud, format: xml}\n")}, []string{"2 problems", "log.level", "log.format"}},
		{"bad flag value", []string{"run", "--marketplace-poll-interval", "soon", "--data-dir", dir}, []string{"marketplace.poll_interval", "soon"}},
		{"unknown command", []string{"frobnicate"}, []string{"unknown command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code == 0 {
				t.Fatal("exit code 0, want non-zero")
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not mention %q", stderr, w)
				}
			}
		})
	}
}

func TestIdentityCreateThenShowPrintSamePeer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "node")
	code, created, stderr := runCLI(t, "identity", "create", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("create: %s", stderr)
	}
	code, shown, stderr := runCLI(t, "identity", "show", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("show: %s", stderr)
	}
	if !strings.HasSuffix(created, shown) || !strings.Contains(shown, "peer_id: 16Uiu2") || !strings.Contains(shown, "public_key: 0x0") {
		t.Errorf("create printed %q, show printed %q", created, shown)
	}
	info, err := os.Stat(filepath.Join(dir, "operator.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", info, err)
	}
}

func TestConfigDefaultsPassesConfigCheck(t *testing.T) {
	code, out, stderr := runCLI(t, "config", "defaults")
	if code != 0 {
		t.Fatal(stderr)
	}
	dir := t.TempDir()
	out = strings.Replace(out, "data_dir: ./data", "data_dir: "+filepath.Join(dir, "data"), 1)
	path := writeFile(t, dir, "defaults.yaml", out)
	if code, stdout, stderr := runCLI(t, "config", "check", path); code != 0 || !strings.Contains(stdout, "OK") {
		t.Errorf("config check on defaults: exit %d, %s%s", code, stdout, stderr)
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	raw, err := os.ReadFile("../../examples/stinger.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if err := config.Decode(cfg, raw); err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir() // the example's relative data dir belongs to the quick start
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}

func TestVersionPrintsVersionCommitAndGo(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.Contains(out, "stinger "+version) || !strings.Contains(out, "commit: "+commit) || !strings.Contains(out, "go: go1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestConfigReferenceUpdateRewritesOnlyTheBlock(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "doc.md", "intro\n"+config.ReferenceStart+"\nstale\n"+config.ReferenceEnd+"\noutro\n")
	if code, _, stderr := runCLI(t, "config", "reference", "--update", path); code != 0 {
		t.Fatal(stderr)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n" + config.Reference() + "outro\n"; string(got) != want {
		t.Errorf("updated file:\n%s\nwant:\n%s", got, want)
	}
}

// TestRunServesAPIAndExitsZeroOnSIGTERM runs `stinger run` as a subprocess,
// checks /eigen/node/health, /metrics and `stinger health`, then sends
// SIGTERM and requires exit status 0 within 5 seconds.
func TestRunServesAPIAndExitsZeroOnSIGTERM(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cfgPath := writeFile(t, dir, "stinger.yaml", fmt.Sprintf("data_dir: %s\napi:\n  address: 127.0.0.1:0\nlog:\n  format: json\n", filepath.Join(dir, "data")))
			cmd := exec.Command(os.Args[0], "run", "--config", cfgPath)
			cmd.Env = append(os.Environ(), execMainEnv+"=1")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			logs := &syncBuffer{}
			addr := waitForAPIAddress(t, stderr, logs)
			base := "http://" + addr

			if code, body := httpGet(t, base+"/eigen/node/health"); code != 200 && code != 206 {
				t.Errorf("/eigen/node/health = %d %s, want 200 or 206", code, body)
			}
			if code, body := httpGet(t, base+"/metrics"); code != 200 || !strings.Contains(body, "# TYPE stinger_build_info gauge") {
				t.Errorf("/metrics = %d, not Prometheus text with stinger_build_info", code)
			}
			if code, out, errOut := runCLI(t, "health", "--url", base+"/livez"); code != 0 {
				t.Errorf("stinger health: exit %d %s %s", code, out, errOut)
			}

			begin := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("exit after %s: %v (want status 0)\nlogs:\n%s", sig, err, logs)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("still running 5s after %s", sig)
			}
			t.Logf("exited %s after %s", time.Since(begin).Round(time.Millisecond), sig)
			if code, _, _ := runCLI(t, "health", "--url", base+"/livez", "--timeout", "500ms"); code == 0 {
				t.Error("stinger health succeeded against a stopped node")
			}
		})
	}
}

// waitForAPIAddress reads JSON log lines until "Node API listening" and
// returns its address; the rest of the log is copied into logs.
func waitForAPIAddress(t *testing.T, r io.Reader, logs *syncBuffer) string {
	t.Helper()
	found := make(chan string, 1)
	eof := make(chan struct{})
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			var line struct{ Msg, Address string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "Node API listening" {
				found <- line.Address
			}
		}
	}()
	select {
	case addr := <-found:
		return addr
	case <-eof:
		t.Fatalf("node exited before reporting its API address; its log:\n%s", logs.String())
		return ""
	case <-time.After(60 * time.Second): // generous: under go test ./... -race the machine is shared
		t.Fatalf("node did not report its API address within 60s; its log so far:\n%s", logs.String())
		return ""
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
