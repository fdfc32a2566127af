package tasks

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Kind is a task kind.
type Kind string

// Task kinds.
const (
	KindValidator Kind = "validator"
	KindProcess   Kind = "process"
	KindProbe     Kind = "probe"
	KindContainer Kind = "container"
)

// Duration is a time.Duration that reads and writes JSON as a Go duration string ("5s").
type Duration time.Duration

// UnmarshalJSON parses "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"5s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("parse duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Spec is a Network's task specification.
type Spec struct {
	Kind      Kind           `json:"kind"`
	Process   *ProcessSpec   `json:"process,omitempty"`
	Container *ContainerSpec `json:"container,omitempty"`
	Health    *HealthSpec    `json:"health,omitempty"`
	Restart   RestartSpec    `json:"restart,omitempty"`
}

// ProcessSpec describes a binary to run.
type ProcessSpec struct {
	Command string            `json:"command"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Dir     string            `json:"dir,omitempty"`
}

// ContainerSpec describes an image to run through the Docker Engine API.
type ContainerSpec struct {
	Image string            `json:"image"`
	Cmd   []string          `json:"cmd,omitempty"`
	Env   map[string]string `json:"env,omitempty"`
}

// HealthSpec describes a health check: type http (URL answers 2xx), tcp (Address accepts a
// connection) or exec (Command exits 0).
type HealthSpec struct {
	Type     string   `json:"type"`
	URL      string   `json:"url,omitempty"`
	Address  string   `json:"address,omitempty"`
	Command  []string `json:"command,omitempty"`
	Interval Duration `json:"interval,omitempty"`
	Timeout  Duration `json:"timeout,omitempty"`
}

// RestartSpec bounds the restart backoff of a process.
type RestartSpec struct {
	InitialBackoff Duration `json:"initial_backoff,omitempty"`
	MaxBackoff     Duration `json:"max_backoff,omitempty"`
}

// Validate checks the spec and fills defaults.
func (s *Spec) Validate() error {
	switch s.Kind {
	case KindValidator:
	case KindProcess:
		if s.Process == nil || s.Process.Command == "" {
			return errors.New("task spec: kind process needs process.command")
		}
	case KindProbe:
		if s.Health == nil {
			return errors.New("task spec: kind probe needs a health check")
		}
	case KindContainer:
		if s.Container == nil || s.Container.Image == "" {
			return errors.New("task spec: kind container needs container.image")
		}
	default:
		return fmt.Errorf("task spec: kind %q unknown (want validator, process, probe or container)", s.Kind)
	}
	if s.Health != nil {
		if err := s.Health.validate(); err != nil {
			return err
		}
	}
	if s.Restart.InitialBackoff <= 0 {
		s.Restart.InitialBackoff = Duration(time.Second)
	}
	if s.Restart.MaxBackoff < s.Restart.InitialBackoff {
		s.Restart.MaxBackoff = max(Duration(time.Minute), s.Restart.InitialBackoff)
	}
	return nil
}

func (h *HealthSpec) validate() error {
	switch h.Type {
	case "http":
		u, err := url.Parse(h.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("task spec: health url %q must be an http(s) URL", h.URL)
		}
	case "tcp":
		if !strings.Contains(h.Address, ":") {
			return fmt.Errorf("task spec: health address %q must be host:port", h.Address)
		}
	case "exec":
		if len(h.Command) == 0 {
			return errors.New("task spec: health type exec needs a command")
		}
	default:
		return fmt.Errorf("task spec: health type %q unknown (want http, tcp or exec)", h.Type)
	}
	if h.Interval <= 0 {
		h.Interval = Duration(10 * time.Second)
	}
	if h.Timeout <= 0 || h.Timeout > h.Interval {
		h.Timeout = min(Duration(5*time.Second), h.Interval)
	}
	return nil
}

// ErrSpecHash is returned when a fetched spec does not hash to the on-chain value.
var ErrSpecHash = errors.New("task spec hash mismatch")

// maxSpecSize bounds a task spec document.
const maxSpecSize = 1 << 20

// Fetcher fetches task specs. HTTPClient serves https:// URIs (nil: a client with a 30 s timeout).
type Fetcher struct {
	HTTPClient *http.Client
}

// Fetch reads the spec at uri, checks keccak256(document) == want, then decodes and validates it.
func (f *Fetcher) Fetch(ctx context.Context, uri string, want common.Hash) (*Spec, error) {
	raw, err := f.read(ctx, uri)
	if err != nil {
		return nil, err
	}
	if got := crypto.Keccak256Hash(raw); got != want {
		return nil, fmt.Errorf("%w: %s hashes to %s, on-chain hash is %s", ErrSpecHash, uri, got, want)
	}
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode task spec %s: %w", uri, err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (f *Fetcher) read(ctx context.Context, uri string) ([]byte, error) {
	switch {
	case strings.HasPrefix(uri, "data:"):
		return decodeDataURI(uri)
	case strings.HasPrefix(uri, "file://"):
		u, err := url.Parse(uri)
		if err != nil {
			return nil, fmt.Errorf("parse task spec uri %q: %w", uri, err)
		}
		b, err := os.ReadFile(u.Path)
		if err != nil {
			return nil, fmt.Errorf("read task spec: %w", err)
		}
		if len(b) > maxSpecSize {
			return nil, fmt.Errorf("task spec %s is %d bytes, limit %d", uri, len(b), maxSpecSize)
		}
		return b, nil
	case strings.HasPrefix(uri, "https://"):
		return f.get(ctx, uri)
	default:
		return nil, fmt.Errorf("task spec uri %q: scheme not supported (want file://, https:// or data:)", uri)
	}
}

func (f *Fetcher) get(ctx context.Context, uri string) ([]byte, error) {
	c := f.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("build task spec request: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch task spec: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch task spec %s: status %s", uri, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSpecSize+1))
	if err != nil {
		return nil, fmt.Errorf("read task spec body: %w", err)
	}
	if len(b) > maxSpecSize {
		return nil, fmt.Errorf("task spec %s exceeds %d bytes", uri, maxSpecSize)
	}
	return b, nil
}

// decodeDataURI decodes an RFC 2397 data: URI (percent-encoded or ;base64).
func decodeDataURI(uri string) ([]byte, error) {
	meta, data, ok := strings.Cut(strings.TrimPrefix(uri, "data:"), ",")
	if !ok {
		return nil, fmt.Errorf("data uri %.40q has no comma", uri)
	}
	if strings.HasSuffix(meta, ";base64") {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return nil, fmt.Errorf("decode base64 data uri: %w", err)
		}
		return b, nil
	}
	s, err := url.PathUnescape(data)
	if err != nil {
		return nil, fmt.Errorf("decode data uri: %w", err)
	}
	return []byte(s), nil
}
