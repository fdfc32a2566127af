package keystore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/stingerdvt/stinger/internal/atomicfile"
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
	if err := atomicfile.WriteNew(path, data, FileMode); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write keystore %s: %w", path, ErrFileExists)
		}
		return fmt.Errorf("write keystore: %w", err)
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
