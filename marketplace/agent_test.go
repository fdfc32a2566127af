package marketplace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace"
	"github.com/stingerdvt/stinger/marketplace/chaintest"
	"github.com/stingerdvt/stinger/marketplace/report"
)

// helperEnv makes the test binary act as a Network's service process: it serves GET /health on the
// address in the variable.
const helperEnv = "STINGER_MARKETPLACE_TEST_SERVICE_ADDR"

func TestMain(m *testing.M) {
	if addr := os.Getenv(helperEnv); addr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/health", func(http.ResponseWriter, *http.Request) {})
		srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: time.Second}
		if err := srv.ListenAndServe(); err != nil {
			fmt.Fprintln(os.Stderr, "test service:", err)
			os.Exit(2)
		}
		return
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// processSpec returns a process task spec running this test binary as the Network's service.
func processSpec(t *testing.T) (uri string, hash [32]byte) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	doc := fmt.Sprintf(`{"kind":"process","process":{"command":%q,"args":["-test.run=^$"],"env":{%q:%q}},`+
		`"health":{"type":"http","url":"http://%s/health","interval":"100ms","timeout":"1s"},`+
		`"restart":{"initial_backoff":"100ms","max_backoff":"1s"}}`, exe, helperEnv, addr, addr)
	return "data:application/json," + url.PathEscape(doc), crypto.Keccak256Hash([]byte(doc))
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("decode %s: %v: %s", u, err, b)
		}
	}
	return resp.StatusCode
}

func until(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serviceStatus returns the /eigen/node/services status of the Network's task.
func serviceStatus(t *testing.T, base string, id uint64) string {
	var body struct {
		Services []struct{ ID, Status string } `json:"services"`
	}
	getJSON(t, base+"/eigen/node/services", &body)
	for _, s := range body.Services {
		if s.ID == fmt.Sprintf("marketplace-network-%d", id) {
			return s.Status
		}
	}
	return ""
}

// checkReports fetches the Network's reports, verifies one offline from a file and checks that a
// tampered copy is rejected.
func checkReports(t *testing.T, base string, id uint64) {
	t.Helper()
	var body struct {
		Reports []json.RawMessage `json:"reports"`
	}
	if code := getJSON(t, fmt.Sprintf("%s/v1/marketplace/networks/%d/reports", base, id), &body); code != http.StatusOK || len(body.Reports) == 0 {
		t.Fatalf("reports: status %d, %d reports", code, len(body.Reports))
	}
	file := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(file, body.Reports[len(body.Reports)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := report.VerifyReport(data)
	if err != nil {
		t.Fatalf("served report does not verify: %v", err)
	}
	if s.Report.NetworkID != id || s.Report.UptimeBps == 0 || s.Report.HealthChecks == 0 {
		t.Fatalf("report = %+v", s.Report)
	}
	tampered := strings.Replace(string(data), fmt.Sprintf(`"uptime_bps":%d`, s.Report.UptimeBps), `"uptime_bps":10000`, 1)
	if s.Report.UptimeBps == 10000 {
		tampered = strings.Replace(string(data), fmt.Sprintf(`"health_checks":%d`, s.Report.HealthChecks), `"health_checks":1`, 1)
	}
	if tampered == string(data) {
		t.Fatal("test bug: tampering changed nothing")
	}
	if _, err := report.VerifyReport([]byte(tampered)); err == nil {
		t.Fatal("tampered report verified")
	}
}

// TestAgentServesInstalledNetwork runs the whole agent on the simulated chain: a Network registered,
// whitelisted and installed into a DAM that whitelists the operator gets its process started, its
// health shows on the node API, signed reports verify, and uninstalling stops the process.
func TestAgentServesInstalledNetwork(t *testing.T) {
	e := chaintest.New(t)
	uri, hash := processSpec(t)
	id := e.RegisterNetwork(e.Terms(chaintest.Collateral, uri, hash))
	dam := e.CreateDAM(chaintest.Collateral, 500, 86400)
	e.Install(dam, id, 100, e.Operator)

	a, err := marketplace.New(marketplace.Config{
		ChainID: e.ChainID.Uint64(), Registry: e.Registry, Factory: e.Factory, StartBlock: e.DeployBlock,
		PollInterval: 50 * time.Millisecond, DataDir: t.TempDir(),
	}, marketplace.Deps{Key: e.Operator.Key, Chain: e.Client, Log: zaptest.NewLogger(t), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	mux := http.NewServeMux()
	for _, r := range a.Routes() {
		mux.Handle(r.Pattern, r.Handler)
	}
	api := httptest.NewServer(mux)
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent run: %v", err)
		}
	}()

	until(t, "service Up on the node API", 20*time.Second, func() bool { return serviceStatus(t, api.URL, id.Uint64()) == "Up" })
	var asg struct {
		Assignments []struct {
			NetworkID uint64 `json:"network_id"`
		} `json:"assignments"`
	}
	getJSON(t, api.URL+"/v1/marketplace/assignments", &asg)
	if len(asg.Assignments) != 1 || asg.Assignments[0].NetworkID != id.Uint64() {
		t.Fatalf("assignments = %+v", asg)
	}
	time.Sleep(300 * time.Millisecond) // a few health samples
	checkReports(t, api.URL, id.Uint64())

	e.MustSend(e.NetworkAdmin, dam, e.DAMABI.PackUninstall(big.NewInt(id.Int64())))
	until(t, "task removed after uninstall", 20*time.Second, func() bool { return serviceStatus(t, api.URL, id.Uint64()) == "" })
}
