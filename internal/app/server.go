package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
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
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/ratelimit"
	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/tutor"
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
	feed    *feed.Service
	tutor   *tutor.Service
	jobs    *jobs.Queue
	storage *storage // object storage providers, the first primary
	media   *media.Service
	now     func() time.Time
	stop    context.CancelFunc // ends the node's background work (probes)
	hooks   hooks
}

// hooks let a test wait for a step of the shutdown instead of sleeping.
type hooks struct {
	draining func() // readiness has turned false
	stopping func() // the shutdown delay is over: listeners close, requests drain
}

// now is the clock of every service: tests move it; everything else passes time.Now.
func newServer(ctx context.Context, cfg *config.Config, log *slog.Logger, migrate bool, now func() time.Time) (*server, error) {
	s := &server{cfg: cfg, log: log, metrics: obs.NewMetrics(), now: now, stop: func() {}}
	if err := s.build(ctx, migrate); err != nil {
		s.close() // releases whatever was opened before the error
		return nil, err
	}
	return s, nil
}

func (s *server) build(ctx context.Context, migrate bool) (err error) {
	cfg, log, now := s.cfg, s.log, s.now
	if s.db, err = openStore(ctx, cfg, log); err != nil {
		return err
	}
	if migrate {
		if err = s.db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if cfg.RedisURL != "" {
		opts, perr := redis.ParseURL(cfg.RedisURL)
		if perr != nil {
			return fmt.Errorf("LYO_REDIS_URL: %w", perr)
		}
		// Calls give up at their context's deadline (the limiter's 50 ms) instead
		// of waiting out the socket timeout. Redis being down at start is not an
		// error: the node starts with in-process limits and says so (see watch).
		opts.ContextTimeoutEnabled = true
		s.redis = redis.NewClient(opts)
	}
	if s.flags, err = flags.NewService(s.db, cfg.Flags, 5*time.Second, now, log); err != nil {
		return err
	}
	s.metrics.RegisterPool(s.db.Engine(), s.db.PoolStats)
	if err = s.wireServices(ctx); err != nil {
		return err
	}
	if s.storage, err = openStorage(ctx, cfg, s.db, log); err != nil {
		return err
	}
	if err = s.wireJobs(); err != nil {
		return err
	}
	s.health = obs.NewHealth(2*time.Second, readyTTL, func(ctx context.Context, check string, err error) {
		log.WarnContext(ctx, "readiness check failing", "check", check, "error", err)
	})
	s.addChecks()
	s.health.Add(s.jobsCheck())
	s.watch(ctx)

	if s.docs, err = apiDocs(); err != nil {
		return err
	}
	s.router = httpx.NewRouter(log, cfg.MaxBodyBytes, cfg.RequestTimeout)
	s.router.SetLimiter(s.limit)
	s.router.SetBodyRate(httpx.BodyRate{Stall: cfg.BodyStallTimeout, MinRate: cfg.BodyMinRate})
	s.routes()
	s.handler = s.middleware(s.router)
	return nil
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
	params, err := passwordParams(cfg)
	if err != nil {
		return err
	}
	hasher := password.NewHasher(params, runtime.GOMAXPROCS(0))
	s.newFeed()
	s.auth = auth.NewService(feedAccounts{s.db, s.feed}, hasher, issuer, s.log, auth.Options{RefreshTTL: cfg.RefreshTokenTTL, Now: s.now})
	s.events = events.NewService(feedEvents{s.db, s.feed}, catalog{s.db}, events.Options{MaxBatch: cfg.EventsMaxBatch, Retention: cfg.EventsRetention, Now: s.now})
	s.content = content.NewService(feedContent{s.db, s.feed}, directory{s.auth, s.now}, s.events, s.now)
	s.auth.RegisterData(auth.DataPart{Name: "content", Export: s.content.Export, Delete: s.content.DeleteUserData})
	s.auth.RegisterData(auth.DataPart{Name: "activity", Export: s.events.Export, Delete: s.events.DeleteUserData})
	if err := s.newTutor(); err != nil {
		return err
	}

	var shared ratelimit.Limiter // nil: in-process only
	if s.redis != nil {
		shared = ratelimit.NewRedis(s.redis, cfg.RedisPrefix+"rl:", ratelimit.DefaultRedisTimeout)
	}
	limiterErrors := prometheus.NewCounter(prometheus.CounterOpts{Name: "lyo_ratelimit_errors_total",
		Help: "Rate-limit checks Redis could not answer (the in-process limiter answered instead)."})
	s.metrics.Registry.MustRegister(limiterErrors)
	s.limits = ratelimit.NewGuard(shared, ratelimit.NewMemory(s.now), s.log, limiterErrors.Inc)
	return nil
}

// watch starts the node's background probes; close stops them.
func (s *server) watch(ctx context.Context) {
	if s.redis == nil {
		return
	}
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	s.limits.Watch(bg, func(ctx context.Context) error { return s.redis.Ping(ctx).Err() })
	if err := s.limits.Healthy(); err != nil {
		s.log.Warn("redis does not answer at start; starting degraded, with rate limits per node until it does", "error", err)
	}
}

// middleware wraps h in the stack every request passes, outermost first.
func (s *server) middleware(h http.Handler) http.Handler {
	stack := []func(http.Handler) http.Handler{
		httpx.RequestIDs,
		httpx.ClientIPs(s.cfg.TrustedProxies),
		httpx.LimitClients(s.cfg.MaxConnsPerClient),
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
	s.stop()
	s.closeJobs()
	s.storage.close()
	if s.redis != nil {
		s.redis.Close()
	}
	if s.db != nil {
		s.db.Close()
	}
}
