package beaconsim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// FetchStats reads GET /stinger/sim/v1/stats from a running simulator at baseURL (e.g.
// "http://127.0.0.1:5052"); `stinger devnet score` prints the result with FormatScore.
func FetchStats(ctx context.Context, client *http.Client, baseURL string) (Stats, error) {
	if client == nil {
		client = http.DefaultClient
	}
	url := strings.TrimSuffix(baseURL, "/") + "/stinger/sim/v1/stats"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Stats{}, fmt.Errorf("fetch stats from %s: %w", baseURL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Stats{}, fmt.Errorf("fetch stats from %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return Stats{}, fmt.Errorf("fetch stats from %s: read body: %w", baseURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Stats{}, fmt.Errorf("fetch stats from %s: status %d: %s", baseURL, resp.StatusCode, body)
	}
	var st Stats
	if err := json.Unmarshal(body, &st); err != nil {
		return Stats{}, fmt.Errorf("fetch stats from %s: decode: %w", baseURL, err)
	}
	return st, nil
}
