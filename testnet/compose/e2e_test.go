//go:build e2e

package compose_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/compose"
)

// composeCommand returns the Compose CLI: the docker plugin or the standalone v1 binary.
func composeCommand(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("docker is not installed: skipping the compose devnet test")
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skipf("docker daemon unavailable (%v): skipping the compose devnet test", err)
	}
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return []string{p}
	}
	t.Skip("neither `docker compose` nor docker-compose is installed: skipping the compose devnet test")
	return nil
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestComposeUpRunsWithoutPulling generates a 4-node project for the local image ($STINGER_IMAGE, default
// stinger:dev from `make docker`), runs `docker compose up` (pull_policy never), and checks that every
// node answers /livez, sees its 3 peers, and that the cluster's duties are scored correct.
func TestComposeUpRunsWithoutPulling(t *testing.T) {
	cc := composeCommand(t)
	image := os.Getenv("STINGER_IMAGE")
	if image == "" {
		image = "stinger:dev"
	}
	if err := exec.Command("docker", "image", "inspect", image).Run(); err != nil {
		t.Skipf("image %s not present (build it with `make docker`): skipping the compose devnet test", image)
	}
	if out, err := exec.Command("docker", "run", "--rm", image, "devnet", "beacon", "--help").CombinedOutput(); err != nil {
		t.Skipf("image %s predates `stinger devnet beacon` (rebuild with `make docker`): %s", image, out)
	}
	o := compose.DefaultOptions()
	o.Out = filepath.Join(t.TempDir(), "project")
	o.Validators, o.Slot, o.Image = 4, time.Second, image
	o.ForkVersion = "0x1000005a"
	o.Subnet = fmt.Sprintf("172.29.%d.0/24", 100+os.Getpid()%100)
	o.BeaconPort, o.APIBasePort = freePort(t), freePort(t)
	for i := 1; i < o.Nodes; i++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", o.APIBasePort+i))
		if err != nil {
			t.Skipf("host port %d busy: %v", o.APIBasePort+i, err)
		}
		l.Close()
	}
	if err := compose.Generate(o); err != nil {
		t.Fatal(err)
	}
	project := fmt.Sprintf("stingere2e%d", os.Getpid())
	run := func(args ...string) (string, error) {
		cmd := exec.Command(cc[0], append(append(cc[1:], "-p", project), args...)...)
		cmd.Dir = o.Out
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := run("logs", "--no-color", "--tail", "40")
			t.Logf("compose logs:\n%s", logs)
		}
		if out, err := run("down", "-v", "--remove-orphans"); err != nil {
			t.Logf("compose down: %v\n%s", err, out)
		}
	})
	start := time.Now()
	if out, err := run("up", "-d"); err != nil {
		t.Fatalf("compose up: %v\n%s", err, out)
	}
	for i := range o.Nodes {
		url := fmt.Sprintf("http://127.0.0.1:%d/livez", o.APIBasePort+i)
		waitOK(t, url, 90*time.Second)
	}
	// Within a few slots of genesis (20 s after the simulator starts) the cluster performs duties.
	deadline := time.Now().Add(120 * time.Second)
	var st beaconsim.Stats
	for {
		var err error
		st, err = beaconsim.FetchStats(context.Background(), nil, fmt.Sprintf("http://127.0.0.1:%d", o.BeaconPort))
		if err == nil && st.ByType[beaconsim.DutyAttestation].Correct >= uint64(o.Validators) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no correct attestations of the cluster within 120 s: %+v (err %v)", st.ByType, err)
		}
		time.Sleep(time.Second)
	}
	if st.Totals.Slashable != 0 || st.Totals.InvalidSignatures != 0 {
		t.Fatalf("slashable %d, invalid signatures %d", st.Totals.Slashable, st.Totals.InvalidSignatures)
	}
	fmt.Printf("compose devnet: %d nodes up and attesting in %s (attestations correct %d/%d, slashable 0)\n",
		o.Nodes, time.Since(start).Round(time.Second), st.ByType[beaconsim.DutyAttestation].Correct,
		st.ByType[beaconsim.DutyAttestation].Expected)
}

func waitOK(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer 200 within %s (last error %v)", url, timeout, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
