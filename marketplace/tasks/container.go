package tasks

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.uber.org/zap"
)

// runContainer runs the spec's image through the Docker Engine API until ctx ends, restarting it
// with backoff; on stop the container is stopped and removed. Images are never pulled.
func (t *task) runContainer(ctx context.Context, spec *Spec) {
	d := t.r.docker
	name := fmt.Sprintf("stinger-network-%d", t.id)
	labels := map[string]string{"io.stinger.network_id": strconv.FormatUint(t.id, 10), "io.stinger.spec_hash": t.specHash.Hex()}
	backoff := time.Duration(spec.Restart.InitialBackoff)
	for ctx.Err() == nil {
		started := time.Now()
		msg := t.containerOnce(ctx, d, name, spec, labels)
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > time.Duration(spec.Restart.MaxBackoff) {
			backoff = time.Duration(spec.Restart.InitialBackoff)
		}
		t.setState(StateBackoff, msg)
		t.update(func(s *Status) { s.Restarts++ })
		t.r.metrics.restarts.WithLabelValues(t.labels()...).Inc()
		t.r.log.Warn("Network task container stopped, restarting", zap.Uint64("network_id", t.id),
			zap.String("reason", msg), zap.Duration("backoff", backoff))
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Duration(spec.Restart.MaxBackoff))
	}
}

// containerOnce creates, starts and waits for one container run; it returns why the run ended.
func (t *task) containerOnce(ctx context.Context, d *docker, name string, spec *Spec, labels map[string]string) string {
	id, err := d.create(ctx, name, spec.Container, labels)
	if err != nil {
		return fmt.Sprintf("create container: %v", err)
	}
	defer func() { // stop and remove with a fresh context: ctx may be cancelled (uninstall)
		cctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := d.stop(cctx, id); err != nil {
			t.r.log.Warn("stop container", zap.String("container", id), zap.Error(err))
		}
		if err := d.remove(cctx, id); err != nil {
			t.r.log.Warn("remove container", zap.String("container", id), zap.Error(err))
		}
	}()
	if err := d.start(ctx, id); err != nil {
		return fmt.Sprintf("start container: %v", err)
	}
	t.setUp(true)
	t.update(func(s *Status) { s.ContainerID = id })
	t.setState(StateRunning, "")
	code, err := d.wait(ctx, id)
	t.setUp(false)
	if err != nil {
		return fmt.Sprintf("wait for container: %v", err)
	}
	return fmt.Sprintf("container exited with status %d", code)
}
