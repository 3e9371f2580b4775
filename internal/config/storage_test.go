package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStorageDefaultsToLocalDisk(t *testing.T) {
	c, err := Load(env(map[string]string{"LYO_DATA_DIR": "/var/lib/lyo"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Storage) != 1 {
		t.Fatalf("providers %+v, want one", c.Storage)
	}
	p := c.Storage[0]
	if p.Name != "main" || p.Type != StorageLocal || p.Dir != "/var/lib/lyo/media" || p.MaxAttempts != 3 {
		t.Errorf("default provider %+v", p)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

func TestStorageProvidersAreRead(t *testing.T) {
	c, err := Load(env(map[string]string{
		"LYO_STORAGE_PROVIDERS":            "main, backup",
		"LYO_STORAGE_MAIN_TYPE":            "s3",
		"LYO_STORAGE_MAIN_ENDPOINT":        "https://acct.r2.cloudflarestorage.com",
		"LYO_STORAGE_MAIN_REGION":          "auto",
		"LYO_STORAGE_MAIN_BUCKET":          "media",
		"LYO_STORAGE_MAIN_PATH_STYLE":      "true",
		"LYO_STORAGE_MAIN_PREFIX":          "lyo/",
		"LYO_STORAGE_MAIN_CHECKSUM":        "when_required",
		"LYO_STORAGE_MAIN_PUBLIC_BASE_URL": "https://cdn.example.com/media",
		"LYO_STORAGE_MAIN_ACCESS_KEY_ID":   "AKIDEXAMPLE",
		"LYO_STORAGE_MAIN_TIMEOUT":         "5s",
		"LYO_STORAGE_MAIN_MAX_ATTEMPTS":    "5",
		"LYO_STORAGE_BACKUP_TYPE":          "local",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Storage) != 2 {
		t.Fatalf("providers %+v", c.Storage)
	}
	m, b := c.Storage[0], c.Storage[1]
	if m.Name != "main" || m.Type != StorageS3 || m.Endpoint != "https://acct.r2.cloudflarestorage.com" || m.Region != "auto" ||
		m.Bucket != "media" || !m.PathStyle || m.Prefix != "lyo/" || m.Checksum != "when_required" ||
		m.PublicBaseURL != "https://cdn.example.com/media" || m.AccessKeyID != "AKIDEXAMPLE" || m.Timeout.String() != "5s" || m.MaxAttempts != 5 {
		t.Errorf("main = %+v", m)
	}
	if b.Name != "backup" || b.Type != StorageLocal || b.Dir != filepath.Join("data", "media-backup") {
		t.Errorf("backup = %+v", b)
	}
	// The secret is missing: named, with the setting that needs it.
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY: required with LYO_STORAGE_MAIN_ACCESS_KEY_ID") {
		t.Errorf("a key id without its secret: %v", err)
	}
}

func TestMalformedStorageSettingsAreNamed(t *testing.T) {
	for _, tt := range []struct{ setting, value string }{
		{"LYO_STORAGE_PROVIDERS", "Main"}, {"LYO_STORAGE_PROVIDERS", "main,main"}, {"LYO_STORAGE_PROVIDERS", "a-b"},
		{"LYO_STORAGE_MAIN_TYPE", "ftp"}, {"LYO_STORAGE_MAIN_PATH_STYLE", "maybe"}, {"LYO_STORAGE_MAIN_MAX_ATTEMPTS", "0"},
		{"LYO_STORAGE_MAIN_TIMEOUT", "soon"}, {"LYO_STORAGE_MAIN_CHECKSUM", "always"}, {"LYO_STORAGE_MAIN_CREDENTIALS", "root"},
	} {
		_, err := Load(env(map[string]string{tt.setting: tt.value}))
		var ve ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.setting+":") {
			t.Errorf("%s=%s: %v, want it named", tt.setting, tt.value, err)
		}
	}
}

// goodS3 is a production configuration with one s3 provider that Validate accepts.
func goodS3(overrides map[string]string) map[string]string {
	m := goodProduction(map[string]string{
		"LYO_STORAGE_MAIN_TYPE": "s3", "LYO_STORAGE_MAIN_ENDPOINT": "https://s3.example.com", "LYO_STORAGE_MAIN_BUCKET": "media",
		"LYO_STORAGE_MAIN_ACCESS_KEY_ID": "AKIDEXAMPLE", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
	})
	for k, v := range overrides {
		if v == "" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// TestProductionRefusesUnsafeStorage changes one thing at a time in a good
// production configuration: each is refused on its own, naming the setting.
func TestProductionRefusesUnsafeStorage(t *testing.T) {
	for _, tt := range []struct {
		name, setting string
		overrides     map[string]string
		devToo        bool // refused outside production as well
	}{
		{"no bucket", "LYO_STORAGE_MAIN_BUCKET", map[string]string{"LYO_STORAGE_MAIN_BUCKET": ""}, true},
		{"no credentials", "LYO_STORAGE_MAIN_ACCESS_KEY_ID", map[string]string{"LYO_STORAGE_MAIN_ACCESS_KEY_ID": "", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": ""}, false},
		{"a secret without its key id", "LYO_STORAGE_MAIN_ACCESS_KEY_ID", map[string]string{"LYO_STORAGE_MAIN_ACCESS_KEY_ID": ""}, true},
		{"plain http endpoint", "LYO_STORAGE_MAIN_ENDPOINT", map[string]string{"LYO_STORAGE_MAIN_ENDPOINT": "http://10.0.0.5:9000"}, false},
		{"not a URL", "LYO_STORAGE_MAIN_ENDPOINT", map[string]string{"LYO_STORAGE_MAIN_ENDPOINT": "s3.example.com"}, true},
		{"checksums over http", "LYO_STORAGE_MAIN_CHECKSUM", map[string]string{"LYO_STORAGE_MAIN_ENDPOINT": "http://10.0.0.5:9000",
			"LYO_STORAGE_MAIN_ALLOW_HTTP": "true", "LYO_STORAGE_MAIN_CHECKSUM": "when_supported"}, true},
		{"plain http CDN", "LYO_STORAGE_MAIN_PUBLIC_BASE_URL", map[string]string{"LYO_STORAGE_MAIN_PUBLIC_BASE_URL": "http://cdn.example.com"}, false},
		{"a bad prefix", "LYO_STORAGE_MAIN_PREFIX", map[string]string{"LYO_STORAGE_MAIN_PREFIX": "/lyo"}, true},
		{"a bucket on a local provider", "LYO_STORAGE_MAIN_BUCKET", map[string]string{"LYO_STORAGE_MAIN_TYPE": "local",
			"LYO_STORAGE_MAIN_ENDPOINT": "", "LYO_STORAGE_MAIN_ACCESS_KEY_ID": "", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": ""}, true},
		{"two local providers in one directory", "LYO_STORAGE_BACKUP_DIR", map[string]string{"LYO_STORAGE_PROVIDERS": "main,backup",
			"LYO_STORAGE_BACKUP_DIR": "data/media"}, true},
		{"a short URL key", "LYO_STORAGE_URL_KEYS", map[string]string{"LYO_STORAGE_URL_KEYS": "c2hvcnQ="}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "two local providers in one directory" {
				tt.overrides["LYO_STORAGE_MAIN_TYPE"] = "local"
				for _, k := range []string{"ENDPOINT", "BUCKET", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"} {
					tt.overrides["LYO_STORAGE_MAIN_"+k] = ""
				}
			}
			c, err := Load(env(goodS3(tt.overrides)))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) || len(ve) != 1 || ve[0].Setting != tt.setting {
				t.Errorf("got %v, want one refusal naming %s", err, tt.setting)
			}
			dev := goodS3(tt.overrides)
			dev["LYO_ENV"] = "staging"
			c, err = Load(env(dev))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); (err != nil) != tt.devToo {
				t.Errorf("outside production: %v (refused there too: %v)", err, tt.devToo)
			}
		})
	}
	for name, overrides := range map[string]map[string]string{
		"the AWS chain in the environment": {"LYO_STORAGE_MAIN_ACCESS_KEY_ID": "", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": "", "AWS_ACCESS_KEY_ID": "AKID"},
		"an AWS role, said so":             {"LYO_STORAGE_MAIN_ACCESS_KEY_ID": "", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": "", "LYO_STORAGE_MAIN_CREDENTIALS": "aws"},
		"http allowed explicitly":          {"LYO_STORAGE_MAIN_ENDPOINT": "http://10.0.0.5:9000", "LYO_STORAGE_MAIN_ALLOW_HTTP": "true"},
		"AWS itself":                       {"LYO_STORAGE_MAIN_ENDPOINT": "", "LYO_STORAGE_MAIN_REGION": "eu-west-1"},
	} {
		c, err := Load(env(goodS3(overrides)))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}

func TestStorageSecretsFromFilesAndMasked(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte("wJalrXUtnFEMI/K7MDENG\n"), 0o600)
	cfgFile := filepath.Join(dir, "lyo.env")
	os.WriteFile(cfgFile, []byte("LYO_STORAGE_MAIN_TYPE=s3\nLYO_STORAGE_MAIN_BUCKET=media\nLYO_STORAGE_MAIN_ACCESS_KEY_ID=AKIDEXAMPLE\n"), 0o600)
	c, err := Load(env(map[string]string{FileVar: cfgFile, "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY_FILE": secretFile,
		"LYO_STORAGE_URL_KEYS": goodKey}))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Storage[0]; p.SecretAccessKey != "wJalrXUtnFEMI/K7MDENG" || p.Bucket != "media" || p.AccessKeyID != "AKIDEXAMPLE" {
		t.Errorf("provider %+v", p)
	}
	out := c.String()
	for _, secret := range []string{"wJalrXUtnFEMI", "AKIDEXAMPLE", goodKey} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret is printed:\n%s", out)
		}
	}
	for _, want := range []string{"LYO_STORAGE_MAIN_BUCKET=media\n", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY=****\n", "LYO_STORAGE_URL_KEYS=****\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
	for _, a := range c.Attrs() {
		if strings.Contains(a.Value.String(), "wJalrXUtnFEMI") {
			t.Errorf("secret in log attributes: %v", a)
		}
	}
	// A provider that is not configured has no settings.
	os.WriteFile(cfgFile, []byte("LYO_STORAGE_BACKUP_BUCKET=media\n"), 0o600)
	if _, err := Load(env(map[string]string{FileVar: cfgFile})); err == nil || !strings.Contains(err.Error(), "LYO_STORAGE_BACKUP_BUCKET") {
		t.Errorf("a setting of an unknown provider went unnoticed: %v", err)
	}
}
