package atomicfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stingerdvt/stinger/internal/atomicfile"
)

func TestWriteReplacesAndWriteNewNeverDoes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	tests := []struct {
		name    string
		write   func() error
		want    string
		wantErr error
	}{
		{"WriteNew creates", func() error { return atomicfile.WriteNew(path, []byte("one"), 0o600) }, "one", nil},
		{"WriteNew refuses an existing file", func() error { return atomicfile.WriteNew(path, []byte("two"), 0o600) }, "one", fs.ErrExist},
		{"Write replaces", func() error { return atomicfile.Write(path, []byte("three"), 0o644) }, "three", nil},
		{"Write into a missing directory fails", func() error {
			return atomicfile.Write(filepath.Join(dir, "nope", "f"), []byte("x"), 0o600)
		}, "three", fs.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.write()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Fatalf("content %q, want %q", got, tc.want)
			}
		})
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, %v", info, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
