package api

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tokenBytes is the entropy of a generated API token.
const tokenBytes = 32

// LoadOrCreateToken returns the bearer token stored in path. If the file does
// not exist it writes a new random token (hex of 32 bytes from rand) with
// mode 0600, creating the parent directory with mode 0700. An empty token
// file, or one readable by group or others, is an error.
func LoadOrCreateToken(path string, rand io.Reader) (string, error) {
	content, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createToken(path, rand)
	}
	if err != nil {
		return "", fmt.Errorf("read api token: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("read api token: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("read api token %s: mode %04o gives access to group or others, expected 0600", path, perm)
	}
	token := strings.TrimSpace(string(content))
	if token == "" {
		return "", fmt.Errorf("read api token %s: file is empty", path)
	}
	return token, nil
}

func createToken(path string, rand io.Reader) (string, error) {
	buf := make([]byte, tokenBytes)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return "", fmt.Errorf("create api token: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create api token: %w", err)
	}
	token := hex.EncodeToString(buf)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("create api token: %w", err)
	}
	if _, err := f.WriteString(token + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("create api token: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("create api token: %w", err)
	}
	return token, nil
}
