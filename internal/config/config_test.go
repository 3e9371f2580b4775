package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const goodKey = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJABE="

func TestDefaultsRunOnALaptop(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults are invalid: %v", err)
	}
	if c.Env != Development || c.HTTPAddr != ":8000" || c.DataDir != "./data" || c.DatabaseURL != "" ||
		c.LogFormat != "text" || c.ShutdownGrace != 20*time.Second || !c.AutoMigrate {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestMalformedValuesAreNamed(t *testing.T) {
	_, err := Load(env(map[string]string{
		"LYO_ENV": "prod", "LYO_SHUTDOWN_GRACE": "soon", "LYO_TRUSTED_PROXIES": "10.0.0.0/8,banana", "LYO_FLAGS": "maintenance",
	}))
	var ve ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want ValidationError", err)
	}
	for _, name := range []string{"LYO_ENV", "LYO_SHUTDOWN_GRACE", "LYO_TRUSTED_PROXIES", "LYO_FLAGS"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestProductionFailsClosed(t *testing.T) {
	c, err := Load(env(map[string]string{
		"LYO_ENV": "production", "LYO_CORS_ORIGINS": "*", "LYO_CORS_ALLOW_CREDENTIALS": "true",
		"LYO_PUBLIC_BASE_URL": "http://lyo.example",
	}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	for _, want := range []string{"LYO_AUTH_SIGNING_KEYS: required in production", "LYO_CORS_ORIGINS", "LYO_PUBLIC_BASE_URL: must be https"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("production validation misses %q: %v", want, err)
		}
	}
	if c.LogFormat != "json" {
		t.Errorf("production log format %q, want json", c.LogFormat)
	}

	c, _ = Load(env(map[string]string{"LYO_ENV": "production", "LYO_AUTH_SIGNING_KEYS": ExampleSigningKey}))
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "public example key") {
		t.Errorf("the README's example key was accepted in production: %v", err)
	}
	c, _ = Load(env(map[string]string{"LYO_ENV": "production", "LYO_AUTH_SIGNING_KEYS": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}))
	if err := c.Validate(); err == nil {
		t.Error("an all-zero seed was accepted")
	}
	c, _ = Load(env(goodProduction(nil)))
	if err := c.Validate(); err != nil {
		t.Errorf("a good production config was refused: %v", err)
	}
}

// goodProduction is a production configuration Validate accepts, with overrides.
func goodProduction(overrides map[string]string) map[string]string {
	m := map[string]string{"LYO_ENV": "production", "LYO_AUTH_SIGNING_KEYS": goodKey, "LYO_METRICS_ADDR": "127.0.0.1:9100"}
	for k, v := range overrides {
		m[k] = v
	}
	return m
}

// TestProductionRefusesEachUnsafeSetting changes one setting of a good
// production configuration at a time: each must be refused on its own, naming
// the setting, so removing any one refusal fails this test.
func TestProductionRefusesEachUnsafeSetting(t *testing.T) {
	for _, tt := range []struct {
		name, setting string
		overrides     map[string]string
	}{
		{"rate limits off", "LYO_RATE_LIMIT", map[string]string{"LYO_RATE_LIMIT": "false"}},
		{"weak Argon2 memory", "LYO_PASSWORD_MEMORY_KIB", map[string]string{"LYO_PASSWORD_MEMORY_KIB": "19455"}},
		{"one Argon2 pass", "LYO_PASSWORD_MEMORY_KIB", map[string]string{"LYO_PASSWORD_ITERATIONS": "1"}},
		{"metrics on the public listener", "LYO_METRICS_ADDR", map[string]string{"LYO_METRICS_ADDR": ""}},
		{"no signing key", "LYO_AUTH_SIGNING_KEYS", map[string]string{"LYO_AUTH_SIGNING_KEYS": ""}},
		{"plain http base URL", "LYO_PUBLIC_BASE_URL", map[string]string{"LYO_PUBLIC_BASE_URL": "http://lyo.example"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(goodProduction(tt.overrides)))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) || len(ve) != 1 || ve[0].Setting != tt.setting {
				t.Errorf("got %v, want one refusal naming %s", err, tt.setting)
			}
			// The same values outside production are allowed: the refusal is
			// production's, not a malformed value.
			dev := goodProduction(tt.overrides)
			dev["LYO_ENV"] = "staging"
			if c, err := Load(env(dev)); err != nil || c.Validate() != nil {
				t.Errorf("staging refused it too: %v", err)
			}
		})
	}
}

func TestAddressesAndURLsAreChecked(t *testing.T) {
	bad := map[string]string{
		"LYO_HTTP_ADDR":       "8001",
		"LYO_METRICS_ADDR":    ":99999",
		"LYO_PUBLIC_BASE_URL": "https://lyo.example:70000",
		"LYO_DATABASE_URL":    "postgres://lyo:hunter2@db:123456/lyo",
		"LYO_REDIS_URL":       "redis://:6379/zero",
	}
	c, err := Load(env(bad))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	for name := range bad {
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("%s=%s was not named: %v", name, bad[name], err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows a password: %v", err)
	}
	for _, tt := range []struct{ name, value string }{
		{"LYO_HTTP_ADDR", ":8000"}, {"LYO_HTTP_ADDR", "127.0.0.1:0"}, {"LYO_HTTP_ADDR", "[::1]:8000"}, {"LYO_HTTP_ADDR", "localhost:65535"},
		{"LYO_DATABASE_URL", "postgres://lyo@db/lyo?sslmode=disable"}, {"LYO_DATABASE_URL", "postgres:///lyo?host=/run/postgresql"},
		{"LYO_DATABASE_URL", "sqlite:/var/lib/lyo/lyo.db"}, {"LYO_REDIS_URL", "rediss://user:pw@cache:6380/2"},
		{"LYO_REDIS_URL", "unix:///run/redis.sock"}, {"LYO_PUBLIC_BASE_URL", "https://lyo.example:8443"},
	} {
		c, err := Load(env(map[string]string{tt.name: tt.value}))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s=%s refused: %v", tt.name, tt.value, err)
		}
	}
	for _, tt := range []struct{ name, value string }{
		{"LYO_HTTP_ADDR", "localhost"}, {"LYO_HTTP_ADDR", ":-1"}, {"LYO_HTTP_ADDR", ":http"},
		{"LYO_DATABASE_URL", "postgres://db:5432/"}, {"LYO_DATABASE_URL", "mysql://db/lyo"},
		{"LYO_REDIS_URL", "redis:///0"}, {"LYO_REDIS_URL", "http://cache:6379"}, {"LYO_PUBLIC_BASE_URL", "lyo.example"},
	} {
		c, err := Load(env(map[string]string{tt.name: tt.value}))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.name) {
			t.Errorf("%s=%s accepted: %v", tt.name, tt.value, err)
		}
	}
}

func TestSecretsFromFilesAndMasking(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte(goodKey+"\n"), 0o600)
	cfgFile := filepath.Join(dir, "lyo.env")
	os.WriteFile(cfgFile, []byte("# settings\nLYO_HTTP_ADDR=:9000\nexport LYO_DATABASE_URL=\"postgres://lyo:hunter2@db:5432/lyo?sslmode=disable\"\nLYO_LOG_LEVEL=warn\n"), 0o600)
	c, err := Load(env(map[string]string{
		FileVar: cfgFile, "LYO_AUTH_SIGNING_KEYS_FILE": keyFile, "LYO_LOG_LEVEL": "debug",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":9000" || c.LogLevel != "debug" || len(c.AuthSigningKeys) != 1 || c.AuthSigningKeys[0] != goodKey {
		t.Errorf("file, env and _FILE not combined right: %+v", c)
	}
	out := c.String()
	if strings.Contains(out, "hunter2") || strings.Contains(out, goodKey) {
		t.Errorf("a secret is printed:\n%s", out)
	}
	if !strings.Contains(out, "LYO_DATABASE_URL=postgres://lyo:****@db:5432/lyo") || !strings.Contains(out, "LYO_AUTH_SIGNING_KEYS=****") {
		t.Errorf("masked values unhelpful:\n%s", out)
	}
	for _, a := range c.Attrs() {
		if strings.Contains(a.Value.String(), "hunter2") {
			t.Errorf("secret in log attributes: %v", a)
		}
	}
}

func TestUnknownSettingInFileIsAnError(t *testing.T) {
	f := filepath.Join(t.TempDir(), "lyo.env")
	os.WriteFile(f, []byte("LYO_HTTP_ADR=:1\n"), 0o600)
	if _, err := Load(env(map[string]string{FileVar: f})); err == nil || !strings.Contains(err.Error(), "LYO_HTTP_ADR") {
		t.Errorf("typo in the file went unnoticed: %v", err)
	}
	if _, err := Load(env(map[string]string{"LYO_DATABASE_URL_FILE": filepath.Join(t.TempDir(), "missing")})); err == nil {
		t.Error("a missing secret file went unnoticed")
	}
}

// TestReadmeDocumentsEverySetting keeps the README's settings table complete.
func TestReadmeDocumentsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		if !strings.Contains(string(b), "| `"+s.Name+"` |") {
			t.Errorf("README's settings table lacks %s", s.Name)
		}
	}
	for _, s := range StorageSettings() {
		if name := StorageVar("<NAME>", s.Suffix); !strings.Contains(string(b), "| `"+name+"` |") {
			t.Errorf("README's storage settings table lacks %s", name)
		}
	}
}
