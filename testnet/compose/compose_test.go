package compose_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/testnet/compose"
)

func testOptions(t *testing.T) compose.Options {
	o := compose.DefaultOptions()
	o.Out = filepath.Join(t.TempDir(), "project")
	o.Validators = 2
	o.ForkVersion = "0x1000005a"
	return o
}

func TestValidateNamesTheFlag(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*compose.Options)
		want   string
	}{
		{"defaults", func(*compose.Options) {}, ""},
		{"no out", func(o *compose.Options) { o.Out = "" }, "--out"},
		{"5 nodes", func(o *compose.Options) { o.Nodes = 5 }, "--nodes 5"},
		{"no validators", func(o *compose.Options) { o.Validators = 0 }, "--validators 0"},
		{"sub-second slot", func(o *compose.Options) { o.Slot = time.Second / 2 }, "--slot"},
		{"bad preset", func(o *compose.Options) { o.Preset = "x" }, "--preset"},
		{"IPv6 subnet", func(o *compose.Options) { o.Subnet = "fd00::/64" }, "--subnet"},
		{"/16 subnet", func(o *compose.Options) { o.Subnet = "10.1.0.0/16" }, "--subnet"},
		{"port out of range", func(o *compose.Options) { o.APIBasePort = 65534 }, "host port 65537"},
		{"no image", func(o *compose.Options) { o.Image = "" }, "--image"},
		{"p2p subnet is the devnet's", func(o *compose.Options) { o.P2PSubnet = o.Subnet }, "p2p subnet 172.29.53.0/24: the same network as --subnet"},
		{"failover subnet is the p2p one", func(o *compose.Options) { o.FailoverSubnet = "172.29.54.0/24" }, "failover subnet 172.29.54.0/24: the same network as p2p subnet"},
		{"no room for the default p2p subnet", func(o *compose.Options) { o.Subnet = "10.1.255.0/24" }, "p2p subnet: no default after 10.1.255.0/24"},
		{"explicit subnets", func(o *compose.Options) {
			o.Subnet, o.P2PSubnet, o.FailoverSubnet = "10.1.255.0/24", "10.2.0.0/24", "10.3.0.0/24"
		}, ""},
		{"bad p2p subnet", func(o *compose.Options) { o.P2PSubnet = "10.2.0.0/16" }, "p2p subnet"},
		{"failover nodes beyond the cluster", func(o *compose.Options) { o.FailoverNodes = 5 }, "failover nodes 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t)
			tt.mutate(&o)
			err := o.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

type composeFile struct {
	Services map[string]struct {
		Image      string   `yaml:"image"`
		PullPolicy string   `yaml:"pull_policy"`
		Profiles   []string `yaml:"profiles"`
		Command    []string `yaml:"command"`
		Volumes    []string `yaml:"volumes"`
		Ports      []string `yaml:"ports"`
		Networks   map[string]struct {
			IPv4 string `yaml:"ipv4_address"`
		} `yaml:"networks"`
	} `yaml:"services"`
	Networks map[string]struct {
		Internal bool `yaml:"internal"`
		IPAM     struct {
			Config []struct {
				Subnet string `yaml:"subnet"`
			} `yaml:"config"`
		} `yaml:"ipam"`
	} `yaml:"networks"`
}

// flagValue returns the argument after flag in a service's command.
func flagValue(cmd []string, flag string) string {
	for i := range len(cmd) - 1 {
		if cmd[i] == flag {
			return cmd[i+1]
		}
	}
	return ""
}

func TestGenerateWritesARunnableProject(t *testing.T) {
	o := testOptions(t)
	o.FailoverNodes = 1
	if err := compose.Generate(o); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(o.Out, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		t.Fatalf("compose.yaml is not YAML: %v", err)
	}
	wantNets := map[string]struct {
		subnet   string
		internal bool
	}{"devnet": {"172.29.53.0/24", false}, "p2p": {"172.29.54.0/24", true}, "failover": {"172.29.55.0/24", true}}
	if len(cf.Networks) != len(wantNets) {
		t.Fatalf("networks %v, want %v", cf.Networks, wantNets)
	}
	for name, want := range wantNets {
		n := cf.Networks[name]
		if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != want.subnet || n.Internal != want.internal {
			t.Errorf("network %s: %+v, want subnet %s internal %v", name, n, want.subnet, want.internal)
		}
	}
	ips := map[string]string{}
	for name, s := range cf.Services {
		if _, ok := s.Networks["devnet"]; !ok {
			t.Errorf("%s is not on the devnet network", name)
		}
		for net, addr := range s.Networks {
			key := net + " " + addr.IPv4
			if other, dup := ips[key]; dup || addr.IPv4 == "" {
				t.Fatalf("%s: address %q on %s missing or shared with %s", name, addr.IPv4, net, other)
			}
			ips[key] = name
			if !strings.HasPrefix(addr.IPv4, strings.TrimSuffix(wantNets[net].subnet, "0/24")) {
				t.Errorf("%s: address %s outside network %s %s", name, addr.IPv4, net, wantNets[net].subnet)
			}
		}
		_, onP2P := s.Networks["p2p"]
		if onP2P != strings.HasPrefix(name, "node") {
			t.Errorf("%s on the p2p network: %v, want nodes only", name, onP2P)
		}
		local := len(s.Profiles) == 0
		if local && (s.PullPolicy != "never" || !strings.Contains(s.Image, "STINGER_IMAGE")) {
			t.Errorf("%s runs by default but may pull (image %q, pull_policy %q)", name, s.Image, s.PullPolicy)
		}
		if !local && (name != "geth" && name != "prometheus" && name != "grafana") {
			t.Errorf("unexpected profiled service %s", name)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %s beyond loopback", name, p)
			}
		}
	}
	lock, err := cluster.LoadLock(filepath.Join(o.Out, "node0", "cluster-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Verify(); err != nil {
		t.Fatalf("dealt lock does not verify: %v", err)
	}
	for i, op := range lock.Definition.Operators {
		name := fmt.Sprintf("node%d", i)
		s, ok := cf.Services[name]
		if !ok {
			t.Fatalf("no service %s", name)
		}
		if want := fmt.Sprintf("/ip4/%s/tcp/3610", s.Networks["p2p"].IPv4); len(op.Addresses) != 1 || op.Addresses[0] != want ||
			flagValue(s.Command, "--p2p-listen") != want {
			t.Errorf("%s: lock address %v, listens on %s, want both %s (its p2p network address)", name, op.Addresses,
				flagValue(s.Command, "--p2p-listen"), want)
		}
		wantURLs := "http://beacon:5052"
		if i == 0 {
			wantURLs = fmt.Sprintf("http://%s:5052,http://beacon:5052", cf.Services["beacon"].Networks["failover"].IPv4)
		}
		if got := flagValue(s.Command, "--beacon-node-urls"); got != wantURLs {
			t.Errorf("%s: beacon node URLs %s, want %s", name, got, wantURLs)
		}
		if _, onFailover := s.Networks["failover"]; onFailover != (i == 0) {
			t.Errorf("%s on the failover network: %v, want only node0", name, onFailover)
		}
		if _, err := os.Stat(filepath.Join(o.Out, name, "validator_keys", "keystore-0.json")); err != nil {
			t.Errorf("%s has no keystore: %v", name, err)
		}
		if fmt.Sprint(s.Ports) != fmt.Sprintf("[127.0.0.1:%d:3620]", o.APIBasePort+i) {
			t.Errorf("%s ports %v", name, s.Ports)
		}
	}
	if len(lock.Validators) != o.Validators {
		t.Fatalf("%d validators, want %d", len(lock.Validators), o.Validators)
	}
	env, _ := os.ReadFile(filepath.Join(o.Out, ".env"))
	if !strings.Contains(string(env), fmt.Sprintf("STINGER_UID=%d", os.Getuid())) {
		t.Errorf(".env does not run containers as the data owner:\n%s", env)
	}
	if err := compose.Generate(o); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second Generate into the same dir: %v, want a refusal", err)
	}
}

func TestDashboardIsGrafanaJSONOverStingerMetrics(t *testing.T) {
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(compose.Dashboard()), &d); err != nil {
		t.Fatalf("dashboard is not JSON: %v", err)
	}
	if d.UID == "" || len(d.Panels) < 8 {
		t.Fatalf("dashboard uid %q with %d panels", d.UID, len(d.Panels))
	}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			if !strings.Contains(tg.Expr, "stinger_") {
				t.Errorf("panel %q queries %q, not a stinger metric", p.Title, tg.Expr)
			}
		}
	}
}

func TestFailoverNetworkOnlyWhenAsked(t *testing.T) {
	for _, failover := range []int{0, 2} {
		t.Run(fmt.Sprint(failover), func(t *testing.T) {
			o := testOptions(t)
			o.FailoverNodes = failover
			if err := compose.Generate(o); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(o.Out, "compose.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var cf composeFile
			if err := yaml.Unmarshal(raw, &cf); err != nil {
				t.Fatal(err)
			}
			if _, ok := cf.Networks["failover"]; ok != (failover > 0) {
				t.Errorf("failover network present: %v, want %v", ok, failover > 0)
			}
			for i := range o.Nodes {
				s := cf.Services[fmt.Sprintf("node%d", i)]
				urls := strings.Split(flagValue(s.Command, "--beacon-node-urls"), ",")
				if want := 1 + btoi(i < failover); len(urls) != want || urls[len(urls)-1] != "http://beacon:5052" {
					t.Errorf("node%d: beacon node URLs %v, want %d ending with http://beacon:5052", i, urls, want)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
