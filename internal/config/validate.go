package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate checks the settings together. In production it fails closed: every
// missing or unsafe security setting is named. Addresses and URLs are checked
// here too, so `lyo config check` names what `serve` would trip over.
func (c *Config) Validate() error {
	var bad ValidationError
	add := func(setting, problem string) { bad = append(bad, FieldError{setting, problem}) }

	for i, k := range c.AuthSigningKeys {
		if _, err := DecodeSigningKey(k); err != nil {
			add("LYO_AUTH_SIGNING_KEYS", fmt.Sprintf("key %d: %v", i+1, err))
		} else if k == ExampleSigningKey && c.IsProduction() {
			add("LYO_AUTH_SIGNING_KEYS", fmt.Sprintf("key %d is the public example key from the README", i+1))
		}
	}
	if c.IsProduction() && len(c.AuthSigningKeys) == 0 {
		add("LYO_AUTH_SIGNING_KEYS", "required in production (generate one with `lyo config keygen`)")
	}
	if c.IsProduction() && (c.PasswordMemoryKiB < 19456 || c.PasswordIterations < 2) {
		add("LYO_PASSWORD_MEMORY_KIB", "production needs at least 19456 KiB and 2 iterations (OWASP's minimum for Argon2id)")
	}
	if c.IsProduction() && !c.RateLimit {
		add("LYO_RATE_LIMIT", "rate limits cannot be switched off in production")
	}
	if c.AccessTokenTTL < time.Minute || c.AccessTokenTTL > 24*time.Hour {
		add("LYO_ACCESS_TOKEN_TTL", "use 1m to 24h (short is safer: 15m)")
	}
	if c.RefreshTokenTTL < c.AccessTokenTTL {
		add("LYO_REFRESH_TOKEN_TTL", "must be longer than LYO_ACCESS_TOKEN_TTL")
	}
	if c.CORSAllowCredentials && slices.Contains(c.CORSOrigins, "*") {
		add("LYO_CORS_ORIGINS", "`*` cannot be combined with LYO_CORS_ALLOW_CREDENTIALS=true; list the origins")
	}
	if err := checkAddr(c.HTTPAddr); err != nil {
		add("LYO_HTTP_ADDR", err.Error())
	}
	if c.MetricsAddr != "" {
		if err := checkAddr(c.MetricsAddr); err != nil {
			add("LYO_METRICS_ADDR", err.Error())
		} else if c.MetricsAddr == c.HTTPAddr && !strings.HasSuffix(c.HTTPAddr, ":0") {
			add("LYO_METRICS_ADDR", "must differ from LYO_HTTP_ADDR (leave empty to share the main listener)")
		}
	} else if c.IsProduction() {
		// Metrics name routes, error codes and pool sizes: not for the internet.
		add("LYO_METRICS_ADDR", "production serves /metrics only on a listener of its own, e.g. 127.0.0.1:9100, never on the public one")
	}
	if c.DatabaseURL != "" {
		if err := checkDatabaseURL(c.DatabaseURL); err != nil {
			add("LYO_DATABASE_URL", err.Error())
		}
	}
	if c.RedisURL != "" {
		if err := checkRedisURL(c.RedisURL); err != nil {
			add("LYO_REDIS_URL", err.Error())
		}
	}
	if c.PublicBaseURL != "" {
		u, err := url.Parse(c.PublicBaseURL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || checkPort(u.Port(), false) != nil:
			add("LYO_PUBLIC_BASE_URL", "want an absolute http(s) URL such as https://lyo.example.com")
		case c.IsProduction() && u.Scheme != "https":
			add("LYO_PUBLIC_BASE_URL", "must be https in production")
		}
	}
	if c.ShutdownGrace == 0 {
		add("LYO_SHUTDOWN_GRACE", "must be positive, or in-flight requests are cut off")
	}
	if c.RequestTimeout == 0 || c.ReadHeaderTimeout == 0 {
		add("LYO_REQUEST_TIMEOUT", "timeouts must be positive")
	}
	if c.StartupTimeout == 0 {
		add("LYO_STARTUP_TIMEOUT", "must be positive: how long to wait for the database at start")
	}
	c.validateStorage(add)
	if len(bad) > 0 {
		return bad
	}
	return nil
}

// checkAddr accepts what net.Listen accepts for TCP: host:port with an optional
// host and a port from 0 (any free one) to 65535.
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port; write :8000 or 127.0.0.1:8000", addr)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q has no valid host", addr)
	}
	if err := checkPort(port, true); err != nil {
		return fmt.Errorf("%q: %w", addr, err)
	}
	return nil
}

// checkPort accepts a port number; "" only when a URL may leave it out.
func checkPort(port string, required bool) error {
	if port == "" && !required {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 || (!required && n == 0) {
		return fmt.Errorf("port %q is not a number from 1 to 65535 (or 0 for any free port)", port)
	}
	return nil
}

// DatabaseEngine names the engine a database URL selects.
func DatabaseEngine(dbURL string) (string, error) {
	switch {
	case dbURL == "":
		return "sqlite", nil
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return "postgres", nil
	case strings.HasPrefix(dbURL, "sqlite:"), strings.HasPrefix(dbURL, "file:"):
		return "sqlite", nil
	}
	return "", errors.New("want postgres://…, sqlite:PATH, or empty for SQLite in the data directory")
}

func checkDatabaseURL(raw string) error {
	engine, err := DatabaseEngine(raw)
	if err != nil {
		return err
	}
	if engine != "postgres" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url's error repeats the URL, password and all: say only what is wrong.
		return errors.New("not a valid URL; want postgres://user:password@host:5432/database")
	}
	for _, hp := range strings.Split(u.Host, ",") { // pgx accepts several hosts
		if hp == "" {
			continue // a Unix socket named by ?host=
		}
		if _, port, err := net.SplitHostPort(hp); err == nil {
			if err := checkPort(port, false); err != nil {
				return err
			}
		}
	}
	if strings.Trim(u.Path, "/") == "" && u.Query().Get("dbname") == "" {
		return errors.New("names no database; want postgres://user:password@host:5432/database")
	}
	return nil
}

func checkRedisURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a valid URL; want redis://host:6379/0")
	}
	switch u.Scheme {
	case "redis", "rediss":
		if u.Hostname() == "" {
			return errors.New("names no host; want redis://host:6379/0")
		}
		if err := checkPort(u.Port(), false); err != nil {
			return err
		}
		if db := strings.Trim(u.Path, "/"); db != "" {
			if n, err := strconv.Atoi(db); err != nil || n < 0 {
				return fmt.Errorf("database %q is not a number", db)
			}
		}
	case "unix":
		if u.Path == "" {
			return errors.New("names no socket; want unix:///path/to/redis.sock")
		}
	default:
		return errors.New("want redis://, rediss:// or unix://")
	}
	return nil
}
