package llm_test

import (
	"context"
	"io"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/tutor/llm"
	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// memory is a provider whose answer is already in memory, so that a benchmark
// over it measures the chain and nothing else.
type memory struct{ chunks []string }

func (m memory) Name() string  { return "memory" }
func (m memory) Model() string { return "m" }
func (m memory) Stream(ctx context.Context, req llm.Request) (llm.Stream, error) {
	return &memoryStream{chunks: m.chunks}, nil
}

type memoryStream struct {
	chunks []string
	i      int
}

func (s *memoryStream) Next() (string, error) {
	if s.i == len(s.chunks) {
		return "", io.EOF
	}
	s.i++
	return s.chunks[s.i-1], nil
}
func (s *memoryStream) Result() llm.Result { return llm.Result{Provider: "memory", Model: "m"} }
func (s *memoryStream) Close() error       { return nil }

func chainOf(p llm.Provider) *llm.Chain {
	return llm.NewChain(llm.ChainConfig{Tasks: map[string][]llm.Provider{"": {p}}})
}

// firstToken times Stream and the first Next; it reports the p50 and p99.
func firstToken(b *testing.B, p llm.Provider) {
	req := ask("q")
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		s, err := p.Stream(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Next(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
		s.Close()
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkFirstToken compares the time to the first chunk straight from a
// provider and through a chain over it: in memory (the chain's own cost) and
// over HTTP from the Gemini fake.
func BenchmarkFirstToken(b *testing.B) {
	mem := memory{chunks: []string{"a", "b"}}
	b.Run("memory/direct", func(b *testing.B) { firstToken(b, mem) })
	b.Run("memory/chain", func(b *testing.B) { firstToken(b, chainOf(mem)) })
	f := llmtest.NewGemini(b)
	f.Default(llmtest.Text("a", "b"))
	g := gemini(b, f, "gemini-2.5-flash")
	b.Run("gemini-fake/direct", func(b *testing.B) { firstToken(b, g) })
	b.Run("gemini-fake/chain", func(b *testing.B) { firstToken(b, chainOf(g)) })
}

// BenchmarkChunk measures the cost of each chunk after the first over a long
// answer, straight from an in-memory provider and through a chain.
func BenchmarkChunk(b *testing.B) {
	chunks := make([]string, 1000)
	for i := range chunks {
		chunks[i] = "tok "
	}
	mem := memory{chunks: chunks}
	for name, p := range map[string]llm.Provider{"direct": mem, "chain": chainOf(mem)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				s, _ := p.Stream(context.Background(), ask("q"))
				for {
					if _, err := s.Next(); err != nil {
						break
					}
					n++
				}
				s.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/chunk")
		})
	}
}

// BenchmarkConcurrentStreams runs 200 answers at once through a chain over the
// Gemini fake (20 chunks each) and reports the live heap per open stream.
func BenchmarkConcurrentStreams(b *testing.B) {
	chunks := make([]string, 20)
	for i := range chunks {
		chunks[i] = "word "
	}
	f := llmtest.NewGemini(b)
	f.Default(llmtest.Text(chunks...))
	c := chainOf(gemini(b, f, "gemini-2.5-flash"))
	var peak atomic.Uint64
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.SetParallelism(100) // 200 goroutines on 2 cores
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var n int
		for pb.Next() {
			s, err := c.Stream(context.Background(), ask("q"))
			if err != nil {
				b.Error(err)
				return
			}
			for {
				if _, err := s.Next(); err != nil {
					break
				}
			}
			s.Close()
			if n++; n%5 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	})
	if p := peak.Load(); p > before.HeapInuse {
		b.ReportMetric(float64(p-before.HeapInuse)/200, "peak-heap-B/stream")
	}
}
