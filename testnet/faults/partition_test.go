package faults_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/faults"
)

func newPartition(t *testing.T) *faults.Partition {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network partition needs root (iptables)")
	}
	if _, err := exec.LookPath("iptables"); err != nil {
		t.Skip("network partition needs iptables")
	}
	p, err := faults.NewPartition("test-faults")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return p
}

// echoServer echoes lines on a loopback TCP port.
func echoServer(t *testing.T) (port int) {
	t.Helper()
	lc := net.ListenConfig{Control: reusePort}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// echo sends a line on c and reports whether it came back within d.
func echo(c net.Conn, d time.Duration) bool {
	_ = c.SetDeadline(time.Now().Add(d))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && line == "ping\n"
}

func TestPartitionCutsAndHealsLoopbackPort(t *testing.T) {
	p := newPartition(t)
	isolated, other := echoServer(t), echoServer(t)
	addr := func(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

	established, err := net.Dial("tcp", addr(isolated))
	if err != nil {
		t.Fatal(err)
	}
	defer established.Close()
	if !echo(established, time.Second) {
		t.Fatal("echo before the partition failed")
	}

	if err := p.Isolate(isolated); err != nil {
		t.Fatal(err)
	}
	if got := p.Isolated(); len(got) != 1 || got[0] != isolated {
		t.Fatalf("Isolated() = %v, want [%d]", got, isolated)
	}
	steps := []struct {
		name string
		port int
		want bool
	}{
		{"new connection to the isolated port", isolated, false},
		{"new connection to another port", other, true},
	}
	for _, st := range steps {
		c, err := net.DialTimeout("tcp", addr(st.port), 300*time.Millisecond)
		if got := err == nil; got != st.want {
			t.Errorf("%s: connected=%v, want %v (err %v)", st.name, got, st.want, err)
		}
		if c != nil {
			c.Close()
		}
	}
	if echo(established, 300*time.Millisecond) {
		t.Error("an established connection to the isolated port still carried data")
	}

	if err := p.Heal(); err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", addr(isolated), time.Second)
	if err != nil {
		t.Fatalf("after heal: %v", err)
	}
	defer c.Close()
	if !echo(c, time.Second) {
		t.Error("after heal: echo on a new connection failed")
	}
}

func TestPartitionDropsUDP(t *testing.T) {
	p := newPartition(t)
	srv, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cl, err := net.DialUDP("udp", nil, srv.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	received := func() bool {
		if _, err := cl.Write([]byte("x")); err != nil {
			return false
		}
		_ = srv.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		buf := make([]byte, 8)
		_, err := srv.Read(buf)
		return err == nil
	}
	if !received() {
		t.Fatal("datagram lost before the partition")
	}
	if err := p.Isolate(srv.LocalAddr().(*net.UDPAddr).Port); err != nil {
		t.Fatal(err)
	}
	if received() {
		t.Error("datagram delivered to an isolated port")
	}
	if err := p.Heal(); err != nil {
		t.Fatal(err)
	}
	if !received() {
		t.Error("datagram lost after heal")
	}
}

func TestPartitionRefusesBadInput(t *testing.T) {
	for _, name := range []string{"", "has space", "a-name-that-is-far-too-long"} {
		if _, err := faults.NewPartition(name); err == nil || !strings.Contains(err.Error(), "partition name") {
			t.Errorf("NewPartition(%q) = %v, want a name error", name, err)
		}
	}
	p := newPartition(t)
	for _, port := range []int{0, -1, 65536} {
		if err := p.Isolate(port); err == nil {
			t.Errorf("Isolate(%d) succeeded", port)
		}
	}
}

// dialFrom dials addr from the local port (SO_REUSEADDR and SO_REUSEPORT, as go-libp2p dials from
// its listen port); port 0 dials from a random port.
func dialFrom(port int, addr string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port},
		Control: reusePort}
	return d.Dial("tcp", addr)
}

// reusePort sets SO_REUSEADDR and SO_REUSEPORT on a socket (as go-libp2p does for TCP).
func reusePort(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		if serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); serr == nil {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, 0xf /* SO_REUSEPORT */, 1)
		}
	})
	return errors.Join(err, serr)
}

func TestPartitionRestrictToClosesTheRandomPortSideDoor(t *testing.T) {
	p := newPartition(t)
	a, b := echoServer(t), echoServer(t) // the listen ports of two nodes that stay connected
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(a))
	if err := p.RestrictTo(a, b); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from int
		want bool
	}{
		{"from the other kept node's listen port", b, true},
		{"from a random port (a cut-off node's fallback dial)", 0, false},
	}
	for _, tt := range tests {
		c, err := dialFrom(tt.from, addr, 300*time.Millisecond)
		ok := err == nil && echo(c, 300*time.Millisecond)
		if ok != tt.want {
			t.Errorf("%s: connected and echoed = %v, want %v (dial error %v)", tt.name, ok, tt.want, err)
		}
		if c != nil {
			c.Close()
		}
	}
	for _, bad := range [][]int{nil, {0}, {70000}} {
		if err := p.RestrictTo(bad...); err == nil {
			t.Errorf("RestrictTo(%v) succeeded", bad)
		}
	}
}
