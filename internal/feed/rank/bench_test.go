package rank

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/synth"
)

// benchWorlds are built once per process: generating and training the large
// one takes a minute or two.
var benchWorlds sync.Map

type benchWorld struct {
	w        *world
	learners []*Learner
	train    time.Duration
}

func loadBench(b *testing.B, name string, o synth.Options, mo model.Options) *benchWorld {
	b.Helper()
	if v, ok := benchWorlds.Load(name); ok {
		return v.(*benchWorld)
	}
	var train time.Duration
	w := newWorld(o, func(d *synth.Data) *model.Snapshot {
		// LYO_FEED_BENCH_CACHE names a directory where trained snapshots are
		// kept between runs (training the large one takes minutes).
		cache := os.Getenv("LYO_FEED_BENCH_CACHE")
		file := filepath.Join(cache, fmt.Sprintf("snapshot-%x.bin", seedOf(fmt.Sprint(name, o, mo.Seed))))
		if cache != "" {
			if data, err := os.ReadFile(file); err == nil {
				if s, err := model.Decode(data); err == nil {
					return s
				}
			}
		}
		t0 := time.Now()
		s := trainOn(d, d.Events, d.Events[len(d.Events)-1].At, mo)
		train = time.Since(t0)
		if cache != "" {
			var buf bytes.Buffer
			if err := s.Encode(&buf); err == nil {
				_ = os.WriteFile(file, buf.Bytes(), 0o600)
			}
		}
		return s
	})
	bw := &benchWorld{w: w, train: train}
	for _, l := range w.data.Learners {
		if evs := w.events[l.ID]; len(evs) > 0 {
			bw.learners = append(bw.learners, w.state(l.ID, evs))
		}
	}
	b.Logf("%s: %d items, %d learners, %d events; training took %v", name, len(w.items), len(bw.learners), len(w.data.Events), train.Round(time.Millisecond))
	benchWorlds.Store(name, bw)
	return bw
}

// The two scales of the serving targets: 10k learners / 100k items / 1M
// events, and a set the size of MovieLens-100K.
func large(b *testing.B) *benchWorld {
	return loadBench(b, "10k/100k/1M", synth.Options{Learners: 10_000, Items: 100_000, Events: 1_000_000, Seed: 1},
		model.Options{Seed: 1})
}

func movielens(b *testing.B) *benchWorld {
	return loadBench(b, "943/1682/100k", synth.Options{Learners: 943, Items: 1682, Events: 100_000, Topics: 19, Seed: 1},
		model.Options{Seed: 1})
}

// benchRank ranks a page of 20 for learners in turn (trained, with their
// history unchanged, as in a load test; or with an event since training, so
// every call folds them in). Besides the mean wall time it reports the CPU
// time of one call on its thread (p50 and p99), which other work on a shared
// machine does not inflate.
func benchRank(b *testing.B, bw *benchWorld, change bool) {
	now := bw.w.now
	if change {
		now = now.Add(time.Hour)
	}
	learners := bw.learners
	if change {
		learners = make([]*Learner, len(bw.learners))
		for k, l := range bw.learners {
			learners[k] = withRecentEvent(l, now)
		}
	}
	cfg := DefaultConfig()
	cpu := make([]time.Duration, 0, b.N)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		l := learners[i%len(learners)]
		t0 := threadCPU()
		out := Rank(Input{Catalogue: bw.w.cat, Learner: l, Config: cfg, Request: Request{Limit: 20, Now: now, Seed: uint64(i)}})
		cpu = append(cpu, threadCPU()-t0)
		if len(out.Entries) == 0 {
			b.Fatal("empty page")
		}
	}
	b.StopTimer()
	slices.Sort(cpu)
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds()), "cpu-p50-µs")
	b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds()), "cpu-p99-µs")
}

// threadCPU is the CPU time the calling OS thread has used
// (clock_gettime(CLOCK_THREAD_CPUTIME_ID), nanosecond resolution).
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3
	_, _, _ = syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

func withRecentEvent(l *Learner, now time.Time) *Learner {
	c := *l
	last := l.Recent[len(l.Recent)-1]
	c.Recent = append(slices.Clip(l.Recent), Interaction{ItemID: last.ItemID, Type: Like, At: now.Add(-time.Minute)})
	return &c
}

func BenchmarkRankLarge(b *testing.B)           { benchRank(b, large(b), false) }
func BenchmarkRankLargeFoldIn(b *testing.B)     { benchRank(b, large(b), true) }
func BenchmarkRankMovieLens(b *testing.B)       { benchRank(b, movielens(b), false) }
func BenchmarkRankMovieLensFoldIn(b *testing.B) { benchRank(b, movielens(b), true) }

// BenchmarkRankParallel runs Rank on every core at once, as a server would.
func BenchmarkRankLargeParallel(b *testing.B) {
	bw := large(b)
	b.ReportAllocs()
	b.ResetTimer()
	var n sync.Mutex
	next := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Lock()
			i := next
			next++
			n.Unlock()
			Rank(Input{Catalogue: bw.w.cat, Learner: bw.learners[i%len(bw.learners)], Request: Request{Limit: 20, Now: bw.w.now, Seed: uint64(i)}})
		}
	})
}

// BenchmarkCatalogue measures building the catalogue index at the large scale
// (serving rebuilds it for new items and counts).
func BenchmarkCatalogueLarge(b *testing.B) {
	bw := large(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		NewCatalogue(bw.w.items, bw.w.cat.Snapshot(), CatalogueOptions{Now: bw.w.now})
	}
}
