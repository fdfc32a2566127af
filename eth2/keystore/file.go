package keystore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// FileMode is the permission of keystore files written by WriteFile.
const FileMode os.FileMode = 0o600

// ErrFileExists is returned by WriteFile when the target already exists:
// keystores are never overwritten.
var ErrFileExists = errors.New("keystore file already exists")

// WriteFile stores the keystore at path with mode 0600. The file appears
// atomically and complete (written to a temporary file, synced, then linked
// into place) and an existing file is never replaced.
func WriteFile(path string, ks *Keystore) error {
	data, err := ks.Encode()
	if err != nil {
		return fmt.Errorf("write keystore %s: %w", path, err)
	}
	if err := writeFileExclusive(path, data, FileMode); err != nil {
		return fmt.Errorf("write keystore %s: %w", path, err)
	}
	return nil
}

func writeFileExclusive(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if _, err := os.Lstat(path); err == nil {
		return ErrFileExists
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op once linked and removed below
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Link fails if path exists, unlike Rename: no race can replace a keystore.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return ErrFileExists
		}
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}

// ReadFile reads and strictly decodes the keystore at path.
func ReadFile(path string) (*Keystore, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read keystore: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxKeystoreSize+1))
	if err != nil {
		return nil, fmt.Errorf("read keystore %s: %w", path, err)
	}
	ks, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("read keystore %s: %w", path, err)
	}
	return ks, nil
}
