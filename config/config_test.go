package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/stingerdvt/stinger/config"
)

// writeConfig writes a YAML file whose data_dir is a fresh temporary directory
// unless the body sets one.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "stinger.yaml")
	if !strings.Contains(body, "data_dir:") {
		body = "data_dir: " + filepath.Join(dir, "data") + "\n" + body
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadRejectsBadInputWithErrorNamingTheProblem(t *testing.T) {
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		yaml string
		env  []string
		want []string
	}{
		{name: "malformed YAML", yaml: "api:\n  address: [unterminated\n", want: []string{"malformed YAML"}},
		{name: "tab indentation", yaml: "api:\n\taddress: x\n", want: []string{"malformed YAML"}},
		{name: "two documents", yaml: "node_name: a\n---\nnode_name: b\n", want: []string{"more than one document"}},
		{name: "unknown top-level key", yaml: "beacon_node_url: [http://x]\n", want: []string{`unknown key "beacon_node_url"`, "line 2"}},
		{name: "unknown nested key", yaml: "api:\n  adress: 127.0.0.1:1\n", want: []string{`unknown key "adress"`}},
		{name: "wrong type", yaml: "marketplace:\n  confirmations: many\n", want: []string{"many"}},
		{name: "invalid URL", yaml: "beacon_node_urls: [\"not a url\"]\n", want: []string{"beacon_node_urls[0]", `"not a url"`, "absolute URL"}},
		{name: "URL with wrong scheme", yaml: "beacon_node_urls: [ftp://host:1]\n", want: []string{"beacon_node_urls[0]", "scheme http, https"}},
		{name: "URL port out of range", yaml: "execution_rpc_urls: [http://host:70000]\n", want: []string{"execution_rpc_urls[0]", "1-65535"}},
		{name: "duplicate URL", yaml: "beacon_node_urls: [http://a:1, http://a:1]\n", want: []string{"beacon_node_urls[1]", "no duplicate"}},
		{name: "API port out of range", yaml: "api:\n  address: 127.0.0.1:70000\n", want: []string{"api.address", `"127.0.0.1:70000"`, "0-65535"}},
		{name: "API address without port", yaml: "api:\n  address: localhost\n", want: []string{"api.address", "host:port"}},
		{name: "metrics port out of range", yaml: "metrics:\n  address: :-1\n", want: []string{"metrics.address", "0-65535"}},
		{name: "p2p port out of range", yaml: "p2p:\n  listen: [/ip4/0.0.0.0/tcp/65536]\n", want: []string{"p2p.listen[0]", "multiaddress"}},
		{name: "p2p without port", yaml: "p2p:\n  listen: [/ip4/0.0.0.0]\n", want: []string{"p2p.listen[0]", "tcp or udp port"}},
		{name: "data dir without write permission", yaml: "data_dir: " + readOnly + "/node\n", want: []string{"data_dir", "no write permission"}},
		{name: "data dir is a file", yaml: "data_dir: " + notDir + "\n", want: []string{"data_dir", "is not a directory"}},
		{name: "bad log level", yaml: "log:\n  level: loud\n", want: []string{"log.level", `"loud"`, "debug, info, warn, error"}},
		{name: "bad log format", yaml: "log:\n  format: xml\n", want: []string{"log.format", "console, json"}},
		{name: "marketplace enabled without contracts", yaml: "marketplace:\n  enabled: true\n", want: []string{"marketplace.contracts.network_registry", "marketplace.contracts.dam_factory"}},
		{name: "bad contract address", yaml: "marketplace:\n  contracts:\n    dam_factory: 0x1234\n", want: []string{"marketplace.contracts.dam_factory", "20-byte"}},
		{name: "poll interval too short", yaml: "marketplace:\n  poll_interval: 1ms\n", want: []string{"marketplace.poll_interval", "between"}},
		{name: "unknown environment variable", env: []string{"STINGER_API_ADRESS=x"}, want: []string{"STINGER_API_ADRESS", "unknown"}},
		{name: "bad environment bool", env: []string{"STINGER_MARKETPLACE_ENABLED=maybe"}, want: []string{"marketplace.enabled", "STINGER_MARKETPLACE_ENABLED", "true or false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(config.Sources{File: writeConfig(t, tt.yaml), Env: tt.env})
			if err == nil {
				t.Fatal("Load succeeded, want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	path := writeConfig(t, "log:\n  level: loud\n  format: xml\napi:\n  address: x:99999\nbeacon_node_urls: [nope]\n")
	_, err := config.Load(config.Sources{File: path})
	var verr *config.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var fields []string
	for _, p := range verr.Problems {
		fields = append(fields, p.Field)
	}
	want := []string{"beacon_node_urls[0]", "log.level", "log.format", "api.address"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("problem fields = %v, want %v", fields, want)
	}
}

func TestLoadMissingFileFails(t *testing.T) {
	_, err := config.Load(config.Sources{File: filepath.Join(t.TempDir(), "absent.yaml")})
	if err == nil || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("error = %v, want one naming the missing file", err)
	}
}

func TestLoadPrecedenceIsFlagsOverEnvOverFileOverDefaults(t *testing.T) {
	path := writeConfig(t, "node_name: from-file\nlog:\n  level: debug\napi:\n  address: 127.0.0.1:1001\nmetrics:\n  address: 127.0.0.1:2001\n")
	env := []string{"STINGER_API_ADDRESS=127.0.0.1:1002", "STINGER_METRICS_ADDRESS=127.0.0.1:2002", "PATH=/bin", "STINGER_CONFIG=/ignored"}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.BindFlags(fs)
	if err := fs.Parse([]string{"--metrics-address", "127.0.0.1:2003", "--beacon-node-urls", "http://a:1", "--beacon-node-urls", "http://b:2,http://c:3"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Sources{File: path, Env: env, Flags: fs})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"default only", cfg.Log.Format, "console"},
		{"file over default", cfg.NodeName, "from-file"},
		{"file over default (nested)", cfg.Log.Level, "debug"},
		{"env over file", cfg.API.Address, "127.0.0.1:1002"},
		{"flag over env", cfg.Metrics.Address, "127.0.0.1:2003"},
		{"repeated list flag", strings.Join(cfg.BeaconNodeURLs, " "), "http://a:1 http://b:2 http://c:3"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestBoolFlagWithoutValueMeansTrue(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.BindFlags(fs)
	args := []string{
		"--marketplace-enabled",
		"--marketplace-contracts-network-registry", "0x00000000000000000000000000000000000000aa",
		"--marketplace-contracts-dam-factory", "0x00000000000000000000000000000000000000bb",
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Sources{File: writeConfig(t, ""), Flags: fs})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Marketplace.Enabled {
		t.Error("marketplace.enabled = false after --marketplace-enabled")
	}
}

func TestDefaultsYAMLDecodesBackToDefaults(t *testing.T) {
	out, err := config.DefaultsYAML(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	got := &config.Config{}
	if err := config.Decode(got, out); err != nil {
		t.Fatalf("decode defaults YAML: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(got, config.Default()) {
		t.Errorf("decoded defaults differ:\n got %+v\nwant %+v", got, config.Default())
	}
	for _, f := range config.Fields() {
		if !strings.Contains(string(out), "env "+f.Env+")") {
			t.Errorf("defaults YAML does not document %s", f.Key)
		}
	}
}

func TestDefaultsAreValid(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestFieldsHaveUniqueFlagsAndDocs(t *testing.T) {
	seen := map[string]string{}
	for _, f := range config.Fields() {
		if f.Doc == "" {
			t.Errorf("%s has no doc tag", f.Key)
		}
		if other, dup := seen[f.Flag]; dup {
			t.Errorf("%s and %s share flag --%s", f.Key, other, f.Flag)
		}
		seen[f.Flag] = f.Key
	}
	// Scripts and devnets rely on these flag names.
	for _, name := range []string{"data-dir", "api-address", "metrics-address", "p2p-listen", "beacon-node-urls", "log-level", "log-format"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("flag --%s does not exist", name)
		}
	}
}

func TestFieldSetRejectsBadValues(t *testing.T) {
	byKey := map[string]config.Field{}
	for _, f := range config.Fields() {
		byKey[f.Key] = f
	}
	tests := []struct{ key, raw string }{
		{"marketplace.enabled", "yes please"},
		{"marketplace.confirmations", "-1"},
		{"marketplace.poll_interval", "12"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			err := byKey[tt.key].Set(config.Default(), tt.raw)
			var fe *config.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.key || fe.Value != tt.raw {
				t.Errorf("Set(%q) error = %v, want FieldError naming %s and the value", tt.raw, err, tt.key)
			}
		})
	}
}

func TestReadmeConfigurationReferenceMatchesStruct(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), config.Reference()) {
		t.Error("README.md configuration reference is out of date: regenerate it with `make docs`")
	}
}

func TestTokenLockAndMetricsDefaultsDeriveFromOtherSettings(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = "/var/lib/stinger"
	checks := []struct{ name, got, want string }{
		{"token file", cfg.TokenFilePath(), "/var/lib/stinger/api-token"},
		{"cluster lock", cfg.ClusterLockPath(), "/var/lib/stinger/cluster-lock.json"},
		{"marketplace rpc", strings.Join(cfg.MarketplaceRPCURLs(), ","), "http://127.0.0.1:8545"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if !cfg.MetricsOnAPI() {
		t.Error("MetricsOnAPI = false with empty metrics.address")
	}
	cfg.Metrics.Address = "127.0.0.1:9999"
	if cfg.MetricsOnAPI() {
		t.Error("MetricsOnAPI = true with a separate metrics.address")
	}
}

func FuzzDecode(f *testing.F) {
	def, err := config.DefaultsYAML(config.Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte("api:\n  address: [x\n"))
	f.Add([]byte("marketplace: {enabled: true, poll_interval: 1h}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := config.Default()
		if err := config.Decode(cfg, data); err != nil {
			return
		}
		cfg.DataDir = t.TempDir()
		_ = cfg.Validate() // must not panic on any decodable input
	})
}

func TestCheckDataDir(t *testing.T) {
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	noTraverse := filepath.Join(t.TempDir(), "nx")
	if err := os.Mkdir(noTraverse, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
	}{
		{"writable but not traversable", noTraverse, "no write permission"},
		{"new dir under writable parent", filepath.Join(t.TempDir(), "a", "b"), ""},
		{"existing writable dir", t.TempDir(), ""},
		{"read-only dir", readOnly, "no write permission"},
		{"new dir under read-only parent", filepath.Join(readOnly, "x"), "no write permission"},
		{"empty", "", "a directory path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := config.CheckDataDir(tt.dir)
			if tt.want == "" && err != nil {
				t.Fatalf("CheckDataDir = %v, want nil", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("CheckDataDir = %v, want %q", err, tt.want)
			}
		})
	}
}
