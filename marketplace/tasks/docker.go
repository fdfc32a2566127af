package tasks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
)

// DefaultDockerSocket is the Docker Engine API unix socket.
const DefaultDockerSocket = "/var/run/docker.sock"

// errImageMissing is returned when the image is not present locally (the runner never pulls).
var errImageMissing = errors.New("container image not present locally (stinger does not pull images)")

// docker is a minimal Docker Engine API client over a unix socket.
type docker struct {
	c *http.Client
}

func newDocker(socket string) *docker {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}}
	return &docker{c: &http.Client{Transport: tr}}
}

func (d *docker) do(ctx context.Context, method, path string, q url.Values, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encode docker request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	u := "http://docker" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, fmt.Errorf("build docker request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("docker %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotModified {
		return resp.StatusCode, fmt.Errorf("docker %s %s: status %d: %.300s", method, path, resp.StatusCode, b)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode docker %s response: %w", path, err)
		}
	}
	return resp.StatusCode, nil
}

// create removes any stale container of that name and creates a new one, returning its id.
func (d *docker) create(ctx context.Context, name string, spec *ContainerSpec, labels map[string]string) (string, error) {
	_ = d.remove(ctx, name)
	env := make([]string, 0, len(spec.Env))
	for k, v := range spec.Env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	body := map[string]any{"Image": spec.Image, "Cmd": spec.Cmd, "Env": env, "Labels": labels,
		"HostConfig": map[string]any{"NetworkMode": "host", "CpuShares": 512}}
	var out struct {
		ID string `json:"Id"`
	}
	code, err := d.do(ctx, http.MethodPost, "/containers/create", url.Values{"name": {name}}, body, &out)
	if code == http.StatusNotFound {
		return "", fmt.Errorf("%w: %s", errImageMissing, spec.Image)
	}
	if err != nil {
		return "", err
	}
	return out.ID, nil
}

func (d *docker) start(ctx context.Context, id string) error {
	_, err := d.do(ctx, http.MethodPost, "/containers/"+id+"/start", nil, nil, nil)
	return err
}

// wait blocks until the container stops and returns its exit code.
func (d *docker) wait(ctx context.Context, id string) (int, error) {
	var out struct {
		StatusCode int `json:"StatusCode"`
	}
	_, err := d.do(ctx, http.MethodPost, "/containers/"+id+"/wait", url.Values{"condition": {"not-running"}}, nil, &out)
	return out.StatusCode, err
}

func (d *docker) stop(ctx context.Context, id string) error {
	_, err := d.do(ctx, http.MethodPost, "/containers/"+id+"/stop", url.Values{"t": {"10"}}, nil, nil)
	return err
}

func (d *docker) remove(ctx context.Context, id string) error {
	_, err := d.do(ctx, http.MethodDelete, "/containers/"+id, url.Values{"force": {"true"}}, nil, nil)
	return err
}
