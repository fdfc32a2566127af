package prysm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Version is the Prysm release the devnet builds and runs.
const Version = "v7.0.0"

// module is Prysm's Go module path.
const module = "github.com/OffchainLabs/prysm/v7"

// Preset is the consensus preset of the build. Prysm compiles its preset in (config/fieldparams), and
// its minimal preset builds only with Bazel (`go build -tags minimal` fails: the generated SSZ code has
// mainnet sizes), so the devnet runs the mainnet preset: 32-slot epochs.
const Preset = "mainnet"

// commands are the Prysm programs the devnet runs, by their package under module/cmd.
var commands = []string{"beacon-chain", "validator", "prysmctl"}

// tools holds the module Prysm is built from: go.mod (Prysm's replace directive repeated), go.sum and
// tools.go (blank imports of the commands), stored as .txt so that they are no part of stinger's module.
//
//go:embed tools/go.mod.txt tools/go.sum.txt tools/tools.go.txt
var tools embed.FS

// Binaries are the built Prysm programs.
type Binaries struct {
	BeaconChain, Validator, Prysmctl string
}

// CacheDir is where Prysm is built and cached: <user cache dir>/stinger/prysm-<version>.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate cache dir for prysm: %w", err)
	}
	return filepath.Join(base, "stinger", "prysm-"+Version), nil
}

// binaries returns the paths of the programs under dir/bin.
func binaries(dir string) Binaries {
	bin := filepath.Join(dir, "bin")
	return Binaries{BeaconChain: filepath.Join(bin, "beacon-chain"), Validator: filepath.Join(bin, "validator"),
		Prysmctl: filepath.Join(bin, "prysmctl")}
}

// stamp identifies the embedded module: a cached build made from other go.mod/go.sum is rebuilt.
func stamp() (string, error) {
	h := sha256.New()
	for _, name := range []string{"go.mod.txt", "go.sum.txt", "tools.go.txt"} {
		b, err := tools.ReadFile("tools/" + name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Cached returns the cached binaries, or an error naming what is missing.
func Cached() (Binaries, error) {
	dir, err := CacheDir()
	if err != nil {
		return Binaries{}, err
	}
	return cached(dir)
}

func cached(dir string) (Binaries, error) {
	want, err := stamp()
	if err != nil {
		return Binaries{}, err
	}
	got, err := os.ReadFile(filepath.Join(dir, "bin", "STAMP"))
	if err != nil || string(bytes.TrimSpace(got)) != want {
		return Binaries{}, fmt.Errorf("prysm %s is not built in %s: run `stinger devnet build-clients`", Version, dir)
	}
	b := binaries(dir)
	for _, p := range []string{b.BeaconChain, b.Validator, b.Prysmctl} {
		if _, err := os.Stat(p); err != nil {
			return Binaries{}, fmt.Errorf("prysm %s: %w: run `stinger devnet build-clients`", Version, err)
		}
	}
	return b, nil
}

// Build returns the cached Prysm binaries, building them first if the cache lacks them (cold: minutes
// and over a gigabyte of memory). The build runs `go build` in CacheDir()/src, a module written from the
// embedded files, so it works from any directory; it needs the go toolchain and the module proxy.
func Build(ctx context.Context, progress func(string, ...any)) (Binaries, error) {
	dir, err := CacheDir()
	if err != nil {
		return Binaries{}, err
	}
	return build(ctx, dir, progress)
}

func build(ctx context.Context, dir string, progress func(string, ...any)) (Binaries, error) {
	if b, err := cached(dir); err == nil {
		return b, nil
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return Binaries{}, errors.New("build prysm: no go toolchain in PATH")
	}
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return Binaries{}, fmt.Errorf("build prysm: %w", err)
	}
	for _, name := range []string{"go.mod", "go.sum", "tools.go"} {
		b, err := tools.ReadFile("tools/" + name + ".txt")
		if err != nil {
			return Binaries{}, err
		}
		if err := os.WriteFile(filepath.Join(src, name), b, 0o644); err != nil {
			return Binaries{}, fmt.Errorf("build prysm: %w", err)
		}
	}
	// Build into a fresh directory and move it into place only once every program built.
	tmp, err := os.MkdirTemp(dir, "bin-")
	if err != nil {
		return Binaries{}, fmt.Errorf("build prysm: %w", err)
	}
	defer os.RemoveAll(tmp)
	args := []string{"build", "-trimpath", "-o", tmp + string(filepath.Separator)}
	for _, c := range commands {
		args = append(args, module+"/cmd/"+c)
	}
	progress("Building Prysm %s (%v) into %s (once; cold: several minutes and over 1 GB of memory)...",
		Version, commands, dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = src
	// -mod=readonly: go.sum must pin every module (nothing is resolved anew); GOWORK=off: no go.work of
	// the caller's applies; cgo: Prysm's BLS (blst) and KZG are C.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off", "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return Binaries{}, fmt.Errorf("build prysm %s (go %v in %s): %w\n%s", Version, args, src, err, tailBytes(out, 4000))
	}
	st, err := stamp()
	if err != nil {
		return Binaries{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "STAMP"), []byte(st+"\n"), 0o644); err != nil {
		return Binaries{}, fmt.Errorf("build prysm: %w", err)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.RemoveAll(bin); err != nil {
		return Binaries{}, fmt.Errorf("build prysm: replace %s: %w", bin, err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return Binaries{}, fmt.Errorf("build prysm: %w", err)
	}
	progress("Built Prysm %s in %s", Version, time.Since(start).Round(time.Second))
	return cached(dir)
}

func tailBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(bytes.TrimSpace(b))
}
