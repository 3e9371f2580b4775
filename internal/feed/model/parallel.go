package model

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// workers returns how many goroutines training may use: n when positive,
// otherwise one per available core.
func workers(n int) int {
	if n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// parallel runs fn over [0, n) in chunks on at most w goroutines; each
// goroutine gets its own worker number (for per-worker scratch space). It stops
// handing out chunks once ctx is done and returns ctx's error then.
func parallel(ctx context.Context, n, w, chunk int, fn func(worker, lo, hi int)) error {
	if n <= 0 {
		return ctx.Err()
	}
	w = max(1, min(w, (n+chunk-1)/chunk))
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(worker, lo, min(lo+chunk, n))
			}
		}(k)
	}
	wg.Wait()
	return ctx.Err()
}
