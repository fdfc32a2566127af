// Package httpjson does the JSON requests of the devnet tools and their tests (node API, beacon API):
// one request with a timeout, a bounded answer, and a non-2xx answer reported as a *StatusError that
// names the request, the status and the start of the body.
package httpjson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// MaxBody bounds an answer (the duty outcomes of 10,000 validators over a few epochs are the largest).
const MaxBody = 512 << 20

// StatusError is a non-2xx answer.
type StatusError struct {
	Method, URL string
	Status      int
	Body        string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s answered %d: %.300s", e.Method, e.URL, e.Status, e.Body)
}

// Get GETs url within timeout and decodes a 2xx JSON answer into v (nil: only the status counts).
func Get(ctx context.Context, timeout time.Duration, url string, v any) error {
	return Do(ctx, timeout, http.MethodGet, url, nil, v)
}

// Post POSTs body as JSON to url within timeout and decodes a 2xx JSON answer into v (nil: only the
// status counts).
func Post(ctx context.Context, timeout time.Duration, url string, body, v any) error {
	return Do(ctx, timeout, http.MethodPost, url, body, v)
}

// Do sends method to url within timeout, with body as JSON unless it is nil, and decodes a 2xx JSON
// answer into v (nil: only the status counts).
func Do(ctx context.Context, timeout time.Duration, method, url string, body, v any) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode the body of %s %s: %w", method, url, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return fmt.Errorf("read %s: %w", url, err)
	}
	if resp.StatusCode/100 != 2 {
		return &StatusError{Method: method, URL: url, Status: resp.StatusCode, Body: strings.TrimSpace(string(raw))}
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode %s: %w", url, err)
	}
	return nil
}
