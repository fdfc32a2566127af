//go:build e2e

package devnet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"
)

func getJSON(url string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, b)
	}
	return json.Unmarshal(b, v)
}

func currentSlot(t *testing.T, s *suite) uint64 {
	t.Helper()
	return s.stats().CurrentSlot
}

// waitForSlot waits until the simulator's current slot reaches slot.
func waitForSlot(t *testing.T, s *suite, slot uint64) {
	t.Helper()
	deadline := time.Now().Add(time.Duration(slot+30) * e2eSlot)
	for currentSlot(t, s) < slot {
		if time.Now().After(deadline) {
			t.Fatalf("slot %d not reached", slot)
		}
		time.Sleep(e2eSlot / 4)
	}
}

func tailFile(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(st.Size()-n, 0)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
