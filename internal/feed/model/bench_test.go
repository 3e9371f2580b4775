package model

import (
	"context"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/feed/synth"
)

// processCPU is the CPU time the process has used, all threads: the honest
// cost of a training run on a machine shared with other work (on two idle
// cores, wall time is about half of it).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the CPU seconds per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((processCPU()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// zipfMatrix makes a users × items matrix of about nnz entries, item
// popularity Zipf-distributed and learner activity heavy-tailed, like real
// interaction logs (and the serving targets' 10k / 100k / 1M set).
func zipfMatrix(seed uint64, users, items, nnz int) *Matrix {
	rng := rand.New(rand.NewPCG(seed, 3))
	z := rand.NewZipf(rng, 1.05, 8, uint64(items-1))
	perm := rng.Perm(items)
	b := NewBuilder()
	for i := 0; i < items; i++ {
		b.Items.Add(itemID(i) + "-" + string(rune('0'+i%10)) + itemID(i/676))
	}
	act := make([]float64, users)
	var total float64
	for u := range act {
		act[u] = rng.ExpFloat64()
		total += act[u]
	}
	for u := range act {
		n := int(float64(nnz) * act[u] / total)
		for k := 0; k < n; k++ {
			i := perm[z.Uint64()]
			b.Add(userID(u%676)+itemID(u/676), b.Items.ID(int32(i)), float32(1+rng.IntN(3)), time.Unix(int64(k), 0))
		}
	}
	return b.Build()
}

var large = sync.OnceValue(func() *Matrix { return zipfMatrix(1, 10_000, 100_000, 1_000_000) })

// BenchmarkALSLarge trains implicit ALS (64 factors, 15 sweeps, the
// defaults) on 10k learners × 100k items × 1M interactions.
func BenchmarkALSLarge(b *testing.B) {
	m := large()
	b.Logf("%d × %d, %d entries", m.Rows, m.NCols, m.NNZ())
	b.ResetTimer()
	cpu := processCPU()
	for range b.N {
		if _, err := ALS(context.Background(), m, ALSOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkItemKNNLarge computes 50 cosine neighbours per item on the same set.
func BenchmarkItemKNNLarge(b *testing.B) {
	m := large()
	b.ResetTimer()
	cpu := processCPU()
	for range b.N {
		if _, err := ItemKNN(context.Background(), m, KNNOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkTrainLarge builds a whole snapshot (item-KNN, ALS, clusters, every
// learner's latent candidates, content similarity; EASE is beyond its bound
// at 100k items) from generated data at the serving targets' scale, logging
// each stage's wall time.
func BenchmarkTrainLarge(b *testing.B) {
	d := synth.Generate(synth.Options{Learners: 10_000, Items: 100_000, Events: 1_000_000, Seed: 1})
	var data TrainData
	for _, it := range d.Items {
		data.Texts = append(data.Texts, Text{ID: it.ID, Title: it.Title, Description: it.Description, Body: it.Body, Topics: it.Topics})
	}
	for _, e := range d.Events {
		w := float32(1)
		switch e.Type {
		case "skip":
			continue
		case "save":
			w = 1.5
		}
		data.Rows = append(data.Rows, Row{User: e.UserID, Item: e.ItemID, Weight: w, At: e.At})
	}
	b.ResetTimer()
	cpu := processCPU()
	for range b.N {
		last, stage := time.Now(), ""
		o := Options{Seed: 1, Progress: func(s string) {
			if stage != "" {
				b.Logf("%-18s %v", stage, time.Since(last).Round(time.Millisecond))
			}
			last, stage = time.Now(), s
		}}
		if _, err := Train(context.Background(), data, o); err != nil {
			b.Fatal(err)
		}
		b.Logf("%-18s %v", stage, time.Since(last).Round(time.Millisecond))
	}
	reportCPU(b, cpu)
}

// BenchmarkEASE1682 trains EASE on a MovieLens-100K-sized catalogue.
func BenchmarkEASE1682(b *testing.B) {
	m := randomMatrix(5, 943, 1682, 0.063)
	b.ResetTimer()
	cpu := processCPU()
	for range b.N {
		if _, err := TrainEASE(context.Background(), m, EASEOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkFoldIn folds a learner with 50 items into 64-factor ALS.
func BenchmarkFoldIn(b *testing.B) {
	m := zipfMatrix(2, 1000, 5000, 50_000)
	f, err := ALS(context.Background(), m, ALSOptions{Iterations: 2, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	hist := make([]Weighted, 50)
	for k := range hist {
		hist[k] = Weighted{Item: int32(k * 97), Weight: 1}
	}
	s := NewSolver(f.K)
	x := make([]float32, f.K)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		clear(x)
		f.FoldInto(x, hist, s)
	}
}
