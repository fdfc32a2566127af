package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStatCountsFieldsAfterTheLastParenthesis(t *testing.T) {
	// Fields 14 and 15 are utime and stime; everything before them is filler here.
	tail := " S 1 2 3 4 5 6 7 8 9 10 %s %s 20 21 22 23 24"
	tests := []struct {
		name         string
		stat         string
		utime, stime uint64
		wantErr      string
	}{
		{"plain name", "1234 (stinger)" + fmtTail(tail, "150", "25"), 150, 25, ""},
		{"name with spaces and parentheses", "1234 (a (b) c))" + fmtTail(tail, "7", "9"), 7, 9, ""},
		{"large counters", "9 (x)" + fmtTail(tail, "18446744073709551615", "0"), 18446744073709551615, 0, ""},
		{"no closing parenthesis", "1234 (stinger S 1 2", 0, 0, "no ')'"},
		{"truncated", "1234 (stinger) S 1 2 3", 0, 0, "fields after the command name"},
		{"utime not a number", "1 (x)" + fmtTail(tail, "abc", "1"), 0, 0, "utime \"abc\""},
		{"stime negative", "1 (x)" + fmtTail(tail, "1", "-1"), 0, 0, "stime \"-1\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, s, err := ParseStat([]byte(tt.stat))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u != tt.utime || s != tt.stime {
				t.Fatalf("utime, stime = %d, %d; want %d, %d", u, s, tt.utime, tt.stime)
			}
		})
	}
}

func fmtTail(tail, utime, stime string) string {
	return strings.Replace(strings.Replace(tail, "%s", utime, 1), "%s", stime, 1)
}

func TestParseStatusReadsRSSAndHighWaterMarkInBytes(t *testing.T) {
	tests := []struct {
		name      string
		status    string
		rss, hwm  uint64
		wantError string
	}{
		{"both", "Name:\tstinger\nVmPeak:\t 999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads:\t9\n", 1024 * 1024, 2048 * 1024, ""},
		{"order does not matter", "VmRSS:\t1 kB\nVmHWM:\t1 kB\n", 1024, 1024, ""},
		{"missing VmHWM", "VmRSS:\t1 kB\n", 0, 0, "VmRSS or VmHWM missing"},
		{"kernel thread: neither", "Name:\tkworker\nState:\tI (idle)\n", 0, 0, "missing"},
		{"wrong unit", "VmRSS:\t1 MB\nVmHWM:\t1 kB\n", 0, 0, "VmRSS \"1 MB\""},
		{"not a number", "VmRSS:\tx kB\nVmHWM:\t1 kB\n", 0, 0, "VmRSS \"x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rss, hwm, err := ParseStatus([]byte(tt.status))
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error %v, want it to mention %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rss != tt.rss || hwm != tt.hwm {
				t.Fatalf("rss, hwm = %d, %d; want %d, %d", rss, hwm, tt.rss, tt.hwm)
			}
		})
	}
}

func TestReadProcConvertsTicksToCPUTime(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "42")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("stat", "42 (stinger run)"+fmtTail(" S 1 2 3 4 5 6 7 8 9 10 %s %s 0 0", "250", "120"))
	write("status", "VmHWM:\t300 kB\nVmRSS:\t200 kB\n")
	got, err := ReadProc(root, 42)
	if err != nil {
		t.Fatal(err)
	}
	want := ProcSample{CPU: 3700 * time.Millisecond, RSS: 200 * 1024, PeakRSS: 300 * 1024}
	if got != want {
		t.Fatalf("ReadProc = %+v, want %+v", got, want)
	}
	if _, err := ReadProc(root, 43); err == nil || !strings.Contains(err.Error(), "process 43") {
		t.Fatalf("missing process: error %v, want it to name process 43", err)
	}
	if err := os.WriteFile(filepath.Join(root, "loadavg"), []byte("1.50 0.75 0.25 2/300 999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := LoadAverage(root); got != "1.50 0.75 0.25" {
		t.Fatalf("LoadAverage = %q", got)
	}
}

// The real /proc of this test process parses (Linux only).
func TestReadProcOfSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	s, err := ReadProc("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS == 0 || s.PeakRSS < s.RSS {
		t.Fatalf("implausible sample %+v: want 0 < RSS <= peak", s)
	}
}
