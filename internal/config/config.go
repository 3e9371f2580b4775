// Package config holds Lyo's settings: one struct, filled from LYO_* environment
// variables and an optional file of the same names, with defaults that run on a bare
// laptop. Validate fails closed in production; String masks every secret.
package config

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Environments Lyo knows.
const (
	Development = "development"
	Staging     = "staging"
	Production  = "production"
)

// Config is every setting Lyo reads. The settings table in settings.go is the
// single description of names, defaults and secrecy; README's table is checked
// against it by a test.
type Config struct {
	Env           string
	HTTPAddr      string
	MetricsAddr   string // empty: /metrics on the main listener
	PublicBaseURL string
	DataDir       string

	DatabaseURL      string
	DatabaseMaxConns int32
	AutoMigrate      bool
	RedisURL         string

	LogLevel  string
	LogFormat string // text | json

	CORSOrigins          []string
	CORSAllowCredentials bool
	TrustedProxies       []netip.Prefix

	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	RequestTimeout    time.Duration // write deadline of ordinary routes
	ShutdownDelay     time.Duration // readiness is false this long before draining starts
	ShutdownGrace     time.Duration // in-flight requests get this long to finish
	MaxBodyBytes      int64
	BodyStallTimeout  time.Duration // a body silent this long is cut; 0: no body minimums
	BodyMinRate       int64         // bytes/s a body must average after BodyStallTimeout
	MaxConnsPerClient int
	StartupTimeout    time.Duration // how long start-up waits for the database

	// AuthSigningKeys are Ed25519 private keys (base64 of the 32-byte seed), the
	// first signs, all verify. Empty outside production: a key is generated once
	// and stored in the database.
	AuthSigningKeys []string

	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	// Argon2id cost of new password hashes; stored hashes keep theirs and are
	// rehashed on login when weaker.
	PasswordMemoryKiB  uint32
	PasswordIterations uint32

	RateLimit   bool
	RedisPrefix string

	EventsMaxBatch  int
	EventsRetention time.Duration

	// JobsWorkers is how many background jobs this node works at once; 0 makes
	// it an API-only node that enqueues but never works jobs.
	JobsWorkers      int
	JobsPollInterval time.Duration
	JobsStuckAfter   time.Duration

	// FeedRefresh is how often each node rebuilds its catalogue index (new
	// items, totals, trending, a newer model); FeedTrainEvery how often the
	// feed's models are trained.
	FeedRefresh    time.Duration
	FeedTrainEvery time.Duration

	// Flags are the defaults of feature flags; operators override them at run time.
	Flags map[string]bool

	// Storage lists the object storage providers, the first one primary.
	Storage []StorageProvider
	// StorageURLKeys sign Lyo's own storage URLs (base64, 32 bytes or more):
	// the first signs, all verify. Empty: a key kept in the database.
	StorageURLKeys []string
	// Media is the upload and processing limits.
	Media Media
	// Tutor holds the AI tutor's settings.
	Tutor Tutor
	// awsChain is whether the environment shows AWS credentials to find.
	awsChain bool
}

// IsProduction reports whether the strictest rules apply.
func (c *Config) IsProduction() bool { return c.Env == Production }

// FieldError names one setting that is wrong and why.
type FieldError struct {
	Setting string
	Problem string
}

// ValidationError lists every invalid setting at once, so an operator fixes them in one go.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid configuration:")
	for _, f := range v {
		fmt.Fprintf(&b, "\n  %s: %s", f.Setting, f.Problem)
	}
	return b.String()
}
