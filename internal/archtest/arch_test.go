package archtest_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/internal/archtest"
)

const m = archtest.Module + "/"

func TestCheckFlagsLayerViolations(t *testing.T) {
	tests := []struct {
		name    string
		imports map[string][]string
		want    []string
	}{
		{"downward imports pass", map[string][]string{
			m + "app":          {m + "api", m + "p2p", m + "config", "fmt"},
			m + "duties":       {m + "consensus", m + "p2p", m + "eth2/bls", m + "duties/beacon"},
			m + "cluster":      {m + "eth2/deposit"},
			m + "eth2/deposit": {m + "eth2/bls"},
			m + "cmd/stinger":  {m + "app", m + "testnet"},
		}, nil},
		{"p2p importing api", map[string][]string{m + "p2p": {m + "api"}},
			[]string{"p2p (layer 2) imports api (layer 3): imports must flow to lower layers"}},
		{"duties importing dkg", map[string][]string{m + "duties": {m + "dkg"}},
			[]string{"duties (layer 3) imports dkg (layer 3): imports must flow to lower layers"}},
		{"qbft importing a library", map[string][]string{m + "consensus/qbft": {"sync", "go.uber.org/zap"}},
			[]string{"consensus/qbft imports go.uber.org/zap: consensus/qbft may import only the standard library"}},
		{"qbft importing its runner", map[string][]string{m + "consensus/qbft": {m + "consensus"}},
			[]string{"consensus/qbft imports " + m + "consensus: consensus/qbft may import only the standard library"}},
		{"app importing testnet", map[string][]string{m + "app": {m + "testnet/beaconsim"}},
			[]string{"app (layer 4) imports testnet/beaconsim (layer 4): imports must flow to lower layers"}},
		{"eth2 importing cluster", map[string][]string{m + "eth2/bls": {m + "cluster"}},
			[]string{"eth2/bls (layer 1) imports cluster (layer 1): imports must flow to lower layers"}},
		{"package outside the table", map[string][]string{m + "store": nil},
			[]string{"store: package is in no layer: add it to the layer table (docs/architecture.md, internal/archtest)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := archtest.Check(tt.imports); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestModuleRespectsLayers(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	imports := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 {
			imports[fields[0]] = fields[1:]
		}
	}
	if len(imports) < 5 {
		t.Fatalf("go list found only %d packages:\n%s", len(imports), out)
	}
	for _, v := range archtest.Check(imports) {
		t.Error(v)
	}
}
