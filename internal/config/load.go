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
	if c.Storage != nil {
		bad = append(bad, c.loadStorage(lookup)...)
	}
	c.finishTutor()
	for _, name := range awsChainVars {
		c.awsChain = c.awsChain || getenv(name) != ""
	}
	for name := range fileVals {
		if !slices.ContainsFunc(settings, func(s Setting) bool { return s.Name == name || s.Name+"_FILE" == name }) && !c.isStorageVar(name) {
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
	for _, kv := range c.storageLines() {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
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
	for _, kv := range c.storageLines() {
		attrs = append(attrs, slog.String(kv[0], kv[1]))
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
