package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// Storage provider types.
const (
	StorageLocal = "local"
	StorageS3    = "s3"
)

// StorageProvider is one object storage provider named in LYO_STORAGE_PROVIDERS,
// configured by LYO_STORAGE_<NAME>_* settings.
type StorageProvider struct {
	Name          string
	Type          string // local | s3
	Dir           string // local: the directory (default: the data directory's media/)
	Endpoint      string // s3: empty means AWS
	Region        string
	Bucket        string
	Prefix        string
	PathStyle     bool
	Checksum      string // s3: when_required | when_supported; empty picks by endpoint
	PublicBaseURL string // where a CDN serves this provider's public objects
	// AccessKeyID and SecretAccessKey are static credentials; without them the
	// standard AWS chain is asked (AWS_* variables, shared files, roles).
	AccessKeyID     string
	SecretAccessKey string
	// Credentials "aws" says the AWS chain is meant (an instance or task role
	// that no variable shows), which production otherwise refuses.
	Credentials string
	AllowHTTP   bool // production accepts an http:// endpoint only with this
	MaxAttempts int
	Timeout     time.Duration
}

// StorageSetting is one per-provider setting, LYO_STORAGE_<NAME>_<Suffix>.
type StorageSetting struct {
	Suffix  string
	Default string
	Secret  bool
	Doc     string
	set     func(p *StorageProvider, v string) error
	get     func(p *StorageProvider) string
}

// StorageSettings lists the per-provider settings in the order they are documented.
func StorageSettings() []StorageSetting { return storageSettings }

// StorageVar is the name of a provider's setting.
func StorageVar(provider, suffix string) string {
	return "LYO_STORAGE_" + strings.ToUpper(provider) + "_" + suffix
}

func text(field func(p *StorageProvider) *string) (func(*StorageProvider, string) error, func(*StorageProvider) string) {
	return func(p *StorageProvider, v string) error { *field(p) = v; return nil },
		func(p *StorageProvider) string { return *field(p) }
}

func storageText(suffix, def string, secret bool, doc string, field func(p *StorageProvider) *string) StorageSetting {
	set, get := text(field)
	return StorageSetting{Suffix: suffix, Default: def, Secret: secret, Doc: doc, set: set, get: get}
}

func storageBool(suffix, doc string, field func(p *StorageProvider) *bool) StorageSetting {
	return StorageSetting{Suffix: suffix, Default: "false", Doc: doc,
		set: func(p *StorageProvider, v string) (err error) { *field(p), err = parseBool(v); return err },
		get: func(p *StorageProvider) string { return strconv.FormatBool(*field(p)) }}
}

var storageSettings = []StorageSetting{
	{Suffix: "TYPE", Default: StorageLocal, Doc: "`local` (files under `_DIR`) or `s3` (AWS S3, Cloudflare R2, any S3-compatible server)",
		set: func(p *StorageProvider, v string) error { p.Type = v; return oneOf(v, StorageLocal, StorageS3) },
		get: func(p *StorageProvider) string { return p.Type }},
	storageText("DIR", "", false, "local: the directory objects live in; default `media` in the data directory (the first provider) or `media-<name>`",
		func(p *StorageProvider) *string { return &p.Dir }),
	storageText("ENDPOINT", "", false, "s3: the server's URL, e.g. `https://<account>.r2.cloudflarestorage.com`; empty means AWS in `_REGION`",
		func(p *StorageProvider) *string { return &p.Endpoint }),
	storageText("REGION", "us-east-1", false, "s3: the region requests are signed for (`auto` for R2)",
		func(p *StorageProvider) *string { return &p.Region }),
	storageText("BUCKET", "", false, "s3: the bucket (required)",
		func(p *StorageProvider) *string { return &p.Bucket }),
	storageText("PREFIX", "", false, "s3: prepended to every key, e.g. `lyo/`, so deployments can share a bucket",
		func(p *StorageProvider) *string { return &p.Prefix }),
	storageBool("PATH_STYLE", "s3: put the bucket in the path (`https://host/bucket/key`), as most self-hosted servers want",
		func(p *StorageProvider) *bool { return &p.PathStyle }),
	{Suffix: "CHECKSUM", Default: "", Doc: "s3: `when_required` (R2 and most S3-compatible servers) or `when_supported` (AWS: a checksum on every upload; needs https); empty picks `when_supported` for AWS, `when_required` for any `_ENDPOINT`",
		set: func(p *StorageProvider, v string) error {
			p.Checksum = v
			return oneOf(v, "", "when_required", "when_supported")
		},
		get: func(p *StorageProvider) string { return p.Checksum }},
	storageText("PUBLIC_BASE_URL", "", false, "the CDN base URL public objects are served under (`<url>/<key>`); empty serves them through Lyo",
		func(p *StorageProvider) *string { return &p.PublicBaseURL }),
	storageText("ACCESS_KEY_ID", "", true, "s3: the access key id; with `_SECRET_ACCESS_KEY` unset too, the standard AWS chain (`AWS_*` variables, shared files, roles) is used",
		func(p *StorageProvider) *string { return &p.AccessKeyID }),
	storageText("SECRET_ACCESS_KEY", "", true, "s3: the secret access key",
		func(p *StorageProvider) *string { return &p.SecretAccessKey }),
	{Suffix: "CREDENTIALS", Default: "", Doc: "s3: `aws` says the AWS chain is meant where no `AWS_*` variable shows it (an instance or task role); production refuses an s3 provider with no credentials otherwise",
		set: func(p *StorageProvider, v string) error { p.Credentials = v; return oneOf(v, "", "aws") },
		get: func(p *StorageProvider) string { return p.Credentials }},
	storageBool("ALLOW_HTTP", "s3: production accepts an `http://` endpoint only when this is true (a server on the same host or a private network)",
		func(p *StorageProvider) *bool { return &p.AllowHTTP }),
	{Suffix: "MAX_ATTEMPTS", Default: "3", Doc: "s3: attempts per request, retries included (1 to 10)",
		set: func(p *StorageProvider, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10 {
				return errors.New("want a whole number from 1 to 10")
			}
			p.MaxAttempts = n
			return nil
		},
		get: func(p *StorageProvider) string { return strconv.Itoa(p.MaxAttempts) }},
	{Suffix: "TIMEOUT", Default: "30s", Doc: "s3: time limit of a request that streams no body (head, list, delete, the start of a download)",
		set: func(p *StorageProvider, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("want a positive duration such as 30s")
			}
			p.Timeout = d
			return nil
		},
		get: func(p *StorageProvider) string { return p.Timeout.String() }},
}

var providerName = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)

// parseProviders reads LYO_STORAGE_PROVIDERS.
func parseProviders(v string) ([]StorageProvider, error) {
	names := splitList(v)
	if len(names) == 0 {
		return nil, errors.New("name at least one provider, e.g. main")
	}
	var out []StorageProvider
	seen := map[string]bool{}
	for _, n := range names {
		if !providerName.MatchString(n) {
			return nil, fmt.Errorf("%q: a provider name is a lower-case letter, then up to 15 letters or digits", n)
		}
		if seen[n] {
			return nil, fmt.Errorf("%q is named twice", n)
		}
		seen[n] = true
		out = append(out, StorageProvider{Name: n})
	}
	return out, nil
}

// loadStorage fills each provider's settings through lookup, as Load does for
// the others, and reports every malformed value.
func (c *Config) loadStorage(lookup func(string) (string, error)) ValidationError {
	var bad ValidationError
	for i := range c.Storage {
		p := &c.Storage[i]
		for _, s := range storageSettings {
			name := StorageVar(p.Name, s.Suffix)
			v, err := lookup(name)
			if err != nil {
				bad = append(bad, FieldError{name, err.Error()})
				continue
			}
			if v == "" {
				v = s.Default
			}
			if err := s.set(p, v); err != nil {
				bad = append(bad, FieldError{name, err.Error()})
			}
		}
		if p.Type == StorageLocal && p.Dir == "" {
			p.Dir = filepath.Join(c.DataDir, "media")
			if i > 0 {
				p.Dir = filepath.Join(c.DataDir, "media-"+p.Name)
			}
		}
	}
	return bad
}

// isStorageVar reports whether name is a setting of a configured provider
// (or its _FILE), for the settings file's check of unknown names.
func (c *Config) isStorageVar(name string) bool {
	for _, p := range c.Storage {
		for _, s := range storageSettings {
			if v := StorageVar(p.Name, s.Suffix); name == v || name == v+"_FILE" {
				return true
			}
		}
	}
	return false
}

// storageLines are the providers' settings as NAME=value pairs, secrets masked.
func (c *Config) storageLines() [][2]string {
	var out [][2]string
	for i := range c.Storage {
		p := &c.Storage[i]
		for _, s := range storageSettings {
			v := s.get(p)
			if s.Secret {
				v = mask(v)
			}
			out = append(out, [2]string{StorageVar(p.Name, s.Suffix), v})
		}
	}
	return out
}

// awsChainVars are variables that show the AWS chain has credentials to find.
var awsChainVars = []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}

// validateStorage checks each provider as a whole; production fails closed.
func (c *Config) validateStorage(add func(setting, problem string)) {
	dirs := map[string]string{}
	for _, p := range c.Storage {
		v := func(suffix string) string { return StorageVar(p.Name, suffix) }
		if p.PublicBaseURL != "" {
			u, err := url.Parse(p.PublicBaseURL)
			switch {
			case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.RawQuery != "":
				add(v("PUBLIC_BASE_URL"), "want an absolute http(s) URL such as https://cdn.example.com/media")
			case c.IsProduction() && u.Scheme != "https":
				add(v("PUBLIC_BASE_URL"), "must be https in production")
			}
		}
		if p.Type == StorageLocal {
			for suffix, val := range map[string]string{"ENDPOINT": p.Endpoint, "BUCKET": p.Bucket, "PREFIX": p.Prefix,
				"ACCESS_KEY_ID": p.AccessKeyID, "SECRET_ACCESS_KEY": p.SecretAccessKey, "CHECKSUM": p.Checksum, "CREDENTIALS": p.Credentials} {
				if val != "" {
					add(v(suffix), "applies to s3 providers only; this one is local")
				}
			}
			abs, _ := filepath.Abs(p.Dir)
			if other, ok := dirs[abs]; ok {
				add(v("DIR"), "the same directory as provider "+other+"'s")
			}
			dirs[abs] = p.Name
			continue
		}
		if p.Bucket == "" {
			add(v("BUCKET"), "required for an s3 provider")
		}
		if p.Prefix != "" {
			if err := blob.CheckPrefix(p.Prefix); err != nil {
				add(v("PREFIX"), err.Error())
			}
		}
		if p.Endpoint != "" {
			u, err := url.Parse(p.Endpoint)
			switch {
			case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || checkPort(u.Port(), false) != nil:
				add(v("ENDPOINT"), "want an absolute http(s) URL such as https://s3.example.com")
			case u.Scheme == "http" && p.Checksum == "when_supported":
				add(v("CHECKSUM"), "when_supported sends trailing checksums, which need an https endpoint")
			case u.Scheme == "http" && c.IsProduction() && !p.AllowHTTP:
				add(v("ENDPOINT"), "must be https in production (set "+v("ALLOW_HTTP")+"=true for a server on a private network)")
			}
		}
		switch {
		case p.AccessKeyID != "" && p.SecretAccessKey == "":
			add(v("SECRET_ACCESS_KEY"), "required with "+v("ACCESS_KEY_ID"))
		case p.AccessKeyID == "" && p.SecretAccessKey != "":
			add(v("ACCESS_KEY_ID"), "required with "+v("SECRET_ACCESS_KEY"))
		case p.AccessKeyID == "" && c.IsProduction() && p.Credentials != "aws" && !c.awsChain:
			add(v("ACCESS_KEY_ID"), "no credentials: set it and "+v("SECRET_ACCESS_KEY")+", or "+v("CREDENTIALS")+"=aws to use an AWS role")
		}
	}
	for i, k := range c.StorageURLKeys {
		if _, err := DecodeURLKey(k); err != nil {
			add("LYO_STORAGE_URL_KEYS", fmt.Sprintf("key %d: %v", i+1, err))
		}
	}
}

// DecodeURLKey turns a configured storage URL key into its bytes.
func DecodeURLKey(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(b) < 32 {
		return nil, errors.New("want the base64 of at least 32 random bytes (`lyo config keygen` makes one)")
	}
	return b, nil
}
