package faults

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Partition cuts loopback ports off the network with iptables: while a port is isolated, every TCP and
// UDP packet on the loopback interface to or from it is dropped, so established connections stall and
// new ones cannot be made, as when a host's link goes down. It isolates a devnet node's p2p traffic only
// (its beacon node and API stay reachable): go-libp2p dials from its listen port (reuseport), so the
// node's outgoing connections are cut as well as the incoming ones.
//
// The rules live in a chain of their own (STINGER-<name>) reached from INPUT; Close removes it. It needs
// root (CAP_NET_ADMIN) and the iptables command.
type Partition struct {
	iptables string
	chain    string

	mu       sync.Mutex
	isolated []int
	closed   bool
}

var chainName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,20}$`)

// NewPartition creates the chain STINGER-<name> and jumps to it from INPUT on the loopback interface.
// A chain of the same name left by a crashed run is reused (flushed). The error says why iptables cannot
// be used (not root, command missing).
func NewPartition(name string) (*Partition, error) {
	if !chainName.MatchString(name) {
		return nil, fmt.Errorf("partition name %q: want 1-20 letters, digits, '-' or '_'", name)
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("network partition: iptables needs root (CAP_NET_ADMIN)")
	}
	bin, err := exec.LookPath("iptables")
	if err != nil {
		return nil, fmt.Errorf("network partition: %w (install Debian's iptables)", err)
	}
	p := &Partition{iptables: bin, chain: "STINGER-" + name}
	if err := p.run("-N", p.chain); err != nil {
		if !errors.Is(err, errChainExists) {
			return nil, err
		}
		if err := p.run("-F", p.chain); err != nil {
			return nil, err
		}
	}
	if p.run("-C", "INPUT", "-i", "lo", "-j", p.chain) != nil {
		if err := p.run("-I", "INPUT", "1", "-i", "lo", "-j", p.chain); err != nil {
			_ = p.run("-X", p.chain)
			return nil, err
		}
	}
	return p, nil
}

// Chain is the iptables chain holding the rules.
func (p *Partition) Chain() string { return p.chain }

// Isolate drops every loopback packet to or from the ports (TCP and UDP).
func (p *Partition) Isolate(ports ...int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("network partition: closed")
	}
	for _, port := range ports {
		if port < 1 || port > 65535 {
			return fmt.Errorf("network partition: port %d out of range", port)
		}
		for _, proto := range []string{"tcp", "udp"} {
			for _, dir := range []string{"--dport", "--sport"} {
				if err := p.run("-A", p.chain, "-p", proto, dir, strconv.Itoa(port), "-j", "DROP"); err != nil {
					return err
				}
			}
		}
		p.isolated = append(p.isolated, port)
	}
	return nil
}

// RestrictTo lets packets that touch the given TCP ports through only between two of them: a
// connection to one of them from any other port is dropped. Given the listen ports of the nodes that
// stay connected, it closes the side door that Isolate alone leaves open: a node cut off by port
// whose dial from its listen port fails to bind (the old connection lingers in FIN-WAIT) redials from
// a random port (go-libp2p's reuseport fallback), which no port rule of its own matches. Connections
// between the listed ports use them at both ends because go-libp2p dials from its listen port.
func (p *Partition) RestrictTo(ports ...int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("network partition: closed")
	}
	if len(ports) == 0 || len(ports) > 15 {
		return fmt.Errorf("network partition: restrict to %d ports, want 1..15 (one multiport match)", len(ports))
	}
	list := make([]string, len(ports))
	for i, port := range ports {
		if port < 1 || port > 65535 {
			return fmt.Errorf("network partition: port %d out of range", port)
		}
		list[i] = strconv.Itoa(port)
	}
	set := strings.Join(list, ",")
	rules := [][]string{
		{"-m", "multiport", "--dports", set, "-m", "multiport", "!", "--sports", set},
		{"-m", "multiport", "--sports", set, "-m", "multiport", "!", "--dports", set},
	}
	for _, r := range rules {
		if err := p.run(append(append([]string{"-A", p.chain, "-p", "tcp"}, r...), "-j", "DROP")...); err != nil {
			return err
		}
	}
	return nil
}

// Isolated returns the ports currently cut off.
func (p *Partition) Isolated() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.isolated...)
}

// Heal removes every rule: all ports are reachable again.
func (p *Partition) Heal() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	if err := p.run("-F", p.chain); err != nil {
		return err
	}
	p.isolated = nil
	return nil
}

// Close heals and removes the chain and its jump from INPUT. It is safe to call more than once.
func (p *Partition) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.isolated = nil
	var errs []error
	if err := p.run("-F", p.chain); err != nil {
		errs = append(errs, err)
	}
	for p.run("-C", "INPUT", "-i", "lo", "-j", p.chain) == nil {
		if err := p.run("-D", "INPUT", "-i", "lo", "-j", p.chain); err != nil {
			errs = append(errs, err)
			break
		}
	}
	if err := p.run("-X", p.chain); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

var errChainExists = errors.New("chain already exists")

// run runs iptables (waiting for the xtables lock) and names the command in its error.
func (p *Partition) run(args ...string) error {
	cmd := exec.Command(p.iptables, append([]string{"-w", "5"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if bytes.Contains(out.Bytes(), []byte("exists")) {
			return errChainExists
		}
		return fmt.Errorf("iptables %v: %w: %s", args, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}
