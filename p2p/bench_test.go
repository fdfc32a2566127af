package p2p_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/p2p"
)

// BenchmarkBroadcast measures Broadcast between 4 in-process hosts on loopback TCP: one op is a
// broadcast from op0 that returns once all 3 peers verified and accepted it (so ns/op is the
// broadcast latency in the sequential case). "parallel" runs GOMAXPROCS×4 concurrent
// broadcasters for throughput. SetBytes counts payload bytes delivered (3 copies per op).
// cpu-ms/op is the CPU time of the whole process (all 4 hosts) per broadcast: the work a
// broadcast costs, independent of how busy the machine is.
func BenchmarkBroadcast(b *testing.B) {
	proto := p2p.Protocol{Name: "bench", Version: "1.0.0", MaxSize: 1 << 20, Timeout: 10 * time.Second}
	c := newCluster(b, 4)
	var delivered atomic.Int64
	for _, nd := range c.nodes {
		if err := nd.HandleMessages(proto, func(context.Context, p2p.Message) { delivered.Add(1) }); err != nil {
			b.Fatal(err)
		}
	}
	c.runAll()
	c.waitMesh(b, 10*time.Second)
	ctx := context.Background()
	for _, size := range []int{1 << 10, 100 << 10} {
		payload := make([]byte, size)
		b.Run(fmt.Sprintf("%dKiB/sequential", size>>10), func(b *testing.B) {
			b.SetBytes(int64(3 * size))
			start, cpu := delivered.Load(), processCPU()
			b.ResetTimer()
			for b.Loop() {
				if err := c.nodes[0].Broadcast(ctx, proto, payload); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "broadcasts/s")
			b.ReportMetric(float64(processCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			waitDelivered(b, &delivered, start+int64(3*b.N))
		})
		b.Run(fmt.Sprintf("%dKiB/parallel", size>>10), func(b *testing.B) {
			b.SetBytes(int64(3 * size))
			b.SetParallelism(4)
			start, cpu := delivered.Load(), processCPU()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.nodes[0].Broadcast(ctx, proto, payload); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "broadcasts/s")
			b.ReportMetric(float64(processCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			waitDelivered(b, &delivered, start+int64(3*b.N))
		})
	}
}

func waitDelivered(b *testing.B, delivered *atomic.Int64, want int64) {
	b.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for delivered.Load() < want {
		if time.Now().After(deadline) {
			b.Fatalf("delivered %d messages, want %d", delivered.Load(), want)
		}
		time.Sleep(time.Millisecond)
	}
}
