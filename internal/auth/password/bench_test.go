package password

import (
	"runtime"
	"testing"
)

// The Default benchmarks give sign-in capacity: with GOMAXPROCS cores, the
// parallel variant's ns/op is the time per login at full load.

func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(Default, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(b.Context(), "benchmark password"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDefault(b *testing.B) {
	h := NewHasher(Default, 1)
	enc, err := h.Hash(b.Context(), "benchmark password")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := h.Verify(b.Context(), "benchmark password", enc); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkVerifyDefaultParallel(b *testing.B) {
	h := NewHasher(Default, runtime.GOMAXPROCS(0))
	enc, err := h.Hash(b.Context(), "benchmark password")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _, err := h.Verify(b.Context(), "benchmark password", enc); !ok || err != nil {
				b.Error(ok, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}

func BenchmarkVerifyFast(b *testing.B) {
	h := NewHasher(Fast, 1)
	enc, err := h.Hash(b.Context(), "benchmark password")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := h.Verify(b.Context(), "benchmark password", enc); err != nil {
			b.Fatal(err)
		}
	}
}
