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
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/compose"
	"github.com/stingerdvt/stinger/testnet/internal/httpjson"
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

// hostPorts returns the simulator's host port and node0's API host port, node i's being base+i: all of
// them free together (held at once while chosen, so the simulator's port is none of the nodes').
func hostPorts(t *testing.T, nodes int) (beacon, base int) {
	t.Helper()
	for range 20 {
		var held []net.Listener
		listen := func(port int) int {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				return 0
			}
			held = append(held, l)
			return l.Addr().(*net.TCPAddr).Port
		}
		base = listen(0)
		ok := base != 0 && base+nodes <= 65535
		for i := 1; ok && i < nodes; i++ {
			ok = listen(base+i) != 0
		}
		if ok {
			beacon = listen(0)
		}
		for _, l := range held {
			l.Close()
		}
		if ok && beacon != 0 {
			return beacon, base
		}
	}
	t.Skip("no block of free host ports for the nodes' APIs")
	return 0, 0
}

// testImage returns the local image under test ($STINGER_IMAGE, default stinger:dev from `make docker`),
// skipping the test when it is missing or predates `stinger devnet beacon`.
func testImage(t *testing.T) string {
	t.Helper()
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
	return image
}

// e2eOptions are a 4-node project on free host ports and this process's own subnets (three
// consecutive /24s: devnet, p2p, failover).
func e2eOptions(t *testing.T, image string) compose.Options {
	t.Helper()
	o := compose.DefaultOptions()
	o.Out = filepath.Join(t.TempDir(), "project")
	o.Validators, o.Image = 4, image
	o.ForkVersion = "0x1000005a"
	o.Subnet = fmt.Sprintf("172.29.%d.0/24", 100+3*(os.Getpid()%50))
	o.BeaconPort, o.APIBasePort = hostPorts(t, o.Nodes)
	return o
}

// project is a generated compose project, up.
type project struct {
	t    *testing.T
	o    compose.Options
	cc   []string
	name string
}

// upProject generates the project for o and runs `compose up -d`; the test's cleanup prints the logs of
// a failed test and takes the project down with its volumes.
func upProject(t *testing.T, cc []string, o compose.Options) *project {
	t.Helper()
	if err := compose.Generate(o); err != nil {
		t.Fatal(err)
	}
	p := &project{t: t, o: o, cc: cc, name: fmt.Sprintf("stingere2e%d", os.Getpid())}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := p.compose("logs", "--no-color", "--tail", "60")
			t.Logf("compose logs:\n%s", logs)
		}
		if out, err := p.compose("down", "-v", "--remove-orphans", "-t", "2"); err != nil {
			t.Logf("compose down: %v\n%s", err, out)
		}
	})
	if out, err := p.compose("up", "-d"); err != nil {
		t.Fatalf("compose up: %v\n%s", err, out)
	}
	return p
}

func (p *project) compose(args ...string) (string, error) {
	cmd := exec.Command(p.cc[0], append(append(p.cc[1:], "-p", p.name), args...)...)
	cmd.Dir = p.o.Out
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// docker runs the docker CLI, failing the test on error.
func (p *project) docker(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// container is the id of service's container.
func (p *project) container(service string) string {
	p.t.Helper()
	out, err := p.compose("ps", "-q", service)
	id := strings.TrimSpace(out)
	if err != nil || id == "" || strings.Contains(id, "\n") {
		p.t.Fatalf("container of %s: %v %q", service, err, out)
	}
	return id
}

// network is the docker name of the project's network net.
func (p *project) network(net string) string {
	p.t.Helper()
	id := p.docker("network", "ls", "-q", "--filter", "label=com.docker.compose.project="+p.name,
		"--filter", "label=com.docker.compose.network="+net)
	if id == "" || strings.Contains(id, "\n") {
		p.t.Fatalf("network %s of project %s: %q", net, p.name, id)
	}
	return id
}

func (p *project) beaconURL() string { return fmt.Sprintf("http://127.0.0.1:%d", p.o.BeaconPort) }

func (p *project) nodeAPI(i int) string { return fmt.Sprintf("http://127.0.0.1:%d", p.o.APIBasePort+i) }

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
		time.Sleep(250 * time.Millisecond)
	}
}

// getJSON GETs url (5 s at most) and decodes a 2xx JSON answer into v.
func getJSON(url string, v any) error {
	return httpjson.Get(context.Background(), 5*time.Second, url, v)
}
