package qbft_test

// Scripted interaction tests in the style of etcd-io/raft's
// interaction_test.go: testdata/scripts/*.txt hold commands, each followed
// by "----" and the expected output up to a blank line. Run with -rewrite to
// regenerate the expected output after an intended change (then review the
// diff).
//
// Commands (one instance, the process under test):
//
//	new n=<n> self=<i>
//	propose <value>
//	tick <duration after the epoch>
//	step <type> from=<i> round=<r> [value=<v>] [pr=<r>] [just=<item>,...]
//
// type is pre-prepare, prepare, commit, round-change or decided. For a
// round-change, value is the prepared value (with pr). A justification item
// is rc:<from>:<round>[:<pr>:<value>], prepare:<from>:<round>:<value> or
// commit:<from>:<round>:<value>.

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata/scripts")

type scriptRunner struct {
	in     *qbft.Instance
	values map[qbft.Hash]string
}

func (s *scriptRunner) name(h qbft.Hash) string {
	if v, ok := s.values[h]; ok {
		return v
	}
	return h.String()
}

func (s *scriptRunner) hash(v string) qbft.Hash {
	h := qbft.HashValue([]byte(v))
	s.values[h] = v
	return h
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/scripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := runScript(t, string(data))
			if *rewrite {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(data) {
				t.Fatalf("output differs (rerun with -rewrite and review the diff):\n%s", got)
			}
		})
	}
}

// runScript executes the script and returns it with regenerated output.
func runScript(t *testing.T, script string) string {
	s := &scriptRunner{values: map[qbft.Hash]string{}}
	var out strings.Builder
	lines := strings.Split(script, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			out.WriteString(line + "\n")
			continue
		}
		out.WriteString(line + "\n----\n")
		// Skip the old expected output, if any.
		if i+1 < len(lines) && lines[i+1] == "----" {
			i++
			for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
				i++
			}
		}
		for _, o := range s.exec(t, line) {
			out.WriteString(o + "\n")
		}
	}
	return strings.TrimRight(out.String(), "\n") + "\n"
}

func (s *scriptRunner) exec(t *testing.T, line string) []string {
	fields := strings.Fields(line)
	args := map[string]string{}
	for _, f := range fields[1:] {
		if k, v, ok := strings.Cut(f, "="); ok {
			args[k] = v
		}
	}
	var res []string
	switch fields[0] {
	case "new":
		cfg := testConfig(atoi(t, args["n"]), uint16(atoi(t, args["self"])))
		in, err := qbft.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s.in = in
		return []string{"ok"}
	case "propose":
		s.hash(fields[1])
		if err := s.in.Propose(epoch, []byte(fields[1])); err != nil {
			res = append(res, "error: "+qbft.Reason(err))
		}
	case "tick":
		d, err := time.ParseDuration(fields[1])
		if err != nil {
			t.Fatal(err)
		}
		s.in.Tick(epoch.Add(d))
	case "step":
		if err := s.in.Step(s.envelope(t, fields[1], args)); err != nil {
			res = append(res, "error: "+qbft.Reason(err))
		}
	default:
		t.Fatalf("unknown command %q", fields[0])
	}
	res = append(res, s.output()...)
	if len(res) == 0 {
		res = []string{"(nothing)"}
	}
	return res
}

func (s *scriptRunner) output() []string {
	var res []string
	rd := s.in.Ready()
	for _, m := range rd.Messages {
		line := fmt.Sprintf("send %s round=%d", m.Type, m.Round)
		if m.PreparedRound != 0 {
			line += fmt.Sprintf(" pr=%d", m.PreparedRound)
		}
		if !m.ValueHash.IsZero() {
			line += " value=" + s.name(m.ValueHash)
		}
		if len(m.Justification) > 0 {
			var parts []string
			for _, j := range m.Justification {
				parts = append(parts, fmt.Sprintf("%s:%d:%d", strings.ToLower(j.Type.String()), j.Source, j.Round))
			}
			line += " just=" + strings.Join(parts, ",")
		}
		res = append(res, line)
	}
	if st := rd.State; st != nil {
		line := fmt.Sprintf("state round=%d", st.Round)
		if st.PreparedRound != 0 {
			line += fmt.Sprintf(" prepared=%d:%s", st.PreparedRound, st.PreparedValue)
		}
		res = append(res, line)
	}
	if d := rd.Decision; d != nil {
		res = append(res, fmt.Sprintf("decide round=%d value=%s commits=%d", d.Round, d.Value, len(d.Commits)))
	}
	if dl, ok := s.in.Deadline(); ok && (len(res) > 0) {
		res = append(res, fmt.Sprintf("timer %v", dl.Sub(epoch)))
	}
	return res
}

var scriptTypes = map[string]qbft.MsgType{
	"pre-prepare": qbft.MsgPrePrepare, "prepare": qbft.MsgPrepare, "commit": qbft.MsgCommit,
	"round-change": qbft.MsgRoundChange, "decided": qbft.MsgDecided,
}

func (s *scriptRunner) envelope(t *testing.T, typ string, args map[string]string) qbft.Envelope {
	mt, ok := scriptTypes[typ]
	if !ok {
		t.Fatalf("unknown message type %q", typ)
	}
	e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{
		Type: mt, Instance: testInstance, Round: uint32(atoi(t, args["round"])), Source: uint16(atoi(t, args["from"])),
	}}}
	if pr, ok := args["pr"]; ok {
		e.PreparedRound = uint32(atoi(t, pr))
	}
	if v, ok := args["value"]; ok {
		e.ValueHash = s.hash(v)
		if mt != qbft.MsgPrepare && mt != qbft.MsgCommit {
			e.Value = []byte(v)
		}
	}
	if j, ok := args["just"]; ok {
		for _, item := range strings.Split(j, ",") {
			e.Justification = append(e.Justification, s.justItem(t, item))
		}
	}
	return e
}

func (s *scriptRunner) justItem(t *testing.T, item string) qbft.Signed {
	p := strings.Split(item, ":")
	if len(p) < 3 {
		t.Fatalf("bad justification item %q", item)
	}
	m := qbft.Message{Type: scriptTypes[map[string]string{"rc": "round-change"}[p[0]]+map[bool]string{true: p[0]}[p[0] != "rc"]],
		Instance: testInstance, Source: uint16(atoi(t, p[1])), Round: uint32(atoi(t, p[2]))}
	switch {
	case p[0] == "rc" && len(p) == 5:
		m.PreparedRound, m.ValueHash = uint32(atoi(t, p[3])), s.hash(p[4])
	case p[0] != "rc" && len(p) == 4:
		m.ValueHash = s.hash(p[3])
	case p[0] != "rc":
		t.Fatalf("bad justification item %q", item)
	}
	return qbft.Signed{Message: m}
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
