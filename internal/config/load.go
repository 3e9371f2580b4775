package config

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// FileVar names the optional settings file: lines of NAME=value, '#' comments.
// The environment wins over the file.
const FileVar = "LYO_CONFIG_FILE"

// ExampleSigningKey is the key the README shows. It is public, so production refuses it.
const ExampleSigningKey = "bHlvLWV4YW1wbGUta2V5LWRvLW5vdC11c2UtMDAwMDA="

// Load reads every setting from getenv (and the file it names), applying defaults.
// It reports every malformed value at once; Validate then checks the whole.
func Load(getenv func(string) string) (*Config, error) {
	fileVals := map[string]string{}
	if path := getenv(FileVar); path != "" {
		var err error
		if fileVals, err = readFile(path); err != nil {
			return nil, fmt.Errorf("%s: %w", FileVar, err)
		}
	}
	lookup := func(name string) (string, error) {
		if v := getenv(name); v != "" {
			return v, nil
		}
		if p := getenv(name + "_FILE"); p != "" {
			b, err := os.ReadFile(p)
			if err != nil {
				return "", fmt.Errorf("read %s_FILE: %w", name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
		return fileVals[name], nil
	}

	c := &Config{}
	var bad ValidationError
	for _, s := range settings {
		v, err := lookup(s.Name)
		if err != nil {
			bad = append(bad, FieldError{s.Name, err.Error()})
			continue
		}
		if v == "" {
			v = s.Default
		}
		if err := s.set(c, v); err != nil {
			bad = append(bad, FieldError{s.Name, err.Error()})
		}
	}
	for name := range fileVals {
		if !slices.ContainsFunc(settings, func(s Setting) bool { return s.Name == name || s.Name+"_FILE" == name }) {
			bad = append(bad, FieldError{name, "unknown setting in " + FileVar})
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
		if c.IsProduction() {
			c.LogFormat = "json"
		}
	}
	return c, nil
}

func readFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, val, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want NAME=value", n)
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
			val = val[1 : len(val)-1]
		}
		vals[strings.TrimSpace(name)] = val
	}
	return vals, sc.Err()
}

// Validate checks the settings together. In production it fails closed: every
// missing or unsafe security setting is named.
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
	if c.DatabaseURL != "" {
		if _, err := DatabaseEngine(c.DatabaseURL); err != nil {
			add("LYO_DATABASE_URL", err.Error())
		}
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			add("LYO_REDIS_URL", "want redis://, rediss:// or unix://")
		}
	}
	if c.PublicBaseURL != "" {
		u, err := url.Parse(c.PublicBaseURL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			add("LYO_PUBLIC_BASE_URL", "want an absolute http(s) URL")
		case c.IsProduction() && u.Scheme != "https":
			add("LYO_PUBLIC_BASE_URL", "must be https in production")
		}
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.HTTPAddr && !strings.HasSuffix(c.HTTPAddr, ":0") {
		add("LYO_METRICS_ADDR", "must differ from LYO_HTTP_ADDR (leave empty to share the main listener)")
	}
	if c.ShutdownGrace == 0 {
		add("LYO_SHUTDOWN_GRACE", "must be positive, or in-flight requests are cut off")
	}
	if c.RequestTimeout == 0 || c.ReadHeaderTimeout == 0 {
		add("LYO_REQUEST_TIMEOUT", "timeouts must be positive")
	}
	if len(bad) > 0 {
		return bad
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

// DecodeSigningKey turns a configured seed into an Ed25519 private key.
func DecodeSigningKey(s string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		seed, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("want the base64 of a 32-byte Ed25519 seed")
	}
	if bytes.Count(seed, seed[:1]) == len(seed) {
		return nil, errors.New("seed is one repeated byte; generate a random one")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// String prints the effective configuration, one NAME=value a line, secrets masked.
func (c *Config) String() string {
	var b strings.Builder
	for _, s := range settings {
		v := s.get(c)
		if s.Secret {
			v = mask(v)
		}
		fmt.Fprintf(&b, "%s=%s\n", s.Name, v)
	}
	return b.String()
}

// Attrs is the effective configuration as log attributes, secrets masked.
func (c *Config) Attrs() []slog.Attr {
	attrs := make([]slog.Attr, 0, len(settings))
	for _, s := range settings {
		v := s.get(c)
		if s.Secret {
			v = mask(v)
		}
		attrs = append(attrs, slog.String(s.Name, v))
	}
	return attrs
}

// mask hides a secret but keeps what helps an operator: a URL's scheme, host and
// path stay readable, its password does not.
func mask(v string) string {
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		u.RawQuery = ""
		return strings.Replace(u.String(), "xxxxx", "****", 1)
	}
	return "****"
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func validOrigins(origins []string) error {
	for _, o := range origins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("%q is not an origin such as https://app.example.com", o)
		}
	}
	return nil
}
