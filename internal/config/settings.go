package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Setting describes one environment variable: its default, whether it is a secret
// (masked when printed, readable from NAME_FILE) and how it lands in Config.
type Setting struct {
	Name    string
	Default string
	Secret  bool
	Doc     string
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

// Settings lists every setting in the order they are documented.
func Settings() []Setting { return settings }

// settings are the general ones, then each area's.
var settings = slices.Concat([]Setting{
	{Name: "LYO_ENV", Default: Development, Doc: "`development`, `staging` or `production`; production refuses unsafe settings",
		set: func(c *Config, v string) error { c.Env = v; return oneOf(v, Development, Staging, Production) },
		get: func(c *Config) string { return c.Env }},
	{Name: "LYO_HTTP_ADDR", Default: ":8000", Doc: "address the API listens on",
		set: func(c *Config, v string) error { c.HTTPAddr = v; return nil },
		get: func(c *Config) string { return c.HTTPAddr }},
	{Name: "LYO_METRICS_ADDR", Default: "", Doc: "separate listener for `/metrics`, e.g. `127.0.0.1:9100`; empty serves it on the main listener (refused in production)",
		set: func(c *Config, v string) error { c.MetricsAddr = v; return nil },
		get: func(c *Config) string { return c.MetricsAddr }},
	{Name: "LYO_PUBLIC_BASE_URL", Default: "", Doc: "URL clients reach Lyo at, used in links it hands out",
		set: func(c *Config, v string) error { c.PublicBaseURL = strings.TrimRight(v, "/"); return nil },
		get: func(c *Config) string { return c.PublicBaseURL }},
	{Name: "LYO_DATA_DIR", Default: "./data", Doc: "directory for the SQLite database and local media",
		set: func(c *Config, v string) error { c.DataDir = v; return nonEmpty(v) },
		get: func(c *Config) string { return c.DataDir }},
	{Name: "LYO_DATABASE_URL", Default: "", Secret: true, Doc: "`postgres://…` for PostgreSQL; empty uses SQLite in the data directory",
		set: func(c *Config, v string) error { c.DatabaseURL = v; return nil },
		get: func(c *Config) string { return c.DatabaseURL }},
	{Name: "LYO_DATABASE_MAX_CONNS", Default: "10", Doc: "PostgreSQL pool size per node",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n < 1 || n > 1000 {
				return fmt.Errorf("want a whole number from 1 to 1000")
			}
			c.DatabaseMaxConns = int32(n)
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(int(c.DatabaseMaxConns)) }},
	{Name: "LYO_AUTO_MIGRATE", Default: "true", Doc: "`serve` applies pending migrations on start",
		set: func(c *Config, v string) (err error) { c.AutoMigrate, err = parseBool(v); return err },
		get: func(c *Config) string { return strconv.FormatBool(c.AutoMigrate) }},
	{Name: "LYO_REDIS_URL", Default: "", Secret: true, Doc: "`redis://…`; shared caches and rate limits across nodes (readiness checks it)",
		set: func(c *Config, v string) error { c.RedisURL = v; return nil },
		get: func(c *Config) string { return c.RedisURL }},
	{Name: "LYO_LOG_LEVEL", Default: "info", Doc: "`debug`, `info`, `warn` or `error`",
		set: func(c *Config, v string) error { c.LogLevel = v; return oneOf(v, "debug", "info", "warn", "error") },
		get: func(c *Config) string { return c.LogLevel }},
	{Name: "LYO_LOG_FORMAT", Default: "", Doc: "`text` or `json`; empty means json in production, text elsewhere",
		set: func(c *Config, v string) error { c.LogFormat = v; return oneOf(v, "", "text", "json") },
		get: func(c *Config) string { return c.LogFormat }},
	{Name: "LYO_CORS_ORIGINS", Default: "", Doc: "comma-separated origins allowed to call the API from a browser (`*` for any, never with credentials in production)",
		set: func(c *Config, v string) error { c.CORSOrigins = splitList(v); return validOrigins(c.CORSOrigins) },
		get: func(c *Config) string { return strings.Join(c.CORSOrigins, ",") }},
	{Name: "LYO_CORS_ALLOW_CREDENTIALS", Default: "false", Doc: "browsers may send cookies and auth headers cross-origin",
		set: func(c *Config, v string) (err error) { c.CORSAllowCredentials, err = parseBool(v); return err },
		get: func(c *Config) string { return strconv.FormatBool(c.CORSAllowCredentials) }},
	{Name: "LYO_TRUSTED_PROXIES", Default: "", Doc: "comma-separated CIDRs whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed",
		set: func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, s := range splitList(v) {
				p, err := parsePrefix(s)
				if err != nil {
					return err
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		},
		get: func(c *Config) string {
			var out []string
			for _, p := range c.TrustedProxies {
				out = append(out, p.String())
			}
			return strings.Join(out, ",")
		}},
	durationSetting("LYO_READ_HEADER_TIMEOUT", "10s", "time a client has to send request headers", func(c *Config) *time.Duration { return &c.ReadHeaderTimeout }),
	durationSetting("LYO_IDLE_TIMEOUT", "120s", "keep-alive connections close after this long idle", func(c *Config) *time.Duration { return &c.IdleTimeout }),
	durationSetting("LYO_REQUEST_TIMEOUT", "30s", "write deadline of ordinary routes (streams and uploads have their own)", func(c *Config) *time.Duration { return &c.RequestTimeout }),
	durationSetting("LYO_BODY_STALL_TIMEOUT", "10s", "a request body that sends nothing for this long is cut off with a 408 (0 turns the body minimums off)", func(c *Config) *time.Duration { return &c.BodyStallTimeout }),
	{Name: "LYO_BODY_MIN_RATE", Default: "1024", Doc: "bytes per second a request body must average once `LYO_BODY_STALL_TIMEOUT` has passed (0: no average)",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("want a whole number of bytes per second, 0 or more")
			}
			c.BodyMinRate = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(c.BodyMinRate, 10) }},
	{Name: "LYO_MAX_CONNS_PER_CLIENT", Default: "256", Doc: "open connections one client address may hold (the address after `LYO_TRUSTED_PROXIES`); more are closed at once",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("want a whole number, at least 1")
			}
			c.MaxConnsPerClient = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.MaxConnsPerClient) }},
	durationSetting("LYO_STARTUP_TIMEOUT", "20s", "how long `serve` and the other commands wait for the database to answer at start before giving up", func(c *Config) *time.Duration { return &c.StartupTimeout }),
	durationSetting("LYO_SHUTDOWN_DELAY", "0s", "on SIGTERM, readiness turns false and the server keeps serving this long before it drains", func(c *Config) *time.Duration { return &c.ShutdownDelay }),
	durationSetting("LYO_SHUTDOWN_GRACE", "20s", "time in-flight requests get to finish on shutdown", func(c *Config) *time.Duration { return &c.ShutdownGrace }),
	{Name: "LYO_MAX_BODY_BYTES", Default: "1048576", Doc: "largest JSON request body, in bytes (uploads have their own limit)",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				return fmt.Errorf("want a whole number of bytes, at least 1024")
			}
			c.MaxBodyBytes = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) }},
	{Name: "LYO_AUTH_SIGNING_KEYS", Default: "", Secret: true, Doc: "comma-separated base64 Ed25519 seeds; the first signs tokens, all verify (rotation). Required in production",
		set: func(c *Config, v string) error { c.AuthSigningKeys = splitList(v); return nil },
		get: func(c *Config) string { return strings.Join(c.AuthSigningKeys, ",") }},
	durationSetting("LYO_ACCESS_TOKEN_TTL", "15m", "lifetime of access tokens", func(c *Config) *time.Duration { return &c.AccessTokenTTL }),
	durationSetting("LYO_REFRESH_TOKEN_TTL", "720h", "lifetime of a refresh token (each use issues a new one)", func(c *Config) *time.Duration { return &c.RefreshTokenTTL }),
	uintSetting("LYO_PASSWORD_MEMORY_KIB", "19456", "Argon2id memory per password hash, KiB (production needs at least 19456)", func(c *Config) *uint32 { return &c.PasswordMemoryKiB }),
	uintSetting("LYO_PASSWORD_ITERATIONS", "2", "Argon2id passes per password hash (production needs at least 2)", func(c *Config) *uint32 { return &c.PasswordIterations }),
	{Name: "LYO_RATE_LIMIT", Default: "true", Doc: "rate limits per client address and per user (switch off only for load tests)",
		set: func(c *Config, v string) (err error) { c.RateLimit, err = parseBool(v); return err },
		get: func(c *Config) string { return strconv.FormatBool(c.RateLimit) }},
	{Name: "LYO_REDIS_PREFIX", Default: "lyo:", Doc: "prefix of every Redis key Lyo writes (several deployments may share one Redis)",
		set: func(c *Config, v string) error { c.RedisPrefix = v; return nil },
		get: func(c *Config) string { return c.RedisPrefix }},
	{Name: "LYO_EVENTS_MAX_BATCH", Default: "500", Doc: "most events one `POST /api/v1/events` may carry (a larger batch is a 413)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 5000 {
				return fmt.Errorf("want a whole number from 1 to 5000")
			}
			c.EventsMaxBatch = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.EventsMaxBatch) }},
	durationSetting("LYO_EVENTS_RETENTION", "2160h", "events older than this are refused at ingestion (and may be pruned)", func(c *Config) *time.Duration { return &c.EventsRetention }),
	{Name: "LYO_JOBS_WORKERS", Default: "4", Doc: "background jobs this node works at once; `0` switches its workers off (an API-only node that still enqueues)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1000 {
				return fmt.Errorf("want a whole number from 0 to 1000")
			}
			c.JobsWorkers = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.JobsWorkers) }},
	durationSetting("LYO_JOBS_POLL_INTERVAL", "1s", "how often workers look for jobs they were not told about (on SQLite, the only way they learn of new jobs)", func(c *Config) *time.Duration { return &c.JobsPollInterval }),
	durationSetting("LYO_JOBS_STUCK_AFTER", "10m", "`/readyz` reports jobs waiting or running longer than this (an optional check: it never makes the node unready)", func(c *Config) *time.Duration { return &c.JobsStuckAfter }),
	positiveDuration("LYO_FEED_REFRESH", "10s", "how often each node rebuilds its feed index: new items, totals and trending reach feeds this often, and a newer model is loaded", func(c *Config) *time.Duration { return &c.FeedRefresh }),
	positiveDuration("LYO_FEED_TRAIN_EVERY", "1h", "how often a background job trains the feed's models from the event log (one node at a time)", func(c *Config) *time.Duration { return &c.FeedTrainEvery }),
	{Name: "LYO_STORAGE_PROVIDERS", Default: "main", Doc: "comma-separated names of the object storage providers, the first primary; each is configured by the `LYO_STORAGE_<NAME>_*` settings below",
		set: func(c *Config, v string) (err error) { c.Storage, err = parseProviders(v); return err },
		get: func(c *Config) string {
			names := make([]string, len(c.Storage))
			for i, p := range c.Storage {
				names[i] = p.Name
			}
			return strings.Join(names, ",")
		}},
	{Name: "LYO_STORAGE_URL_KEYS", Default: "", Secret: true, Doc: "comma-separated base64 keys (32 bytes or more, e.g. from `lyo config keygen`) that sign Lyo's own storage URLs; the first signs, all verify (rotation). Empty: a key generated once and kept in the database",
		set: func(c *Config, v string) error { c.StorageURLKeys = splitList(v); return nil },
		get: func(c *Config) string { return strings.Join(c.StorageURLKeys, ",") }},
	{Name: "LYO_FLAGS", Default: "", Doc: "feature flag defaults, e.g. `maintenance=false,api_docs=true`; runtime overrides win",
		set: func(c *Config, v string) error {
			c.Flags = map[string]bool{}
			for _, kv := range splitList(v) {
				name, val, ok := strings.Cut(kv, "=")
				b, err := parseBool(val)
				if !ok || err != nil || name == "" {
					return fmt.Errorf("%q is not name=true|false", kv)
				}
				c.Flags[strings.TrimSpace(name)] = b
			}
			return nil
		},
		get: func(c *Config) string {
			var out []string
			for _, n := range sortedKeys(c.Flags) {
				out = append(out, n+"="+strconv.FormatBool(c.Flags[n]))
			}
			return strings.Join(out, ",")
		}},
}, mediaSettings)

func durationSetting(name, def, doc string, field func(*Config) *time.Duration) Setting {
	return Setting{Name: name, Default: def, Doc: doc,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fmt.Errorf("want a duration such as 30s or 2m")
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return field(c).String() }}
}

// positiveDuration is a duration setting that must be above zero.
func positiveDuration(name, def, doc string, field func(*Config) *time.Duration) Setting {
	st := durationSetting(name, def, doc, field)
	set := st.set
	st.set = func(c *Config, v string) error {
		if err := set(c, v); err != nil {
			return err
		}
		if *field(c) <= 0 {
			return fmt.Errorf("want a duration above zero, such as 10s or 1h")
		}
		return nil
	}
	return st
}

func uintSetting(name, def, doc string, field func(*Config) *uint32) Setting {
	return Setting{Name: name, Default: def, Doc: doc,
		set: func(c *Config, v string) error {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return fmt.Errorf("want a positive whole number")
			}
			*field(c) = uint32(n)
			return nil
		},
		get: func(c *Config) string { return strconv.FormatUint(uint64(*field(c)), 10) }}
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(allowed, ", "))
}

func nonEmpty(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("want true or false")
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither a CIDR nor an IP address", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
