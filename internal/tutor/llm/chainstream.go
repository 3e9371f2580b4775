package llm

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// chainStream is the answer of the provider that won: it hands out the chunk
// that decided the race, then the rest, each under the idle limit.
type chainStream struct {
	s           Stream
	p           Provider
	ctx         context.Context
	cancel      context.CancelCauseFunc
	cancelTotal context.CancelFunc
	done        func(error)
	once        sync.Once
	closed      atomic.Bool

	first    string
	hasFirst bool
	eof      bool
	err      error
	idle     *time.Timer
	idleFor  time.Duration
}

// finish reports the outcome to the breaker once.
func (cs *chainStream) finish(err error) {
	cs.once.Do(func() { cs.done(err) })
}

func (cs *chainStream) Next() (string, error) {
	if cs.closed.Load() {
		return "", context.Canceled
	}
	if cs.hasFirst {
		cs.hasFirst = false
		return cs.first, nil
	}
	if cs.eof {
		return "", io.EOF
	}
	if cs.err != nil {
		return "", cs.err
	}
	cs.idle.Reset(cs.idleFor)
	chunk, err := cs.s.Next()
	cs.idle.Stop()
	switch {
	case err == nil:
		return chunk, nil
	case errors.Is(err, io.EOF):
		cs.eof = true
		cs.finish(nil)
		cs.release()
		return "", io.EOF
	}
	cs.err = cause(cs.ctx, err)
	cs.finish(cs.err)
	cs.release()
	return "", cs.err
}

// release frees the total limit's timer once the answer is over.
func (cs *chainStream) release() {
	if cs.cancelTotal != nil {
		cs.cancelTotal()
	}
}

func (cs *chainStream) Result() Result {
	r := cs.s.Result()
	if r.Provider == "" {
		r.Provider = cs.p.Name()
	}
	if r.Model == "" {
		r.Model = cs.p.Model()
	}
	return r
}

// Close cancels the upstream call; the breaker does not count an answer the
// caller gave up on.
func (cs *chainStream) Close() error {
	cs.closed.Store(true)
	cs.finish(context.Canceled)
	cs.idle.Stop()
	cs.cancel(context.Canceled)
	err := cs.s.Close()
	cs.release()
	return err
}
