package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/lyolearn/lyo/internal/apidoc"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/auth/password"
	"github.com/lyolearn/lyo/internal/auth/token"
	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/ratelimit"
	"github.com/lyolearn/lyo/internal/store"
)

// server is one node's wired parts. newServer builds it; close releases it.
type server struct {
	cfg     *config.Config
	log     *slog.Logger
	db      store.Store
	redis   *redis.Client // nil without LYO_REDIS_URL
	flags   *flags.Service
	metrics *obs.Metrics
	health  *obs.Health
	router  *httpx.Router
	handler http.Handler // router inside the middleware stack
	limits  *ratelimit.Guard
	cursors *cursor.Codec
	docs    *apidoc.Docs
	auth    *auth.Service
	content *content.Service
	events  *events.Service
	now     func() time.Time
}

// now is the clock of every service: tests move it; everything else passes time.Now.
func newServer(ctx context.Context, cfg *config.Config, log *slog.Logger, migrate bool, now func() time.Time) (s *server, err error) {
	s = &server{cfg: cfg, log: log, metrics: obs.NewMetrics(), now: now}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if s.db, err = openStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	if migrate {
		if err = s.db.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	if cfg.RedisURL != "" {
		opts, perr := redis.ParseURL(cfg.RedisURL)
		if perr != nil {
			return nil, fmt.Errorf("LYO_REDIS_URL: %w", perr)
		}
		// Calls give up at their context's deadline (the limiter's 50 ms) instead
		// of waiting out the socket timeout.
		opts.ContextTimeoutEnabled = true
		s.redis = redis.NewClient(opts)
		if cfg.IsProduction() {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err = s.redis.Ping(pctx).Err(); err != nil {
				return nil, fmt.Errorf("LYO_REDIS_URL: redis unreachable: %w", err)
			}
		}
	}
	if s.flags, err = flags.NewService(s.db, cfg.Flags, 5*time.Second, now, log); err != nil {
		return nil, err
	}
	s.metrics.RegisterPool(s.db.Engine(), s.db.PoolStats)
	if err = s.wireServices(ctx); err != nil {
		return nil, err
	}
	s.health = obs.NewHealth(2*time.Second, func(ctx context.Context, check string, err error) {
		log.WarnContext(ctx, "readiness check failing", "check", check, "error", err)
	})
	s.addChecks()

	if s.docs, err = apiDocs(); err != nil {
		return nil, err
	}
	s.router = httpx.NewRouter(log, cfg.MaxBodyBytes, cfg.RequestTimeout)
	s.router.SetLimiter(s.limit)
	s.routes()
	s.handler = s.middleware(s.router)
	return s, nil
}

// openStore opens the configured database; in production an unreachable one is a
// start-up error naming the setting.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxConns: cfg.DatabaseMaxConns, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("LYO_DATABASE_URL: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("LYO_DATABASE_URL: database unreachable: %w", err)
	}
	return db, nil
}

// wireServices builds the domain services on the store.
func (s *server) wireServices(ctx context.Context) error {
	cfg := s.cfg
	signing, verify, err := signingKeys(ctx, cfg, s.db)
	if err != nil {
		return err
	}
	issuer, err := token.NewIssuer(signing, verify, "lyo", "lyo-api", cfg.AccessTokenTTL, s.now)
	if err != nil {
		return fmt.Errorf("LYO_AUTH_SIGNING_KEYS: %w", err)
	}
	cursorKey, err := sharedSecret(ctx, s.db, settingCursorKey, 32)
	if err != nil {
		return err
	}
	s.cursors = cursor.New(cursorKey)
	params := password.Default
	params.Memory, params.Time = cfg.PasswordMemoryKiB, cfg.PasswordIterations
	if err := params.Validate(); err != nil {
		return fmt.Errorf("LYO_PASSWORD_MEMORY_KIB: %w", err)
	}
	hasher := password.NewHasher(params, runtime.GOMAXPROCS(0))
	s.auth = auth.NewService(s.db, hasher, issuer, s.log, auth.Options{RefreshTTL: cfg.RefreshTokenTTL, Now: s.now})
	s.events = events.NewService(s.db, catalog{s.db}, events.Options{MaxBatch: cfg.EventsMaxBatch, Retention: cfg.EventsRetention, Now: s.now})
	s.content = content.NewService(s.db, directory{s.auth, s.now}, s.events, s.now)
	s.auth.RegisterData(auth.DataPart{Name: "content", Export: s.content.Export, Delete: s.content.DeleteUserData})
	s.auth.RegisterData(auth.DataPart{Name: "activity", Export: s.events.Export, Delete: s.events.DeleteUserData})

	var lim ratelimit.Limiter = ratelimit.NewMemory(s.now)
	if s.redis != nil {
		lim = ratelimit.NewRedis(s.redis, cfg.RedisPrefix+"rl:", ratelimit.DefaultRedisTimeout)
	}
	limiterErrors := prometheus.NewCounter(prometheus.CounterOpts{Name: "lyo_ratelimit_errors_total",
		Help: "Rate-limit checks the limiter could not answer (the request was let through or refused as configured)."})
	s.metrics.Registry.MustRegister(limiterErrors)
	s.limits = ratelimit.NewGuard(lim, cfg.RateLimitFailOpen, s.log, limiterErrors.Inc)
	return nil
}

func (s *server) addChecks() {
	s.health.Add(obs.Check{Name: "database", Run: s.db.Ping})
	if s.redis != nil {
		s.health.Add(obs.Check{Name: "redis", Run: func(ctx context.Context) error { return s.redis.Ping(ctx).Err() }})
		s.health.Add(obs.Check{Name: "rate_limiter", Optional: true, Run: func(context.Context) error {
			if s.limits.Healthy() != nil {
				return obs.Reason("recent limit checks failed; requests are let through or refused as LYO_RATE_LIMIT_FAIL_OPEN says")
			}
			return nil
		}})
	}
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		s.health.Add(obs.Check{Name: tool, Optional: true, Run: func(context.Context) error {
			if _, err := exec.LookPath(tool); err != nil {
				return obs.Reason(tool + " is not installed; video processing is unavailable")
			}
			return nil
		}})
	}
}

// middleware wraps h in the stack every request passes, outermost first.
func (s *server) middleware(h http.Handler) http.Handler {
	stack := []func(http.Handler) http.Handler{
		httpx.RequestIDs,
		httpx.ClientIPs(s.cfg.TrustedProxies),
		httpx.Recover(s.log),
		httpx.AccessLog(s.log),
		httpx.Metrics(s.metrics),
		httpx.CORS(s.cfg.CORSOrigins, s.cfg.CORSAllowCredentials),
		httpx.SecurityHeaders,
		httpx.Compress,
		s.maintenance,
	}
	for i := len(stack) - 1; i >= 0; i-- {
		h = stack[i](h)
	}
	return h
}

// maintenance answers writes under /api/ with 503 while the flag is on. Admin
// routes stay open so the flag can be turned off again.
func (s *server) maintenance(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if isAPI(r.URL.Path) && !isAdmin(r.URL.Path) && s.flags.Enabled(r.Context(), flags.Maintenance) {
				httpx.WriteProblem(w, r, &httpx.Error{Status: http.StatusServiceUnavailable, Code: "maintenance",
					Detail: "Lyo is in maintenance and read-only; try again shortly",
					Header: http.Header{"Retry-After": {"60"}}})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func isAPI(p string) bool   { return strings.HasPrefix(p, "/api/") }
func isAdmin(p string) bool { return strings.HasPrefix(p, "/api/v1/admin/") }

func (s *server) close() {
	if s.redis != nil {
		s.redis.Close()
	}
	if s.db != nil {
		s.db.Close()
	}
}
