package cluster_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/cluster"
)

// seededReader returns a deterministic randomness source.
func seededReader(seed byte) *bytes.Reader {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return bytes.NewReader(b)
}

func TestCreateIdentityWritesOwnerOnlyHexKeyThatLoadsBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	created, err := cluster.CreateIdentity(dir, seededReader(1))
	if err != nil {
		t.Fatalf("CreateIdentity: %v", err)
	}
	info, err := os.Stat(cluster.IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", got)
	}
	content, err := os.ReadFile(cluster.IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(content) != 65 || content[64] != '\n' {
		t.Fatalf("key file content = %q, want 64 hex characters and a newline", content)
	}
	raw, err := hex.DecodeString(string(content[:64]))
	if err != nil {
		t.Fatalf("key file is not hex: %v", err)
	}
	loaded, err := cluster.LoadIdentity(dir)
	if err != nil {
		t.Fatalf("LoadIdentity: %v", err)
	}
	if loaded.PeerID != created.PeerID {
		t.Errorf("loaded peer ID %s, created %s", loaded.PeerID, created.PeerID)
	}
	if !loaded.Key.Equals(created.Key) {
		t.Error("loaded key differs from created key")
	}
	// Cross-check the public key with an independent secp256k1 implementation.
	ecdsaKey, err := ethcrypto.ToECDSA(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := "0x" + hex.EncodeToString(ethcrypto.CompressPubkey(&ecdsaKey.PublicKey))
	if got := loaded.PublicKeyHex(); got != want {
		t.Errorf("PublicKeyHex = %s, want %s", got, want)
	}
	pid, err := peer.IDFromPublicKey(loaded.Key.GetPublic())
	if err != nil || pid != loaded.PeerID {
		t.Errorf("peer ID %s does not match public key (%v)", loaded.PeerID, err)
	}
}

func TestCreateIdentityIsDeterministicForAFixedReader(t *testing.T) {
	a, err := cluster.CreateIdentity(t.TempDir(), seededReader(9))
	if err != nil {
		t.Fatal(err)
	}
	b, err := cluster.CreateIdentity(t.TempDir(), seededReader(9))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cluster.CreateIdentity(t.TempDir(), seededReader(10))
	if err != nil {
		t.Fatal(err)
	}
	if a.PeerID != b.PeerID {
		t.Errorf("same seed gave peer IDs %s and %s", a.PeerID, b.PeerID)
	}
	if a.PeerID == c.PeerID {
		t.Errorf("different seeds gave the same peer ID %s", a.PeerID)
	}
}

func TestCreateIdentityRefusesToOverwriteExistingKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := cluster.CreateIdentity(dir, seededReader(1)); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(cluster.IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cluster.CreateIdentity(dir, seededReader(2))
	if !errors.Is(err, cluster.ErrIdentityExists) {
		t.Fatalf("second CreateIdentity error = %v, want ErrIdentityExists", err)
	}
	after, err := os.ReadFile(cluster.IdentityPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("existing key file was modified")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("data dir holds %d entries after refused create, want only the key file", len(entries))
	}
}

func TestCreateIdentityFailsWhenDataDirIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.CreateIdentity(file, seededReader(1)); err == nil {
		t.Fatal("CreateIdentity under a regular file succeeded, want error")
	}
}

func TestCreateIdentityFailsOnShortRandomness(t *testing.T) {
	if _, err := cluster.CreateIdentity(t.TempDir(), bytes.NewReader(make([]byte, 5))); err == nil {
		t.Fatal("CreateIdentity with 5 random bytes succeeded, want error")
	}
}

func TestLoadIdentityRejectsBadKeyFiles(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr string
	}{
		{name: "missing file", wantErr: "not found"},
		{name: "not hex", content: strings.Repeat("zz", 32) + "\n", mode: 0o600, wantErr: "not hex"},
		{name: "short", content: "abcd\n", mode: 0o600, wantErr: "expected 64 hex characters"},
		{name: "zero scalar", content: strings.Repeat("00", 32) + "\n", mode: 0o600, wantErr: "zero"},
		{name: "scalar above group order", content: strings.Repeat("ff", 32) + "\n", mode: 0o600, wantErr: "group order"},
		{name: "readable by others", content: strings.Repeat("11", 32) + "\n", mode: 0o644, wantErr: "expected 0600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.content != "" {
				path := cluster.IdentityPath(dir)
				if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			_, err := cluster.LoadIdentity(dir)
			if err == nil {
				t.Fatal("LoadIdentity succeeded, want error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadIdentityAcceptsKeyWithoutTrailingNewline(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(cluster.IdentityPath(dir), []byte(strings.Repeat("11", 32)), 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := cluster.LoadIdentity(dir)
	if err != nil {
		t.Fatalf("LoadIdentity: %v", err)
	}
	if !strings.HasPrefix(id.PublicKeyHex(), "0x0") || len(id.PublicKeyHex()) != 68 {
		t.Errorf("PublicKeyHex = %s, want 0x-prefixed 33-byte compressed key", id.PublicKeyHex())
	}
}
