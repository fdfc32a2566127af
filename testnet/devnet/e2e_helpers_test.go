//go:build e2e

package devnet_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/internal/httpjson"
)

// getJSON GETs url (5 s at most) and decodes a 2xx JSON answer into v.
func getJSON(url string, v any) error {
	return httpjson.Get(context.Background(), 5*time.Second, url, v)
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
