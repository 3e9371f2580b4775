package feed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testSessions runs the contract every Sessions implementation keeps.
func testSessions(t *testing.T, ss Sessions, clk *testClock) {
	ctx := context.Background()
	if _, err := ss.Get(ctx, "unknown"); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("Get(unknown) = %v, want ErrSessionExpired", err)
	}
	s := Session{ID: "s1", UserID: "u1", Mode: "binge", Seed: 42, Started: clk.now().UTC()}
	if err := ss.Start(ctx, s); err != nil {
		t.Fatal(err)
	}
	p0 := []PageEntry{{ItemID: "a", Source: "topic", Explanation: "Because you like Chemistry"}, {ItemID: "b"}}
	got, err := ss.SavePage(ctx, "s1", 0, p0)
	if err != nil || !slices.Equal(got, p0) {
		t.Fatalf("SavePage(0) = %v, %v", got, err)
	}
	// A second save of the same page keeps the first.
	if got, err := ss.SavePage(ctx, "s1", 0, []PageEntry{{ItemID: "z"}}); err != nil || !slices.Equal(got, p0) {
		t.Errorf("SavePage(0) again = %v, %v; want the first page", got, err)
	}
	if got, err := ss.SavePage(ctx, "s1", 1, []PageEntry{}); err != nil || len(got) != 0 {
		t.Errorf("SavePage(1, empty) = %v, %v", got, err)
	}
	sess, err := ss.Get(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if sess.UserID != "u1" || sess.Mode != "binge" || sess.Seed != 42 || !sess.Started.Equal(s.Started) ||
		len(sess.Pages) != 2 || !slices.Equal(sess.Pages[0], p0) || sess.Pages[1] == nil {
		t.Errorf("Get = %+v", sess)
	}
	// Each use keeps the session alive; 30 idle minutes end it.
	clk.advance(20 * time.Minute)
	if _, err := ss.Get(ctx, "s1"); err != nil {
		t.Errorf("after 20 idle minutes: %v", err)
	}
	clk.advance(20 * time.Minute)
	if _, err := ss.Get(ctx, "s1"); err != nil {
		t.Errorf("20 minutes after the last use: %v", err)
	}
	clk.advance(31 * time.Minute)
	if _, err := ss.Get(ctx, "s1"); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("after 31 idle minutes: %v, want ErrSessionExpired", err)
	}
	if _, err := ss.SavePage(ctx, "s1", 2, p0); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("SavePage on an expired session: %v, want ErrSessionExpired", err)
	}
}

func TestMemorySessions(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	testSessions(t, NewMemorySessions(10, 30*time.Minute, clk.now), clk)
}

// Memory stays bounded: the least recently used session goes first.
func TestMemorySessionsBound(t *testing.T) {
	ctx := context.Background()
	clk := &testClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	ss := NewMemorySessions(2, time.Hour, clk.now)
	for _, id := range []string{"a", "b"} {
		if err := ss.Start(ctx, Session{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ss.Get(ctx, "a"); err != nil { // a is now the most recent
		t.Fatal(err)
	}
	if err := ss.Start(ctx, Session{ID: "c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.Get(ctx, "b"); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("b survived beyond the bound: %v", err)
	}
	for _, id := range []string{"a", "c"} {
		if _, err := ss.Get(ctx, id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// A cached learner is served only at the version it was loaded at, and not
// beyond its age.
func TestLearnerCache(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := newLearnerCache(2, time.Minute)
	st := &State{}
	c.put("u", 3, now, st)
	if got, _, _, ok := c.get("u", 3, now.Add(30*time.Second)); !ok || got != st {
		t.Errorf("get at the same version: %v %v", got, ok)
	}
	c.setFactors("u", 3, []float32{1, 2}, 7)
	if _, f, fv, ok := c.get("u", 3, now); !ok || len(f) != 2 || fv != 7 {
		t.Errorf("factors: %v %v %v", f, fv, ok)
	}
	if _, _, _, ok := c.get("u", 4, now); ok {
		t.Error("served at another version")
	}
	c.put("u", 4, now, st)
	if _, _, _, ok := c.get("u", 4, now.Add(2*time.Minute)); ok {
		t.Error("served beyond its age")
	}
	c.put("a", 1, now, st)
	c.put("b", 1, now, st)
	c.put("c", 1, now, st)
	if _, _, _, ok := c.get("a", 1, now); ok {
		t.Error("the cache grew past its bound")
	}
	v := NewMemoryVersions()
	ctx := context.Background()
	before, _ := v.Version(ctx, "u")
	if err := v.Bump(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if after, _ := v.Version(ctx, "u"); after == before {
		t.Error("Bump did not move the version")
	}
}

// testRedis connects to LYO_TEST_REDIS_URL, skipping without it (but never in
// CI), and returns a key prefix of the test's own; its keys go after the test.
func testRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("LYO_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but LYO_TEST_REDIS_URL is not: the Redis tests cannot be skipped in CI")
		}
		t.Skip("Redis skipped: LYO_TEST_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("LYO_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opt)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "lyotest:feed:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at LYO_TEST_REDIS_URL: %v", err)
	}
	return client, prefix
}

func TestRedisSessions(t *testing.T) {
	rdb, prefix := testRedis(t)
	clk := &testClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	testSessions(t, NewRedisSessions(rdb, prefix, 30*time.Minute, clk.now), clk)
	// Redis itself drops an idle session's key, which bounds its memory.
	ss := NewRedisSessions(rdb, prefix, 30*time.Minute, clk.now)
	if err := ss.Start(context.Background(), Session{ID: "ttl", UserID: "u"}); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(context.Background(), prefix+"s:ttl").Val(); ttl <= 29*time.Minute || ttl > 30*time.Minute {
		t.Errorf("a new session's key expires in %v, want 30 minutes", ttl)
	}
}

func TestRedisVersions(t *testing.T) {
	rdb, prefix := testRedis(t)
	ctx := context.Background()
	a, b := NewRedisVersions(rdb, prefix), NewRedisVersions(rdb, prefix)
	v0, err := a.Version(ctx, "u")
	if err != nil || v0 != 0 {
		t.Fatalf("Version of a learner never changed = %d, %v", v0, err)
	}
	if err := b.Bump(ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if v, err := a.Version(ctx, "u"); err != nil || v == v0 {
		t.Errorf("a bump through one node is not seen by another: %d, %v", v, err)
	}
	if v, _ := a.Version(ctx, "other"); v != 0 {
		t.Errorf("another learner's version moved: %d", v)
	}
}
