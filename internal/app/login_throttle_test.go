package app

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/ratelimit"
)

// TestOwnerSignsInWhileGuessed guesses at an account 24 times a minute from
// one address for three minutes while its owner signs in every five seconds
// from another: the owner always gets in, the guesser is refused.
func TestOwnerSignsInWhileGuessed(t *testing.T) {
	clk := newClock()
	c := newClient(t, authServer(t, "", clk, nil), nil)
	c.from("192.0.2.99").register("ada@example.com", "correct horse battery")
	guesser, owner := c.from("203.0.113.66"), c.from("198.51.100.20")
	login := func(from *client, pw string) int {
		return from.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": pw}).Code
	}
	guesses := map[int]int{}
	for step := range 72 { // 2.5 s apart: 24 a minute
		guesses[login(guesser, fmt.Sprintf("guess %d", step))]++
		if step%2 == 0 {
			if code := login(owner, "correct horse battery"); code != 200 {
				t.Fatalf("%s in: the owner's sign-in answered %d", 2500*time.Millisecond*time.Duration(step), code)
			}
		}
		clk.Advance(2500 * time.Millisecond)
	}
	// Five guesses, then one every three minutes: six in three minutes.
	if guesses[401] > 6 || guesses[429] < 66 || len(guesses) != 2 {
		t.Errorf("the guesser's answers %v: want at most 6 checked, the rest 429", guesses)
	}
	// Guessing right does not get the guesser past the throttle.
	if code := login(guesser, "correct horse battery"); code != 429 {
		t.Errorf("the guesser's right password answered %d, want 429", code)
	}
}

// TestDistributedGuessingKeepsOwnerIn guesses from many addresses, one guess
// each, until the account's own limit is spent: every address that guessed is
// then refused, a new address gets one check, and the owner gets in.
func TestDistributedGuessingKeepsOwnerIn(t *testing.T) {
	clk := newClock()
	c := newClient(t, authServer(t, "", clk, nil), nil)
	c.from("192.0.2.99").register("ada@example.com", "correct horse battery")
	login := func(ip, pw string) int {
		defer clk.Advance(time.Millisecond) // time moves between requests
		return c.from(ip).do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": pw}).Code
	}
	bot := func(i int) string { return fmt.Sprintf("198.18.0.%d", i+1) }
	for i := range loginPerAccount.Burst {
		if code := login(bot(i), "guess"); code != 401 {
			t.Fatalf("guess %d answered %d, want 401 while the account's limit lasts", i, code)
		}
	}
	for i := range loginPerAccount.Burst {
		if code := login(bot(i), "another guess"); code != 429 {
			t.Errorf("address %d's second guess, past the account's limit, answered %d, want 429", i, code)
		}
	}
	if code := login("203.0.113.5", "yet another guess"); code != 401 {
		t.Errorf("a new address's first guess answered %d, want 401 (checked)", code)
	}
	if code := login("203.0.113.5", "and another"); code != 429 {
		t.Errorf("that address's second guess answered %d, want 429", code)
	}
	if code := login("198.51.100.20", "correct horse battery"); code != 200 {
		t.Errorf("the owner, from home, answered %d, want 200", code)
	}
	// Other accounts are not affected.
	c.from("192.0.2.98").register("bob@example.com", "correct horse battery")
	if code := c.from(bot(0)).do("POST", "/api/v1/auth/login", map[string]string{"email": "bob@example.com", "password": "correct horse battery"}).Code; code != 200 {
		t.Errorf("another account's owner, from an address that guessed at ada, answered %d", code)
	}
}

// TestPeekMatchesAllow checks the login throttle's look at a limit against
// what the limiter itself would answer, on both limiters: after each real
// request under a policy, peek must say what the next real request would get,
// and must not spend any of the limit itself.
func TestPeekMatchesAllow(t *testing.T) {
	p := ratelimit.Policy{Name: "t", Limit: 4, Period: time.Hour, Burst: 3}
	limiters := map[string]*ratelimit.Guard{"memory": authServer(t, "", newClock(), nil).limits}
	if url := os.Getenv("LYO_TEST_REDIS_URL"); url != "" {
		prefix := fmt.Sprintf("lyotest:peek:%d:", time.Now().UnixNano())
		limiters["redis"] = authServer(t, "", newClock(), map[string]string{"LYO_REDIS_URL": url, "LYO_REDIS_PREFIX": prefix}).limits
	}
	for name, lim := range limiters {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if !fresh(ctx, lim, "k") {
				t.Error("an unused key is not fresh")
			}
			for i := range p.Burst + 2 {
				// Peeking twice changes nothing: the second answer is the first's.
				a, b := peek(ctx, lim, "k", p), peek(ctx, lim, "k", p)
				real := lim.Allow(ctx, "k", p)
				if a.Allowed != real.Allowed || b.Allowed != real.Allowed {
					t.Errorf("request %d: peek said %v then %v, the limiter answered %v", i, a.Allowed, b.Allowed, real.Allowed)
				}
				if !real.Allowed && (a.RetryAfter < real.RetryAfter-time.Second || a.RetryAfter > real.RetryAfter+time.Second) {
					t.Errorf("request %d: peek's RetryAfter %v, the limiter's %v", i, a.RetryAfter, real.RetryAfter)
				}
				if fresh(ctx, lim, "k") {
					t.Errorf("after %d requests within the hour the key reads as fresh", i+1)
				}
			}
		})
	}
}
