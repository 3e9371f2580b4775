package llm_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lyolearn/lyo/internal/tutor/llm"
	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// pair is a chain of a Gemini fake (flash) in front of an OpenAI-compatible one.
type pair struct {
	flash *llmtest.Gemini
	local *llmtest.OpenAI
	chain *llm.Chain
	clock *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newPair(t *testing.T, cfg llm.ChainConfig) *pair {
	t.Helper()
	p := &pair{flash: llmtest.NewGemini(t), local: llmtest.NewOpenAI(t), clock: &clock{now: time.Unix(1_800_000_000, 0)}}
	p.local.Default(llmtest.Text("local answer"))
	cfg.Tasks = map[string][]llm.Provider{"": {gemini(t, p.flash, "gemini-2.5-flash"), openAI(t, p.local, "llama3.2", "")}}
	cfg.Now = p.clock.Now
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase, cfg.BackoffMax = time.Millisecond, 2*time.Millisecond
	}
	p.chain = llm.NewChain(cfg)
	return p
}

// answer asks the chain and reads the whole answer.
func (p *pair) answer(t *testing.T) (string, llm.Result, error) {
	t.Helper()
	s, err := p.chain.Stream(context.Background(), ask("why is the sky blue?"))
	if err != nil {
		return "", llm.Result{}, err
	}
	defer s.Close()
	chunks, err := drain(t, s)
	text := ""
	for _, c := range chunks {
		text += c
	}
	return text, s.Result(), err
}

func TestChainAnswersFromFirstHealthyProvider(t *testing.T) {
	p := newPair(t, llm.ChainConfig{})
	p.flash.Push(llmtest.Text("Rayleigh", " scattering."))
	text, r, err := p.answer(t)
	if err != nil || text != "Rayleigh scattering." || r.Provider != "gemini" || r.Model != "gemini-2.5-flash" {
		t.Fatalf("answer %q %+v %v", text, r, err)
	}
	if len(p.local.Requests()) != 0 {
		t.Fatal("the fallback was asked although the first provider answered")
	}
}

func TestChainRetriesServerErrorsWithinBudget(t *testing.T) {
	p := newPair(t, llm.ChainConfig{Retries: 2})
	p.flash.Default(llmtest.Error(500))
	text, r, err := p.answer(t)
	if err != nil || text != "local answer" || r.Provider != "local" || r.Model != "llama3.2" {
		t.Fatalf("answer %q %+v %v", text, r, err)
	}
	// One call and the two retries of the budget, then the next provider.
	if n := len(p.flash.Requests()); n != 3 {
		t.Fatalf("flash asked %d times, want 3", n)
	}
	// With the budget spent on flash, a failing fallback is not retried either.
	p.local.Default(llmtest.Error(503))
	_, _, err = p.answer(t)
	if !errors.Is(err, llm.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := len(p.local.Requests()); n != 2 {
		t.Fatalf("local asked %d times in all, want 2", n)
	}
}

func TestChainRetriesTimeoutsButNotClientErrors(t *testing.T) {
	p := newPair(t, llm.ChainConfig{Retries: 2})
	p.flash.Push(llmtest.Error(408), llmtest.Text("after a retry"))
	if text, _, err := p.answer(t); err != nil || text != "after a retry" {
		t.Fatalf("408: %q %v", text, err)
	}
	p.flash.Push(llmtest.Error(400))
	text, r, err := p.answer(t)
	if err != nil || r.Provider != "local" || text != "local answer" {
		t.Fatalf("400: %q %+v %v", text, r, err)
	}
	if n := len(p.flash.Requests()); n != 3 {
		t.Fatalf("flash asked %d times, want 2 for the 408 and 1 for the 400", n)
	}
}

// sleeps records the waits a chain asks for and skips them.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err() == nil
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func TestChainBackoffIsJitteredAndCapped(t *testing.T) {
	var z sleeps
	p := newPair(t, llm.ChainConfig{Retries: 40, BackoffBase: 10 * time.Millisecond, BackoffMax: 80 * time.Millisecond, Sleep: z.Sleep,
		Breaker: llm.BreakerConfig{Consecutive: 100, MinRequests: 100}})
	p.flash.Default(llmtest.Error(503))
	p.answer(t)
	waits := z.got()
	if len(waits) != 40 {
		t.Fatalf("%d waits for a budget of 40", len(waits))
	}
	distinct := map[time.Duration]bool{}
	for i, w := range waits {
		ceil := min(80*time.Millisecond, 10*time.Millisecond<<i)
		if w < 0 || w >= ceil {
			t.Fatalf("wait %d = %v, outside [0, %v)", i, w, ceil)
		}
		distinct[w] = true
	}
	if len(distinct) < 20 {
		t.Fatalf("waits are not jittered: %v", waits)
	}
}

func TestChain429(t *testing.T) {
	var z sleeps
	p := newPair(t, llm.ChainConfig{MaxRetryWait: time.Second, Cooldown: time.Minute, Sleep: z.Sleep})
	// A short delay is waited out on the same model.
	p.flash.Push(llmtest.Reply{Status: 429, RetryAfter: 20 * time.Millisecond}, llmtest.Text("waited"))
	if text, r, err := p.answer(t); err != nil || text != "waited" || r.Provider != "gemini" {
		t.Fatalf("short 429: %q %+v %v", text, r, err)
	}
	if w := z.got(); len(w) != 1 || w[0] != 20*time.Millisecond {
		t.Fatalf("waited %v, want the 20ms the provider asked for", w)
	}
	// A long one moves on and cools the model down for as long as it asked.
	p.flash.Push(llmtest.Reply{Status: 429, RetryAfter: 30 * time.Second})
	if _, r, err := p.answer(t); err != nil || r.Provider != "local" {
		t.Fatalf("long 429: %+v %v", r, err)
	}
	asked := len(p.flash.Requests())
	if _, r, err := p.answer(t); err != nil || r.Provider != "local" || len(p.flash.Requests()) != asked {
		t.Fatalf("a cooling model was asked: %+v %v", r, err)
	}
	if h := p.chain.Health(llm.TaskChat)[0]; !h.CoolingUntil.Equal(p.clock.Now().Add(30 * time.Second)) {
		t.Fatalf("health = %+v", h)
	}
	p.clock.Add(31 * time.Second)
	if _, r, err := p.answer(t); err != nil || r.Provider != "gemini" {
		t.Fatalf("after the cooldown: %+v %v", r, err)
	}
	// A 429 without a delay cools down for the configured time.
	p.flash.Push(llmtest.Error(429))
	p.answer(t)
	if h := p.chain.Health(llm.TaskChat)[0]; !h.CoolingUntil.Equal(p.clock.Now().Add(time.Minute)) {
		t.Fatalf("health = %+v", h)
	}
}

func TestChainNeverSwitchesAfterFirstChunk(t *testing.T) {
	p := newPair(t, llm.ChainConfig{})
	p.flash.Push(llmtest.Reply{Chunks: []string{"Half an", " answer"}, Cut: &llmtest.Cut{After: 1}})
	s, err := p.chain.Stream(context.Background(), ask("q"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := drain(t, s)
	if err == nil || errors.Is(err, llm.ErrUnavailable) || len(got) != 1 || got[0] != "Half an" {
		t.Fatalf("got %q, %v; want the first chunk then the provider's error", got, err)
	}
	if len(p.local.Requests()) != 0 || len(p.flash.Requests()) != 1 {
		t.Fatal("the chain retried or switched after a chunk had been handed out")
	}
}

func TestChainBreakerTripsAndProbes(t *testing.T) {
	var mu sync.Mutex
	var moves []string
	p := newPair(t, llm.ChainConfig{Retries: -1,
		Breaker: llm.BreakerConfig{Consecutive: 3, OpenFor: 500 * time.Millisecond},
		OnStateChange: func(provider, model, from, to string) {
			mu.Lock()
			defer mu.Unlock()
			moves = append(moves, provider+"/"+model+": "+from+" → "+to)
		}})
	p.flash.Default(llmtest.Error(500))
	for range 3 {
		if _, r, err := p.answer(t); err != nil || r.Provider != "local" {
			t.Fatalf("fallback: %+v %v", r, err)
		}
	}
	if h := p.chain.Health(llm.TaskChat)[0]; h.State != "open" {
		t.Fatalf("after 3 failures: %+v", h)
	}
	p.answer(t)
	if n := len(p.flash.Requests()); n != 3 {
		t.Fatalf("an open breaker let a call through: %d calls", n)
	}
	// Half-open: one probe goes through; a failed probe opens it again.
	time.Sleep(600 * time.Millisecond)
	p.answer(t)
	if n := len(p.flash.Requests()); n != 4 {
		t.Fatalf("half-open sent %d probes", n-3)
	}
	p.answer(t)
	if n := len(p.flash.Requests()); n != 4 {
		t.Fatal("a failed probe did not reopen the breaker")
	}
	// A successful probe closes it.
	time.Sleep(600 * time.Millisecond)
	p.flash.Default(llmtest.Text("back"))
	for range 2 {
		if text, r, err := p.answer(t); err != nil || text != "back" || r.Provider != "gemini" {
			t.Fatalf("after recovery: %q %+v %v", text, r, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"closed → open", "open → half-open", "half-open → open", "open → half-open", "half-open → closed"}
	for i := range want {
		want[i] = "gemini/gemini-2.5-flash: " + want[i]
	}
	if diff := cmp.Diff(want, moves); diff != "" {
		t.Fatalf("breaker moves (-want +got):\n%s", diff)
	}
}

func TestChainBreakerTripsOnFailureRatio(t *testing.T) {
	p := newPair(t, llm.ChainConfig{Retries: -1,
		Breaker: llm.BreakerConfig{Consecutive: 100, Ratio: 0.5, MinRequests: 4, OpenFor: time.Hour}})
	p.flash.Push(llmtest.Text("a"), llmtest.Error(502), llmtest.Text("b"), llmtest.Error(502), llmtest.Text("c"))
	for range 5 {
		p.answer(t)
	}
	if n := len(p.flash.Requests()); n != 4 {
		t.Fatalf("flash asked %d times; 2 failures in 4 should have opened it", n)
	}
}

func TestChainBreakerIgnoresClientErrorsAndCancellations(t *testing.T) {
	p := newPair(t, llm.ChainConfig{Retries: -1, Breaker: llm.BreakerConfig{Consecutive: 2, OpenFor: time.Hour}})
	p.flash.Push(llmtest.Error(400), llmtest.Error(404), llmtest.Error(429), llmtest.Error(400))
	for range 4 {
		p.answer(t)
		p.clock.Add(time.Hour) // past any 429 cooldown
	}
	// The caller leaving is not the provider's fault either.
	p.flash.Push(llmtest.Reply{Hang: true}, llmtest.Reply{Hang: true})
	for range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		asked := len(p.flash.Requests())
		go func() {
			// Leave once the provider has the call, not before.
			for i := 0; i < 500 && len(p.flash.Requests()) == asked; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
		}()
		if _, err := p.chain.Stream(ctx, ask("q")); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want the caller's cancellation", err)
		}
	}
	p.flash.Push(llmtest.Text("still trusted"))
	if text, _, err := p.answer(t); err != nil || text != "still trusted" {
		t.Fatalf("breaker opened on errors that do not count: %q %v", text, err)
	}
}

func TestChainTimeouts(t *testing.T) {
	t.Run("first token", func(t *testing.T) {
		p := newPair(t, llm.ChainConfig{FirstToken: time.Second})
		p.flash.Push(llmtest.Reply{Hang: true})
		if text, r, err := p.answer(t); err != nil || r.Provider != "local" || text != "local answer" {
			t.Fatalf("%q %+v %v", text, r, err)
		}
		waitFor(t, func() bool { return p.flash.Abandoned() == 1 })
	})
	t.Run("idle", func(t *testing.T) {
		p := newPair(t, llm.ChainConfig{Idle: 50 * time.Millisecond})
		p.flash.Push(llmtest.Reply{Chunks: []string{"slow", "er"}, Hold: make(chan struct{})})
		text, _, err := p.answer(t)
		if !errors.Is(err, llm.ErrIdleTimeout) || text != "slow" || len(p.local.Requests()) != 0 {
			t.Fatalf("%q %v", text, err)
		}
	})
	t.Run("total", func(t *testing.T) {
		p := newPair(t, llm.ChainConfig{Total: 80 * time.Millisecond})
		p.flash.Push(llmtest.Reply{Hang: true})
		p.local.Push(llmtest.Reply{Hang: true})
		_, _, err := p.answer(t)
		if !errors.Is(err, llm.ErrTotalTimeout) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestChainCloseCancelsUpstream(t *testing.T) {
	p := newPair(t, llm.ChainConfig{})
	p.flash.Push(llmtest.Reply{Chunks: []string{"one", "two"}, Hold: make(chan struct{})})
	s, err := p.chain.Stream(context.Background(), ask("q"))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := s.Next(); err != nil || c != "one" {
		t.Fatalf("%q %v", c, err)
	}
	s.Close()
	waitFor(t, func() bool { return p.flash.Abandoned() == 1 })
	if _, err := s.Next(); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("Next after Close = %v", err)
	}
}

func TestChainWithoutProviders(t *testing.T) {
	c := llm.NewChain(llm.ChainConfig{})
	if _, err := c.Stream(context.Background(), ask("q")); !errors.Is(err, llm.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
}

// waitFor polls a condition that another goroutine makes true soon.
func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for range 500 {
		if ok() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached")
}

// Answers that break after their first chunk count against the provider's
// breaker, though the caller already has part of them.
func TestChainBreakerCountsMidStreamFailures(t *testing.T) {
	p := newPair(t, llm.ChainConfig{Breaker: llm.BreakerConfig{Consecutive: 2, OpenFor: time.Hour}})
	p.flash.Default(llmtest.Reply{Chunks: []string{"par", "tial"}, Cut: &llmtest.Cut{After: 1}})
	for range 2 {
		if text, r, err := p.answer(t); err == nil || text != "par" || r.Provider != "gemini" {
			t.Fatalf("%q %+v %v", text, r, err)
		}
	}
	if text, r, err := p.answer(t); err != nil || text != "local answer" || r.Provider != "local" {
		t.Fatalf("after two broken answers: %q %+v %v", text, r, err)
	}
	if n := len(p.flash.Requests()); n != 2 {
		t.Fatalf("flash asked %d times", n)
	}
}

// TestChainSaysWhenToComeBack: when no provider answers, the chain says how
// long they will all keep refusing (an open breaker, a 429's delay), the
// soonest of them; nothing when one failed in a way that names no time.
func TestChainSaysWhenToComeBack(t *testing.T) {
	p := newPair(t, llm.ChainConfig{Retries: -1, Cooldown: time.Hour,
		Breaker: llm.BreakerConfig{Consecutive: 2, OpenFor: time.Minute}})
	p.flash.Default(llmtest.Error(500))
	p.local.Default(llmtest.Error(500))
	retryAfter := func() time.Duration {
		t.Helper()
		_, err := p.chain.Stream(context.Background(), ask("q"))
		var ue *llm.UnavailableError
		if !errors.As(err, &ue) {
			t.Fatalf("with every provider failing: %v", err)
		}
		return ue.RetryAfter
	}
	if d := retryAfter(); d != 0 {
		t.Errorf("after plain failures, come back in %v; want no estimate", d)
	}
	// The second failure in a row opens both breakers for a minute.
	if d := retryAfter(); d != time.Minute {
		t.Errorf("with both breakers just opened, come back in %v; want 1m", d)
	}
	p.clock.Add(20 * time.Second)
	if d := retryAfter(); d != 40*time.Second {
		t.Errorf("20s later, come back in %v; want 40s", d)
	}

	q := newPair(t, llm.ChainConfig{Retries: -1, Breaker: llm.BreakerConfig{Consecutive: 1, OpenFor: time.Minute}})
	q.flash.Default(llmtest.Error(500))
	q.local.Default(llmtest.Reply{Status: 429, RetryAfter: 10 * time.Second})
	_, err := q.chain.Stream(context.Background(), ask("q"))
	var ue *llm.UnavailableError
	if !errors.As(err, &ue) || ue.RetryAfter != 10*time.Second {
		t.Errorf("one breaker open for 1m, the other model throttled for 10s: %v; want 10s", err)
	}
}
