package tasks

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"time"
)

// check runs one health check with the spec's timeout.
func check(ctx context.Context, h *HealthSpec, client *http.Client) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(h.Timeout))
	defer cancel()
	switch h.Type {
	case "http":
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL, nil)
		if err != nil {
			return fmt.Errorf("build health request: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("http health: %w", err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("http health: status %s", resp.Status)
		}
		return nil
	case "tcp":
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", h.Address)
		if err != nil {
			return fmt.Errorf("tcp health: %w", err)
		}
		return c.Close()
	case "exec":
		out, err := exec.CommandContext(ctx, h.Command[0], h.Command[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("exec health: %w: %.200s", err, out)
		}
		return nil
	default:
		return fmt.Errorf("health type %q unknown", h.Type)
	}
}
