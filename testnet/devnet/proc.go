package devnet

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a process started by the devnet. Its stdout and stderr go to a log file.
type child struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}

	mu  sync.Mutex
	err error // exit status once done is closed
}

// startChild starts bin with args, logging to logDir/name.log (appended: restarts keep history). The
// child gets its own process group so that a terminal's Ctrl-C reaches only the supervisor, which then
// stops children in order.
func startChild(name, logDir, bin string, args []string, env []string) (*child, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("start %s: create log dir: %w", name, err)
	}
	logPath := filepath.Join(logDir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("start %s: open log: %w", name, err)
	}
	fmt.Fprintf(f, "\n=== %s: %s %s\n", time.Now().UTC().Format(time.RFC3339), bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(childEnv(os.Environ()), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	c := &child{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		f.Close()
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) info() Process { return Process{PID: c.pid(), Log: c.log} }

// exited reports whether the process has ended, and how.
func (c *child) exited() (bool, error) {
	select {
	case <-c.done:
		c.mu.Lock()
		defer c.mu.Unlock()
		return true, c.err
	default:
		return false, nil
	}
}

// wait waits up to timeout for the process to end by itself.
func (c *child) wait(timeout time.Duration) (error, bool) {
	select {
	case <-c.done:
		_, err := c.exited()
		return err, true
	case <-time.After(timeout):
		return nil, false
	}
}

// stop sends SIGTERM, then SIGKILL after grace.
func (c *child) stop(grace time.Duration) {
	if done, _ := c.exited(); done {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	if _, ok := c.wait(grace); ok {
		return
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// signal sends sig (e.g. SIGSTOP, SIGCONT) to the process.
func (c *child) signal(sig syscall.Signal) error {
	if done, _ := c.exited(); done {
		return fmt.Errorf("signal %s: process %d has exited", c.name, c.pid())
	}
	if err := c.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal %s: %w", c.name, err)
	}
	return nil
}

// childEnv drops STINGER_* variables from the inherited environment: each devnet process is configured
// by its own arguments and config file, and a node rejects STINGER_* names it does not know.
func childEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "STINGER_") {
			out = append(out, kv)
		}
	}
	return out
}

// tail returns the last n bytes of the child's log, for error messages.
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(st.Size()-n, 0)
	}
	b := make([]byte, n)
	k, _ := f.Read(b)
	return strings.TrimSpace(string(b[:k]))
}

// errNotOurs is returned when a PID no longer runs a command of this devnet.
var errNotOurs = errors.New("process does not belong to this devnet")

// alive reports whether pid runs and, where /proc is available, whether its command line contains
// marker (so that a recycled PID is never signalled).
func alive(pid int, marker string) (bool, error) {
	if pid <= 0 {
		return false, nil
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false, nil
	}
	if err := p.Signal(syscall.Signal(0)); err != nil {
		return false, nil
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return true, nil // no /proc: trust the PID
	}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if f := strings.Fields(string(stat)); len(f) > 2 && f[2] == "Z" {
			return false, nil // zombie: already exited
		}
	}
	if marker != "" && !strings.Contains(strings.ReplaceAll(string(raw), "\x00", " "), marker) {
		return false, errNotOurs
	}
	return true, nil
}
