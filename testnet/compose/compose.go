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
	// Subnet is the IPv4 /24 of the network "devnet" (the simulator .2, nodes .10, .11, ...), which carries
	// the nodes' beacon node traffic, their APIs and the optional services.
	Subnet string
	// P2PSubnet is the IPv4 /24 of the network "p2p" that carries the nodes' libp2p traffic only (node i
	// listens on .10+i, the address the cluster lock names); default the /24 after Subnet. Disconnecting a
	// node from it partitions the node from its peers while it still reaches its beacon node.
	P2PSubnet string
	// FailoverNodes is how many nodes (node0 first) get a second beacon node URL: they reach the simulator
	// first on its address .2 of the network "failover" (FailoverSubnet, default the /24 after P2PSubnet),
	// then on http://beacon:5052. Disconnecting the simulator from "failover" fails their first beacon node
	// only.
	FailoverNodes  int
	FailoverSubnet string
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
	if _, err := o.subnets(); err != nil {
		return err
	}
	if o.FailoverNodes < 0 || o.FailoverNodes > o.Nodes {
		return fmt.Errorf("failover nodes %d: want 0 to %d (--nodes)", o.FailoverNodes, o.Nodes)
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

// subnets returns the networks devnet, p2p and failover, checked: IPv4 /24s, distinct.
func (o *Options) subnets() ([3]netip.Prefix, error) {
	var out [3]netip.Prefix
	specs := []struct{ name, value string }{{"--subnet", o.Subnet}, {"p2p subnet", o.P2PSubnet}, {"failover subnet", o.FailoverSubnet}}
	for i, sp := range specs {
		if sp.value == "" && i > 0 {
			next := out[i-1].Addr().As4()
			if next[2] == 255 {
				return out, fmt.Errorf("%s: no default after %s (give one)", sp.name, out[i-1])
			}
			next[2]++
			out[i] = netip.PrefixFrom(netip.AddrFrom4(next), 24)
			continue
		}
		p, err := netip.ParsePrefix(sp.value)
		if err != nil || !p.Addr().Is4() || p.Bits() != 24 {
			return out, fmt.Errorf("%s %q: want an IPv4 /24 such as 172.29.53.0/24", sp.name, sp.value)
		}
		out[i] = p.Masked()
		for j := range i {
			if out[j] == out[i] {
				return out, fmt.Errorf("%s %s: the same network as %s", sp.name, out[i], specs[j].name)
			}
		}
	}
	return out, nil
}

// Network names in the generated project.
const (
	NetDevnet   = "devnet"
	NetP2P      = "p2p"
	NetFailover = "failover"
)

// IP returns host number h of the network named net ("devnet", "p2p" or "failover"); the options must be
// valid.
func (o *Options) IP(net string, h int) string {
	nets, err := o.subnets()
	if err != nil {
		panic(fmt.Sprintf("compose: IP of invalid options: %v", err))
	}
	i := map[string]int{NetDevnet: 0, NetP2P: 1, NetFailover: 2}[net]
	p := nets[i].Addr().As4()
	p[3] = byte(h)
	return netip.AddrFrom4(p).String()
}

// subnet is the network's /24 (valid options).
func (o *Options) subnet(net string) string {
	p, _ := netip.ParsePrefix(o.IP(net, 0) + "/24")
	return p.String()
}

// ip returns host number h of the devnet network.
func (o *Options) ip(h int) string { return o.IP(NetDevnet, h) }

// NodeP2PAddr is node i's libp2p address, on the p2p network (as the cluster lock names it).
func (o *Options) NodeP2PAddr(i int) string {
	return fmt.Sprintf("/ip4/%s/tcp/3610", o.IP(NetP2P, 10+i))
}

// nodeBeaconURLs are node i's beacon node URLs, in order of preference.
func (o *Options) nodeBeaconURLs(i int) string {
	if i < o.FailoverNodes {
		return fmt.Sprintf("http://%s:5052,http://beacon:5052", o.IP(NetFailover, 2))
	}
	return "http://beacon:5052"
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
			Addresses: []string{o.NodeP2PAddr(i)}}
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
	if o.FailoverNodes > 0 {
		fmt.Fprintf(&b, "      %s:\n        ipv4_address: %s\n", NetFailover, o.IP(NetFailover, 2))
	}
	for i := range o.Nodes {
		// libp2p listens on the p2p network only: peers never learn (or dial) an address on another network.
		fmt.Fprintf(&b, `
  %[1]s:
    <<: *stinger
    command: ["run", "--node-name", "%[1]s", "--data-dir", "/data", "--api-address", "0.0.0.0:3620",
              "--p2p-listen", "%[4]s", "--beacon-node-urls", "%[5]s"]
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
      p2p:
        ipv4_address: %[6]s
`, nodeName(i), o.APIBasePort+i, o.ip(10+i), o.NodeP2PAddr(i), o.nodeBeaconURLs(i), o.IP(NetP2P, 10+i))
		if i < o.FailoverNodes {
			fmt.Fprintf(&b, "      %s:\n        ipv4_address: %s\n", NetFailover, o.IP(NetFailover, 10+i))
		}
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
  # libp2p between the nodes only (internal: no gateway; the lock's addresses are on it)
  p2p:
    driver: bridge
    internal: true
    ipam:
      config:
        - subnet: %s
`, o.ip(3), o.ip(4), o.ip(5), o.subnet(NetDevnet), o.subnet(NetP2P))
	if o.FailoverNodes > 0 {
		fmt.Fprintf(&b, `  # the simulator's second endpoint, first beacon node of the first %d node(s)
  failover:
    driver: bridge
    internal: true
    ipam:
      config:
        - subnet: %s
`, o.FailoverNodes, o.subnet(NetFailover))
	}
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
	failover := ""
	if o.FailoverNodes > 0 {
		failover = fmt.Sprintf(`
The first %d node(s) reach the simulator first on the network "failover" (%s), then on "devnet":
"docker network disconnect <project>_failover <simulator container>" fails their first beacon node only.
`, o.FailoverNodes, o.subnet(NetFailover))
	}
	return fmt.Sprintf(`# stinger devnet (Docker Compose)

Generated by "stinger devnet compose": the beacon chain simulator and %d stinger nodes (%d distributed
validators, threshold %d), using the local image %s, on two private networks: "devnet" (%s: the
simulator, the nodes' beacon node traffic and APIs) and "p2p" (%s: the nodes' libp2p traffic only; the
cluster lock names each node's address on it).

Keys were dealt by a trusted dealer when this project was generated (devnet only: never for real funds;
"stinger devnet up" runs a real DKG). Each node's data directory (operator key, lock, keystores, slashing
protection) is ./nodeN, mounted at /data; containers run as the user that generated it (.env).

    make docker                       # in the stinger repository: builds %s without pulling
    docker compose up                 # simulator + nodes (or docker-compose up with Compose v1)
    curl http://127.0.0.1:%d/livez    # node0's API (node i: port %d+i)
    stinger devnet score --beacon http://127.0.0.1:%d
    docker compose --profile monitoring up   # + Prometheus :9090 and Grafana :3000 (pulls images)
    docker compose down

Fault drills (the score shows their effect; container ids from "docker compose ps -q nodeN"):

    docker kill <node3>; sleep 32; docker start <node3>                   # one node down for 2 epochs
    docker network disconnect <project>_p2p <node1>                       # partition node1 from its peers...
    docker network connect --ip %s <project>_p2p <node1>          # ...and heal
    docker restart <node0>                                                # restart (one at a time stays live)
%s`, o.Nodes, o.Validators, cluster.DefaultThreshold(o.Nodes), o.Image, o.subnet(NetDevnet), o.subnet(NetP2P),
		o.Image, o.APIBasePort, o.APIBasePort, o.BeaconPort, o.IP(NetP2P, 11), failover)
}
