package synth

import (
	"io"
	"testing"
)

// The full-scale set of the feed's benchmarks: 10k learners, 100k items, 1M events.
var full = Config{Seed: 42, Learners: 10000, Items: 100000, Events: 1000000, Now: testNow}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New(full)
	}
}

func BenchmarkItems(b *testing.B) {
	g := New(full)
	b.ResetTimer()
	for b.Loop() {
		for range g.Items() {
		}
	}
	b.ReportMetric(float64(g.NumItems())*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkHistories(b *testing.B) {
	g := New(full)
	b.ResetTimer()
	for b.Loop() {
		for range g.Histories() {
		}
	}
	b.ReportMetric(float64(full.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkWriteCSV(b *testing.B) {
	g := New(full)
	b.ResetTimer()
	for b.Loop() {
		if err := g.WriteCSV(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
