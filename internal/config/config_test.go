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
	c, _ = Load(env(map[string]string{"LYO_ENV": "production", "LYO_AUTH_SIGNING_KEYS": goodKey}))
	if err := c.Validate(); err != nil {
		t.Errorf("a good production config was refused: %v", err)
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
}
