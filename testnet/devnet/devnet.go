package devnet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/testnet/internal/httpjson"
	"github.com/stingerdvt/stinger/testnet/prysm"
)

// Devnet is a running process devnet.
type Devnet struct {
	opts     Options
	manifest Manifest

	mu     sync.Mutex
	beacon *child
	prysm  *prysm.Chain // with Beacon "prysm", in place of beacon
	geth   *child
	nodes  []*child
}

// ports is every port the devnet uses, chosen up front.
type ports struct {
	beacon                    int
	p2p, api, metrics         []int
	gethHTTP, gethWS, gethAut int
}

func allocatePorts(n int) (ports, error) {
	ps, err := freePorts(1 + 3*n + 3)
	if err != nil {
		return ports{}, err
	}
	p := ports{beacon: ps[0], p2p: ps[1 : 1+n], api: ps[1+n : 1+2*n], metrics: ps[1+2*n : 1+3*n]}
	p.gethHTTP, p.gethWS, p.gethAut = ps[1+3*n], ps[2+3*n], ps[3+3*n]
	return p, nil
}

// Start sets up and starts a devnet (see the package documentation) and writes devnet.json. On error
// every process already started is stopped.
func Start(ctx context.Context, opts Options) (_ *Devnet, err error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Dir, err = filepath.Abs(opts.Dir); err != nil {
		return nil, fmt.Errorf("--dir: %w", err)
	}
	if err := prepareDir(opts.Dir); err != nil {
		return nil, err
	}
	if opts.ExtraValidators == 0 {
		opts.ExtraValidators = opts.Validators
	}
	p, err := allocatePorts(opts.Nodes)
	if err != nil {
		return nil, err
	}
	d := &Devnet{opts: opts, manifest: Manifest{Dir: opts.Dir, Binary: opts.Binary, Preset: opts.Preset,
		SlotSeconds: int(opts.Slot / time.Second), SlotTime: opts.Slot, Validators: opts.Validators,
		Threshold: cluster.DefaultThreshold(opts.Nodes), Started: time.Now().UTC()}}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	for i := range opts.Nodes {
		name := fmt.Sprintf("node%d", i)
		d.manifest.Nodes = append(d.manifest.Nodes, NodeInfo{Name: name, DataDir: filepath.Join(opts.Dir, name),
			Config: filepath.Join(opts.Dir, name+".yaml"), P2P: fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", p.p2p[i]),
			API: fmt.Sprintf("http://127.0.0.1:%d", p.api[i]), Metrics: fmt.Sprintf("http://127.0.0.1:%d", p.metrics[i])})
	}
	if err := d.setupCluster(ctx, p); err != nil {
		return nil, err
	}
	// The chain first: deploying takes a while, and genesis must come after the nodes are ready.
	if opts.Chain {
		d.startChain(ctx, p)
	}
	if opts.Beacon == BeaconPrysm {
		err = d.startPrysm(ctx)
	} else {
		err = d.startBeacon(ctx, p.beacon)
	}
	if err != nil {
		return nil, err
	}
	if err := d.startNodes(ctx, p); err != nil {
		return nil, err
	}
	return d, d.manifest.Save()
}

// prepareDir creates dir, or reuses it when it is empty or holds a stopped devnet (then wiped).
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf("--dir %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	m, err := LoadManifest(dir)
	if err != nil {
		return fmt.Errorf("--dir %s is not empty and holds no devnet.json: refusing to touch it", dir)
	}
	if running := m.running(); len(running) > 0 {
		return fmt.Errorf("--dir %s: a devnet is still running there (%s): stop it with `stinger devnet down --dir %s`",
			dir, strings.Join(running, ", "), dir)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("wipe stopped devnet in %s: %w", dir, err)
		}
	}
	return nil
}

func (d *Devnet) setupCluster(ctx context.Context, p ports) error {
	o := &d.opts
	how := fmt.Sprintf("running a real DKG among %d `stinger dkg` processes", o.Nodes)
	if o.Beacon == BeaconPrysm {
		// The chain's genesis holds interop validators: split their existing keys
		// (`stinger create cluster --split-existing-keys`).
		o.Dealer = true
		how = "splitting the interop keys of indices 0.. with a trusted dealer (INSECURE)"
	} else if o.Dealer {
		how = "dealing the keys in this process (trusted dealer, INSECURE)"
	}
	o.progress("Creating %d operators, a definition approved by all, and %s "+
		"(%d validators; keystores use a cheap KDF, --insecure-keys: devnet only)...", o.Nodes, how, o.Validators)
	def, err := operatorSetup(o, d.manifest.Nodes, p.p2p)
	if err != nil {
		return err
	}
	start := time.Now()
	if o.Dealer {
		err = dealCluster(o, d.manifest.Nodes, def)
	} else {
		err = runDKG(ctx, o, d.manifest.Nodes, def)
	}
	if err != nil {
		return err
	}
	d.manifest.Lock = filepath.Join(d.manifest.Nodes[0].DataDir, "cluster-lock.json")
	lock, err := cluster.LoadLock(d.manifest.Lock)
	if err != nil {
		return err
	}
	d.manifest.LockHash = lock.LockHash
	o.progress("Keys ready in %s: lock hash %s", time.Since(start).Round(time.Millisecond), lock.LockHash)
	return nil
}

func (d *Devnet) startBeacon(ctx context.Context, port int) error {
	o := &d.opts
	delay := o.GenesisDelay
	if delay == 0 {
		delay = 2*o.Slot + 8*time.Second
	}
	listen := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"devnet", "beacon", "--listen", listen, "--lock", d.manifest.Lock,
		"--extra-validators", fmt.Sprint(o.ExtraValidators), "--slot", o.Slot.String(), "--preset", o.Preset,
		"--genesis-delay", delay.String()}
	c, err := startChild("beacon", filepath.Join(o.Dir, "logs"), o.Binary, args, nil)
	if err != nil {
		return err
	}
	d.beacon = c
	url := "http://" + listen
	d.manifest.Beacon = BeaconInfo{Process: c.info(), URL: url, ScoreURL: url + "/stinger/sim/v1/stats"}
	var genesis struct {
		Data struct {
			ForkVersion string `json:"genesis_fork_version"`
		} `json:"data"`
	}
	err = waitFor(ctx, 30*time.Second, func() error {
		if done, err := c.exited(); done {
			return fmt.Errorf("%w: simulator exited: %v:\n%s", errGiveUp, err, tail(c.log, 1500))
		}
		return getJSON(ctx, url+"/eth/v1/beacon/genesis", &genesis)
	})
	if err != nil {
		return fmt.Errorf("wait for the beacon simulator at %s: %w", url, err)
	}
	if !strings.EqualFold(genesis.Data.ForkVersion, ForkVersion()) {
		return fmt.Errorf("beacon simulator genesis fork version %s differs from the devnet's %s: update devnet.ForkVersion",
			genesis.Data.ForkVersion, ForkVersion())
	}
	o.progress("Beacon chain simulator: %s (%d cluster validators + %d of its own, %s slots, %s preset)",
		url, o.Validators, o.ExtraValidators, o.Slot, o.Preset)
	return nil
}

// startChain starts geth and deploys the marketplace; failures are noted and the devnet carries on
// without a chain.
func (d *Devnet) startChain(ctx context.Context, p ports) {
	o := &d.opts
	note := func(err error) {
		msg := fmt.Sprintf("no chain: %v (the devnet runs without the marketplace; use --no-chain to skip this step)", err)
		d.manifest.Notes = append(d.manifest.Notes, msg)
		o.progress("WARNING: %s", msg)
	}
	geth, err := FindGeth(ctx, o.Geth, o.progress)
	if err != nil {
		note(err)
		return
	}
	c, info, err := startGeth(ctx, o, geth, p.gethHTTP, p.gethWS, p.gethAut)
	if err != nil {
		note(err)
		return
	}
	d.geth = c
	ops := make([]common.Address, len(d.manifest.Nodes))
	for i, n := range d.manifest.Nodes {
		ops[i] = common.HexToAddress(n.Address)
	}
	if err := deployMarketplace(ctx, info, ops); err != nil {
		c.stop(2 * time.Second)
		d.geth = nil
		note(fmt.Errorf("deploy marketplace contracts: %w", err))
		return
	}
	d.manifest.Chain = info
	o.progress("geth --dev: %s (ws %s), chain id %d; NetworkRegistry %s, DAMFactory %s, DAM %s with Network %s installed for %d operators",
		info.RPC, info.WS, info.ChainID, info.Registry, info.Factory, info.DAM, info.NetworkID, len(ops))
}

func (d *Devnet) startNodes(ctx context.Context, p ports) error {
	for i := range d.manifest.Nodes {
		n := d.manifest.Nodes[i]
		urls := []string{d.manifest.Beacon.URL}
		if d.opts.NodeBeaconURLs != nil {
			urls = d.opts.NodeBeaconURLs(i, d.manifest.Beacon.URL)
		}
		if err := writeConfig(n.Config, nodeConfig(n, p.p2p[i], urls, d.manifest.Chain)); err != nil {
			return err
		}
		d.nodes = append(d.nodes, nil)
		if err := d.StartNode(i); err != nil {
			return err
		}
	}
	for i := range d.manifest.Nodes {
		if err := d.waitNode(ctx, i); err != nil {
			return err
		}
	}
	d.opts.progress("Started %d nodes", len(d.nodes))
	return nil
}

// waitNode waits until node i's API answers /livez.
func (d *Devnet) waitNode(ctx context.Context, i int) error {
	n := d.manifest.Nodes[i]
	d.mu.Lock()
	c := d.nodes[i]
	d.mu.Unlock()
	// A node verifies every validator's deposit signatures in the lock before its API opens: allow for
	// that with thousands of validators on a loaded machine.
	err := waitFor(ctx, 30*time.Second+time.Duration(d.opts.Validators)*10*time.Millisecond, func() error {
		if done, err := c.exited(); done {
			return fmt.Errorf("%w: %s exited: %v:\n%s", errGiveUp, n.Name, err, tail(c.log, 2000))
		}
		return getJSON(ctx, n.API+"/livez", nil)
	})
	if err != nil {
		return fmt.Errorf("wait for %s's API at %s: %w", n.Name, n.API, err)
	}
	return nil
}

// Manifest returns a copy of the devnet's manifest.
func (d *Devnet) Manifest() Manifest {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.manifest
	m.Nodes = append([]NodeInfo(nil), d.manifest.Nodes...)
	return m
}

// SetSupervisor records the PID of the process that owns the devnet and rewrites devnet.json.
func (d *Devnet) SetSupervisor(pid int) error {
	d.mu.Lock()
	d.manifest.Supervisor = pid
	d.mu.Unlock()
	return d.save()
}

func (d *Devnet) save() error {
	m := d.Manifest()
	return m.Save()
}

// StartNode (re)starts node i's `stinger run` process.
func (d *Devnet) StartNode(i int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if i < 0 || i >= len(d.nodes) {
		return fmt.Errorf("node %d: devnet has %d nodes", i, len(d.nodes))
	}
	if c := d.nodes[i]; c != nil {
		if done, _ := c.exited(); !done {
			return fmt.Errorf("start %s: already running as PID %d", d.manifest.Nodes[i].Name, c.pid())
		}
	}
	n := &d.manifest.Nodes[i]
	c, err := startChild(n.Name, filepath.Join(d.opts.Dir, "logs"), d.opts.Binary, []string{"run", "--config", n.Config}, nil)
	if err != nil {
		return err
	}
	d.nodes[i] = c
	n.Process = c.info()
	return nil
}

// RestartNode starts node i and waits until its API answers, then rewrites devnet.json.
func (d *Devnet) RestartNode(ctx context.Context, i int) error {
	if err := d.StartNode(i); err != nil {
		return err
	}
	if err := d.waitNode(ctx, i); err != nil {
		return err
	}
	return d.save()
}

// StopNode stops node i (SIGTERM, SIGKILL after 10 s).
func (d *Devnet) StopNode(i int) error {
	c, err := d.node(i)
	if err != nil {
		return err
	}
	c.stop(10 * time.Second)
	return nil
}

// PauseNode freezes node i (SIGSTOP): it neither sends nor answers anything, to peers or to its beacon
// node, as if cut off by a network partition, and keeps its state. ResumeNode heals it.
func (d *Devnet) PauseNode(i int) error {
	c, err := d.node(i)
	if err != nil {
		return err
	}
	return c.signal(syscall.SIGSTOP)
}

// ResumeNode resumes a paused node (SIGCONT).
func (d *Devnet) ResumeNode(i int) error {
	c, err := d.node(i)
	if err != nil {
		return err
	}
	return c.signal(syscall.SIGCONT)
}

func (d *Devnet) node(i int) (*child, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if i < 0 || i >= len(d.nodes) || d.nodes[i] == nil {
		return nil, fmt.Errorf("node %d: not started", i)
	}
	return d.nodes[i], nil
}

// Exited lists the processes that ended without being asked to, with their log's tail.
func (d *Devnet) Exited() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, c := range append(append([]*child{}, d.nodes...), d.geth, d.beacon) {
		if c == nil {
			continue
		}
		if done, err := c.exited(); done {
			out = append(out, fmt.Sprintf("%s (PID %d) exited: %v; log %s", c.name, c.pid(), err, c.log))
		}
	}
	if d.prysm != nil {
		out = append(out, d.prysm.Exited()...)
	}
	return out
}

// Close stops every process the devnet started, nodes first, then geth and the simulator. Paused nodes
// are resumed first so that they can shut down cleanly.
func (d *Devnet) Close() {
	d.mu.Lock()
	nodes := append([]*child(nil), d.nodes...)
	geth, beacon, chain := d.geth, d.beacon, d.prysm
	d.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range nodes {
		if c == nil {
			continue
		}
		wg.Go(func() {
			_ = c.signal(syscall.SIGCONT)
			c.stop(10 * time.Second)
		})
	}
	wg.Wait()
	for _, c := range []*child{geth, beacon} {
		if c != nil {
			c.stop(10 * time.Second)
		}
	}
	if chain != nil {
		chain.Close()
	}
}

// getJSON GETs url (3 s at most) and decodes a 2xx JSON answer into v (nil: only the status matters).
func getJSON(ctx context.Context, url string, v any) error {
	return httpjson.Get(ctx, 3*time.Second, url, v)
}
