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
}

func TestGenerateWritesARunnableProject(t *testing.T) {
	o := testOptions(t)
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
	ips := map[string]string{}
	for name, s := range cf.Services {
		ip := s.Networks["devnet"].IPv4
		if other, dup := ips[ip]; dup || ip == "" {
			t.Fatalf("%s: address %q missing or shared with %s", name, ip, other)
		}
		ips[ip] = name
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
		if want := fmt.Sprintf("/ip4/%s/tcp/3610", s.Networks["devnet"].IPv4); len(op.Addresses) != 1 || op.Addresses[0] != want {
			t.Errorf("%s: lock address %v, service listens on %s", name, op.Addresses, want)
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
