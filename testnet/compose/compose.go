package compose

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// Options configures the generated project.
type Options struct {
	// Out is the project directory (created; must be empty or missing).
	Out string
	// Nodes is the number of operators (3f+1); Validators the distributed validators.
	Nodes, Validators int
	// ExtraValidators are the simulator's own validators.
	ExtraValidators int
	// Slot and Preset configure the simulator.
	Slot   time.Duration
	Preset string
	// Image is the stinger image (default stinger:dev).
	Image string
	// Subnet is the private network's IPv4 /24 (nodes get .10, .11, ...; the simulator .2).
	Subnet string
	// BeaconPort and APIBasePort are the host ports (on 127.0.0.1) of the simulator and node i's API
	// (APIBasePort+i).
	BeaconPort, APIBasePort int
	// UID and GID run the containers as the owner of the generated data directories.
	UID, GID int
	// ForkVersion is the simulator's genesis fork version, named in the cluster definition.
	ForkVersion string
}

// DefaultOptions returns the `stinger devnet compose` defaults.
func DefaultOptions() Options {
	return Options{Nodes: 4, Validators: 16, Slot: 2 * time.Second, Preset: "minimal", Image: "stinger:dev",
		Subnet: "172.29.53.0/24", BeaconPort: 5052, APIBasePort: 3620, UID: os.Getuid(), GID: os.Getgid()}
}

// Validate checks the options; errors name the flag.
func (o *Options) Validate() error {
	if o.Out == "" {
		return errors.New("--out: want a directory")
	}
	if o.Nodes < 4 || (o.Nodes-1)%3 != 0 {
		return fmt.Errorf("--nodes %d: want n = 3f+1 with f >= 1 (4, 7, 10, ...)", o.Nodes)
	}
	if o.Nodes > 200 {
		return fmt.Errorf("--nodes %d: at most 200 fit the /24 subnet", o.Nodes)
	}
	if o.Validators < 1 || o.ExtraValidators < 0 {
		return fmt.Errorf("--validators %d, --extra-validators %d: want at least 1 and at least 0", o.Validators, o.ExtraValidators)
	}
	if o.Slot < time.Second || o.Slot%time.Second != 0 {
		return fmt.Errorf("--slot %s: want a whole number of seconds, at least 1s", o.Slot)
	}
	if _, err := beaconsim.PresetByName(o.Preset); err != nil {
		return fmt.Errorf("--preset: %w", err)
	}
	p, err := netip.ParsePrefix(o.Subnet)
	if err != nil || !p.Addr().Is4() || p.Bits() != 24 {
		return fmt.Errorf("--subnet %q: want an IPv4 /24 such as 172.29.53.0/24", o.Subnet)
	}
	if o.Image == "" {
		return errors.New("--image: want an image reference")
	}
	for _, port := range []int{o.BeaconPort, o.APIBasePort, o.APIBasePort + o.Nodes - 1} {
		if port < 1 || port > 65535 {
			return fmt.Errorf("host port %d: want 1-65535", port)
		}
	}
	if o.ForkVersion == "" {
		return errors.New("compose: no fork version given")
	}
	return nil
}

// ip returns host number h of the subnet.
func (o *Options) ip(h int) string {
	p := netip.MustParsePrefix(o.Subnet).Masked().Addr().As4()
	p[3] = byte(h)
	return netip.AddrFrom4(p).String()
}

func nodeName(i int) string { return fmt.Sprintf("node%d", i) }

// Generate writes the project to o.Out: keys dealt to every node directory, compose.yaml, .env,
// monitoring configuration and a README.
func Generate(o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if entries, err := os.ReadDir(o.Out); err == nil && len(entries) > 0 {
		return fmt.Errorf("--out %s is not empty: refusing to overwrite", o.Out)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", o.Out, err)
	}
	if o.ExtraValidators == 0 {
		o.ExtraValidators = o.Validators
	}
	if err := dealKeys(&o); err != nil {
		return err
	}
	files := map[string]string{
		"compose.yaml":              composeFile(&o),
		".env":                      fmt.Sprintf("# containers run as the owner of the node directories\nSTINGER_UID=%d\nSTINGER_GID=%d\nSTINGER_IMAGE=%s\n", o.UID, o.GID, o.Image),
		"README.md":                 readme(&o),
		"monitoring/prometheus.yml": prometheusConfig(&o),
		"monitoring/grafana/provisioning/datasources/prometheus.yaml": grafanaDatasource,
		"monitoring/grafana/provisioning/dashboards/stinger.yaml":     grafanaDashboardProvider,
		"monitoring/grafana/dashboards/stinger.json":                  Dashboard(),
	}
	for name, content := range files {
		path := filepath.Join(o.Out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// dealKeys creates every operator's identity and deals the validator shares (trusted dealer).
func dealKeys(o *Options) error {
	keys := make([]crypto.PrivKey, o.Nodes)
	ops := make([]cluster.Operator, o.Nodes)
	for i := range o.Nodes {
		id, err := cluster.CreateIdentity(filepath.Join(o.Out, nodeName(i)), rand.Reader)
		if err != nil {
			return err
		}
		keys[i] = id.Key
		ops[i] = cluster.Operator{Name: nodeName(i), PeerID: id.PeerID.String(),
			Addresses: []string{fmt.Sprintf("/ip4/%s/tcp/3610", o.ip(10+i))}}
	}
	def, err := cluster.NewDefinition(cluster.NewDefinitionParams{Name: "stinger compose devnet", Operators: ops,
		NumValidators: o.Validators, Network: "stinger-devnet", ForkVersion: o.ForkVersion,
		WithdrawalAddresses: []string{"0x000000000000000000000000000000000000dEaD"},
		FeeRecipients:       []string{"0x1111111111111111111111111111111111111111"}, Now: time.Now()})
	if err != nil {
		return fmt.Errorf("create definition: %w", err)
	}
	lock, shares, err := dkg.Deal(dkg.DealerParams{Definition: def, Keys: keys, Rand: rand.Reader})
	if err != nil {
		return err
	}
	out := dkg.OutputOptions{Rand: rand.Reader, Keystore: []keystore.Option{keystore.WithPBKDF2(2)}}
	for i := range o.Nodes {
		if err := dkg.WriteOutputs(filepath.Join(o.Out, nodeName(i)), lock, shares[i], out); err != nil {
			return err
		}
	}
	return def.Save(filepath.Join(o.Out, "cluster-definition.json"))
}

func composeFile(o *Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# stinger devnet: generated by "stinger devnet compose". Uses the local image ${STINGER_IMAGE}
# ("make docker" builds stinger:dev offline); nothing is pulled unless a profile is enabled:
# (pull_policy: never; with Compose v1 use "docker-compose" for "docker compose"):
#   docker compose up                         # simulator + %d nodes
#   docker compose --profile monitoring up    # + Prometheus (http://127.0.0.1:9090) and Grafana (http://127.0.0.1:3000)
#   docker compose --profile chain up         # + geth --dev (http://127.0.0.1:8545)

x-stinger: &stinger
  image: ${STINGER_IMAGE:-%s}
  pull_policy: never
  user: "${STINGER_UID:-10001}:${STINGER_GID:-10001}"
  restart: unless-stopped

services:
  beacon:
    <<: *stinger
    command: ["devnet", "beacon", "--listen", "0.0.0.0:5052", "--lock", "/data/cluster-lock.json",
              "--extra-validators", "%d", "--slot", "%s", "--preset", "%s", "--genesis-delay", "20s"]
    volumes:
      - ./node0/cluster-lock.json:/data/cluster-lock.json:ro
    healthcheck:
      test: ["CMD", "/usr/local/bin/stinger", "health", "--url", "http://127.0.0.1:5052/eth/v1/node/version"]
      interval: 2s
      timeout: 2s
      retries: 30
    ports:
      - "127.0.0.1:%d:5052"
    networks:
      devnet:
        ipv4_address: %s
`, o.Nodes, o.Image, o.ExtraValidators, o.Slot, o.Preset, o.BeaconPort, o.ip(2))
	for i := range o.Nodes {
		fmt.Fprintf(&b, `
  %[1]s:
    <<: *stinger
    command: ["run", "--node-name", "%[1]s", "--data-dir", "/data", "--api-address", "0.0.0.0:3620",
              "--p2p-listen", "/ip4/0.0.0.0/tcp/3610", "--beacon-node-urls", "http://beacon:5052"]
    volumes:
      - ./%[1]s:/data
    depends_on:
      beacon:
        condition: service_healthy
    ports:
      - "127.0.0.1:%[2]d:3620"
    networks:
      devnet:
        ipv4_address: %[3]s
`, nodeName(i), o.APIBasePort+i, o.ip(10+i))
	}
	fmt.Fprintf(&b, `
  geth:
    profiles: ["chain"]
    image: ethereum/client-go:v1.17.8
    command: ["--dev", "--dev.period", "1", "--http", "--http.addr", "0.0.0.0", "--http.vhosts", "*",
              "--http.api", "eth,net,web3", "--nodiscover", "--maxpeers", "0"]
    ports:
      - "127.0.0.1:8545:8545"
    networks:
      devnet:
        ipv4_address: %s

  prometheus:
    profiles: ["monitoring"]
    image: prom/prometheus:v3.5.0
    volumes:
      - ./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro
    ports:
      - "127.0.0.1:9090:9090"
    networks:
      devnet:
        ipv4_address: %s

  grafana:
    profiles: ["monitoring"]
    image: grafana/grafana:12.1.0
    environment:
      GF_AUTH_ANONYMOUS_ENABLED: "true"
      GF_AUTH_ANONYMOUS_ORG_ROLE: Admin
      GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /var/lib/grafana/dashboards/stinger.json
    volumes:
      - ./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro
      - ./monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro
    depends_on: [prometheus]
    ports:
      - "127.0.0.1:3000:3000"
    networks:
      devnet:
        ipv4_address: %s

networks:
  devnet:
    driver: bridge
    ipam:
      config:
        - subnet: %s
`, o.ip(3), o.ip(4), o.ip(5), o.Subnet)
	return b.String()
}

func prometheusConfig(o *Options) string {
	var targets []string
	for i := range o.Nodes {
		targets = append(targets, fmt.Sprintf("'%s:3620'", nodeName(i)))
	}
	return fmt.Sprintf(`global:
  scrape_interval: 5s
scrape_configs:
  - job_name: stinger
    static_configs:
      - targets: [%s]
`, strings.Join(targets, ", "))
}

const grafanaDatasource = `apiVersion: 1
datasources:
  - name: Prometheus
    uid: prometheus
    type: prometheus
    access: proxy
    url: http://prometheus:9090
    isDefault: true
`

const grafanaDashboardProvider = `apiVersion: 1
providers:
  - name: stinger
    type: file
    options:
      path: /var/lib/grafana/dashboards
`

func readme(o *Options) string {
	return fmt.Sprintf(`# stinger devnet (Docker Compose)

Generated by "stinger devnet compose": the beacon chain simulator and %d stinger nodes (%d distributed
validators, threshold %d) on a private network %s, using the local image %s.

Keys were dealt by a trusted dealer when this project was generated (devnet only: never for real funds;
"stinger devnet up" runs a real DKG). Each node's data directory (operator key, lock, keystores, slashing
protection) is ./nodeN, mounted at /data; containers run as the user that generated it (.env).

    make docker                       # in the stinger repository: builds %s without pulling
    docker compose up                 # simulator + nodes (or docker-compose up with Compose v1)
    curl http://127.0.0.1:%d/livez    # node0's API (node i: port %d+i)
    stinger devnet score --beacon http://127.0.0.1:%d
    docker compose --profile monitoring up   # + Prometheus :9090 and Grafana :3000 (pulls images)
    docker compose down
`, o.Nodes, o.Validators, cluster.DefaultThreshold(o.Nodes), o.Subnet, o.Image, o.Image, o.APIBasePort,
		o.APIBasePort, o.BeaconPort)
}
