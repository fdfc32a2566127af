package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ClockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100 on every Linux ABI (the
// kernel scales its internal tick rate to it), so it is not read with sysconf.
const ClockTicks = 100

// ProcSample is one reading of a process's CPU time and memory.
type ProcSample struct {
	// CPU is user + system time since the process started.
	CPU time.Duration
	// RSS is the resident set size now (VmRSS), PeakRSS its high-water mark (VmHWM), in bytes.
	RSS, PeakRSS uint64
}

// ParseStat returns utime and stime (in clock ticks) from the content of /proc/PID/stat. The command
// name (field 2) is in parentheses and may itself hold spaces and parentheses, so fields are counted
// from the last ')'.
func ParseStat(b []byte) (utime, stime uint64, err error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return 0, 0, errors.New("parse /proc/PID/stat: no ')' closing the command name")
	}
	// After ") ": field 3 (state) is rest[0]; utime and stime are fields 14 and 15.
	rest := strings.Fields(string(b[end+1:]))
	const utimeAt, stimeAt = 14 - 3, 15 - 3
	if len(rest) <= stimeAt {
		return 0, 0, fmt.Errorf("parse /proc/PID/stat: %d fields after the command name, want at least %d", len(rest), stimeAt+1)
	}
	if utime, err = strconv.ParseUint(rest[utimeAt], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("parse /proc/PID/stat: utime %q: %w", rest[utimeAt], err)
	}
	if stime, err = strconv.ParseUint(rest[stimeAt], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("parse /proc/PID/stat: stime %q: %w", rest[stimeAt], err)
	}
	return utime, stime, nil
}

// ParseStatus returns VmRSS and VmHWM in bytes from the content of /proc/PID/status (lines like
// "VmRSS:	  123456 kB"). Both must be present.
func ParseStatus(b []byte) (rss, hwm uint64, err error) {
	var haveRSS, haveHWM bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(value)
		if len(f) != 2 || f[1] != "kB" {
			return 0, 0, fmt.Errorf("parse /proc/PID/status: %s %q: want \"<number> kB\"", name, strings.TrimSpace(value))
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parse /proc/PID/status: %s %q: %w", name, f[0], err)
		}
		if name == "VmRSS" {
			rss, haveRSS = kb*1024, true
		} else {
			hwm, haveHWM = kb*1024, true
		}
	}
	if !haveRSS || !haveHWM {
		return 0, 0, errors.New("parse /proc/PID/status: VmRSS or VmHWM missing (a kernel thread or a zombie?)")
	}
	return rss, hwm, nil
}

// ReadProc samples process pid from the proc file system mounted at root ("/proc").
func ReadProc(root string, pid int) (ProcSample, error) {
	dir := filepath.Join(root, strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return ProcSample{}, fmt.Errorf("sample process %d: %w", pid, err)
	}
	status, err := os.ReadFile(filepath.Join(dir, "status"))
	if err != nil {
		return ProcSample{}, fmt.Errorf("sample process %d: %w", pid, err)
	}
	ut, st, err := ParseStat(stat)
	if err != nil {
		return ProcSample{}, fmt.Errorf("sample process %d: %w", pid, err)
	}
	rss, hwm, err := ParseStatus(status)
	if err != nil {
		return ProcSample{}, fmt.Errorf("sample process %d: %w", pid, err)
	}
	return ProcSample{CPU: time.Duration(ut+st) * time.Second / ClockTicks, RSS: rss, PeakRSS: hwm}, nil
}

// LoadAverage returns the first three fields of root/loadavg ("1.02 0.87 0.55"), or "" if unreadable.
func LoadAverage(root string) string {
	b, err := os.ReadFile(filepath.Join(root, "loadavg"))
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
