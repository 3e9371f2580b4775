package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// redisTimeout bounds one Redis round trip of the feed: a request makes one or
// two, and a sick Redis must not hold it.
const redisTimeout = 100 * time.Millisecond

// RedisVersions keeps learners' versions in Redis, shared by every node: key
// prefix + "v:" + learner ID, an integer that each change increments. A key
// lives a day after its last change; a node keeps no cached learner that long.
type RedisVersions struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisVersions returns versions under prefix on rdb.
func NewRedisVersions(rdb redis.UniversalClient, prefix string) *RedisVersions {
	return &RedisVersions{rdb: rdb, prefix: prefix}
}

// Version returns the learner's version (0 when they never changed).
func (r *RedisVersions) Version(ctx context.Context, userID string) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	v, err := r.rdb.Get(ctx, r.prefix+"v:"+userID).Uint64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("learner version: %w", err)
	}
	return v, nil
}

// Bump moves the learner's version.
func (r *RedisVersions) Bump(ctx context.Context, userID string) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	key := r.prefix + "v:" + userID
	p := r.rdb.TxPipeline()
	p.Incr(ctx, key)
	p.Expire(ctx, key, 24*time.Hour)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("bump learner version: %w", err)
	}
	return nil
}

// RedisSessions keeps feed sessions in Redis, readable by every node: a hash
// per session (key prefix + "s:" + ID) with the learner, mode, seed, start,
// last use and one field per page. Idleness is judged by the service's clock
// against the last use; Redis expires a key idle for longer, which bounds its
// memory.
type RedisSessions struct {
	rdb    redis.UniversalClient
	prefix string
	idle   time.Duration
	now    func() time.Time
}

// NewRedisSessions returns sessions under prefix on rdb that expire after idle.
func NewRedisSessions(rdb redis.UniversalClient, prefix string, idle time.Duration, now func() time.Time) *RedisSessions {
	return &RedisSessions{rdb: rdb, prefix: prefix, idle: idle, now: now}
}

func (r *RedisSessions) key(id string) string { return r.prefix + "s:" + id }

// Start stores a new session.
func (r *RedisSessions) Start(ctx context.Context, s Session) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	key := r.key(s.ID)
	p := r.rdb.TxPipeline()
	p.Del(ctx, key)
	p.HSet(ctx, key, "u", s.UserID, "m", string(s.Mode), "seed", strconv.FormatUint(s.Seed, 10),
		"t", s.Started.UnixNano(), "a", r.now().UnixNano())
	p.Expire(ctx, key, r.idle)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("start feed session: %w", err)
	}
	return nil
}

// touch refreshes a live session's last use, or reports it expired. It runs
// in Redis so a session that expired between two calls is never revived.
var touchScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'a'))
if last == nil or tonumber(ARGV[1]) - last > tonumber(ARGV[2]) then
	redis.call('DEL', KEYS[1])
	return 0
end
redis.call('HSET', KEYS[1], 'a', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`)

func (r *RedisSessions) touch(ctx context.Context, id string) error {
	ok, err := touchScript.Run(ctx, r.rdb, []string{r.key(id)}, r.now().UnixNano(), r.idle.Nanoseconds(), r.idle.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("feed session %s: %w", id, err)
	}
	if ok == 0 {
		return fmt.Errorf("feed session %s: %w", id, ErrSessionExpired)
	}
	return nil
}

// Get returns the session.
func (r *RedisSessions) Get(ctx context.Context, id string) (Session, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	if err := r.touch(ctx, id); err != nil {
		return Session{}, err
	}
	h, err := r.rdb.HGetAll(ctx, r.key(id)).Result()
	if err != nil {
		return Session{}, fmt.Errorf("feed session %s: %w", id, err)
	}
	if len(h) == 0 {
		return Session{}, fmt.Errorf("feed session %s: %w", id, ErrSessionExpired)
	}
	s := Session{ID: id, UserID: h["u"], Mode: rank.Mode(h["m"])}
	seed, err1 := strconv.ParseUint(h["seed"], 10, 64)
	started, err2 := strconv.ParseInt(h["t"], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return Session{}, fmt.Errorf("feed session %s: %w", id, err)
	}
	s.Seed, s.Started = seed, time.Unix(0, started).UTC()
	for n := 0; ; n++ {
		raw, ok := h["p"+strconv.Itoa(n)]
		if !ok {
			break
		}
		var page []PageEntry
		if err := json.Unmarshal([]byte(raw), &page); err != nil {
			return Session{}, fmt.Errorf("feed session %s page %d: %w", id, n, err)
		}
		if page == nil {
			page = []PageEntry{}
		}
		s.Pages = append(s.Pages, page)
	}
	return s, nil
}

// savePageScript stores a page unless it exists, in a live session only, and
// answers the stored page.
var savePageScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[1], ARGV[1])`)

// SavePage stores page n unless it exists, and returns the stored page.
func (r *RedisSessions) SavePage(ctx context.Context, id string, n int, page []PageEntry) ([]PageEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	if page == nil {
		page = []PageEntry{}
	}
	b, err := json.Marshal(page)
	if err != nil {
		return nil, fmt.Errorf("feed session %s page %d: %w", id, n, err)
	}
	raw, err := savePageScript.Run(ctx, r.rdb, []string{r.key(id)}, "p"+strconv.Itoa(n), b, r.idle.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("feed session %s: %w", id, ErrSessionExpired)
	}
	if err != nil {
		return nil, fmt.Errorf("feed session %s page %d: %w", id, n, err)
	}
	var stored []PageEntry
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return nil, fmt.Errorf("feed session %s page %d: %w", id, n, err)
	}
	if stored == nil {
		stored = []PageEntry{}
	}
	return stored, nil
}
