package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stingerdvt/stinger/api"
)

func TestLoadOrCreateTokenCreatesOwnerOnlyFileOnceAndRereadsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "api-token")
	first, err := api.LoadOrCreateToken(path, bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if first != strings.Repeat("07", 32) {
		t.Errorf("token = %s, want hex of the random bytes", first)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %04o, want 0600", info.Mode().Perm())
	}
	again, err := api.LoadOrCreateToken(path, bytes.NewReader(bytes.Repeat([]byte{9}, 32)))
	if err != nil || again != first {
		t.Errorf("second call = %q, %v; want the stored token %q", again, err, first)
	}
}

func TestLoadOrCreateTokenRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"empty", "\n", 0o600, "empty"},
		{"world readable", "abc\n", 0o644, "expected 0600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api-token")
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			if _, err := api.LoadOrCreateToken(path, bytes.NewReader(make([]byte, 32))); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("short randomness", func(t *testing.T) {
		if _, err := api.LoadOrCreateToken(filepath.Join(t.TempDir(), "t"), bytes.NewReader(make([]byte, 3))); err == nil {
			t.Error("created a token from 3 random bytes")
		}
	})
}
