package bindings_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

// contracts lists the bound contracts and their generated file names.
var contracts = []struct{ name, file string }{
	{"NetworkRegistry", "networkregistry.go"},
	{"DAMFactory", "damfactory.go"},
	{"DAM", "dam.go"},
	{"TimeLockVault", "timelockvault.go"},
	{"TestToken", "testtoken.go"},
}

// TestArtifactsAreCurrent recompiles the contracts with solc-js (when node and the tarball are
// present) and checks that the committed ABI, bytecode and bindings are exactly what the sources give.
func TestArtifactsAreCurrent(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: skipping the contract artifact freshness check")
	}
	tgz := os.Getenv("SOLC_TGZ")
	if tgz == "" {
		tgz = filepath.Join("..", "..", "..", "shared", "tools", "solc-js-0.8.30.tgz")
	}
	if _, err := os.Stat(tgz); err != nil {
		t.Skipf("solc-js tarball not found at %s (set SOLC_TGZ): skipping the freshness check", tgz)
	}
	solcDir := t.TempDir()
	if out, err := exec.Command("tar", "xzf", tgz, "-C", solcDir).CombinedOutput(); err != nil {
		t.Fatalf("unpack %s: %v: %s", tgz, err, out)
	}
	buildDir := t.TempDir()
	cmd := exec.Command(node, filepath.Join("..", "contracts", "compile.js"), buildDir)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(solcDir, "node_modules"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile contracts: %v: %s", err, out)
	}
	for _, c := range contracts {
		t.Run(c.name, func(t *testing.T) {
			abiJSON := compareFile(t, filepath.Join(buildDir, c.name+".abi"), filepath.Join("..", "contracts", "build", c.name+".abi"))
			bin := compareFile(t, filepath.Join(buildDir, c.name+".bin"), filepath.Join("..", "contracts", "build", c.name+".bin"))
			code, err := abigen.BindV2([]string{c.name}, []string{string(abiJSON)}, []string{string(bin)}, "bindings",
				map[string]string{}, map[string]string{})
			if err != nil {
				t.Fatalf("generate binding: %v", err)
			}
			committed, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatalf("read committed binding: %v", err)
			}
			if !bytes.Equal([]byte(code), committed) {
				t.Errorf("%s is stale: run marketplace/contracts/generate.sh", c.file)
			}
		})
	}
}

func compareFile(t *testing.T, fresh, committed string) []byte {
	t.Helper()
	want, err := os.ReadFile(fresh)
	if err != nil {
		t.Fatalf("read fresh artifact: %v", err)
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("read committed artifact: %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s is stale: run marketplace/contracts/generate.sh", committed)
	}
	return want
}
