package devnet

import (
	"fmt"
	"path/filepath"
	"syscall"
	"time"
)

// running lists the manifest's processes that still run a command of this devnet.
func (m *Manifest) running() []string {
	var out []string
	if ok, _ := alive(m.Supervisor, "devnet"); ok {
		out = append(out, fmt.Sprintf("supervisor PID %d", m.Supervisor))
	}
	for _, p := range m.processes() {
		if ok, _ := alive(p.PID, m.Dir); ok {
			out = append(out, fmt.Sprintf("%s PID %d", p.name, p.PID))
		}
	}
	return out
}

// Down stops the devnet described by dir/devnet.json: SIGTERM to the supervising `stinger devnet up`
// (which stops its children in order), then SIGTERM and, after grace, SIGKILL to any process left. A PID
// whose command line no longer mentions the devnet directory is never signalled. It reports one line
// per process to report.
func Down(dir string, grace time.Duration, report func(string)) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("--dir: %w", err)
	}
	m, err := LoadManifest(abs)
	if err != nil {
		return err
	}
	if ok, _ := alive(m.Supervisor, "devnet"); ok {
		report(fmt.Sprintf("stopping supervisor (PID %d)", m.Supervisor))
		_ = syscall.Kill(m.Supervisor, syscall.SIGTERM)
		waitGone(m.Supervisor, "devnet", grace+15*time.Second)
	}
	for _, p := range m.processes() {
		ok, err := alive(p.PID, m.Dir)
		if err != nil {
			report(fmt.Sprintf("%s: PID %d now runs another program: left alone", p.name, p.PID))
			continue
		}
		if !ok {
			continue
		}
		report(fmt.Sprintf("stopping %s (PID %d)", p.name, p.PID))
		_ = syscall.Kill(p.PID, syscall.SIGCONT)
		_ = syscall.Kill(p.PID, syscall.SIGTERM)
		if !waitGone(p.PID, m.Dir, grace) {
			report(fmt.Sprintf("%s (PID %d) ignored SIGTERM for %s: killing it", p.name, p.PID, grace))
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
			waitGone(p.PID, m.Dir, 5*time.Second)
		}
	}
	if left := m.running(); len(left) > 0 {
		return fmt.Errorf("devnet in %s: still running: %v", abs, left)
	}
	report(fmt.Sprintf("devnet in %s stopped (data and logs kept; `stinger devnet up --dir %s` starts a new one)", abs, dir))
	return nil
}

// waitGone waits until pid no longer runs a devnet command.
func waitGone(pid int, marker string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if ok, _ := alive(pid, marker); !ok {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	ok, _ := alive(pid, marker)
	return !ok
}
