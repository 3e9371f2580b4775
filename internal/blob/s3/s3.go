// Package s3 is the blob.Store for AWS S3, Cloudflare R2 and any S3-compatible
// server, through aws-sdk-go-v2.
//
// Bodies stream: Put with a known size is one PUT whose body is never held in
// memory (signed as UNSIGNED-PAYLOAD, so the SDK need not read it twice; TLS and
// the optional SHA-256 checksum protect it); Put of unknown size sends parts of
// MinPartSize from one buffer. Requests retry through the SDK's standard retryer
// with a bounded number of attempts; requests without a streamed body have a
// time limit each.
//
// Checksums: AWS computes and checks a CRC on every upload ("when_supported");
// R2 and most other S3-compatible servers refuse the trailing checksums that
// needs, so they get checksums only when an operation requires one
// ("when_required"). Presigned requests never carry an SDK checksum, so a
// browser can send them as they are.
package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lyolearn/lyo/internal/blob"
)

// Checksum modes (LYO_STORAGE_<NAME>_CHECKSUM).
const (
	WhenRequired  = "when_required"
	WhenSupported = "when_supported"
)

// Options configure a Store.
type Options struct {
	// Endpoint is the server's URL (https://<account>.r2.cloudflarestorage.com,
	// http://127.0.0.1:7070); empty means AWS for Region.
	Endpoint  string
	Region    string // "auto" for R2
	Bucket    string
	Prefix    string // prepended to every key: several deployments may share a bucket
	PathStyle bool   // bucket in the path, not the host name (most self-hosted servers)
	// AccessKeyID and SecretAccessKey, when set, are the credentials; when
	// both are empty the standard AWS chain (AWS_* variables, shared files,
	// instance and container roles) provides them.
	AccessKeyID     string
	SecretAccessKey string
	Checksum        string        // WhenRequired or WhenSupported; empty picks by Endpoint
	MaxAttempts     int           // per request, retries included (default 3)
	Timeout         time.Duration // per request without a streamed body (default 30s)
	// PartSize is the part size of a Put of unknown size (default and least
	// blob.MinPartSize): the memory such a Put holds.
	PartSize   int64
	HTTPClient *http.Client     // the SDK's own when nil
	Now        func() time.Time // the clock presigned requests are signed by
}

// Store is one bucket (and prefix) of an S3-compatible server.
type Store struct {
	client  *s3.Client
	creds   aws.CredentialsProvider
	opts    Options
	now     func() time.Time
	timeout time.Duration
}

var _ blob.Store = (*Store)(nil)

// New makes a Store. It does not contact the server: Ping does.
func New(ctx context.Context, opts Options) (*Store, error) {
	if opts.Bucket == "" {
		return nil, errors.New("s3 storage: no bucket")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Prefix != "" {
		if err := blob.CheckPrefix(opts.Prefix); err != nil {
			return nil, fmt.Errorf("s3 storage prefix: %w", err)
		}
	}
	if (opts.AccessKeyID == "") != (opts.SecretAccessKey == "") {
		return nil, errors.New("s3 storage: set both the access key id and the secret access key, or neither")
	}
	if opts.Checksum == "" {
		opts.Checksum = WhenRequired
		if opts.Endpoint == "" {
			opts.Checksum = WhenSupported
		}
	}
	if opts.Checksum != WhenRequired && opts.Checksum != WhenSupported {
		return nil, fmt.Errorf("s3 storage: checksum mode %q is neither %s nor %s", opts.Checksum, WhenRequired, WhenSupported)
	}
	if opts.Checksum == WhenSupported && strings.HasPrefix(opts.Endpoint, "http://") {
		// The SDK sends streamed bodies with trailing checksums, and only over TLS.
		return nil, fmt.Errorf("s3 storage: checksum mode %s needs an https endpoint", WhenSupported)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 3
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.PartSize < blob.MinPartSize {
		opts.PartSize = blob.MinPartSize
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	var httpClient aws.HTTPClient = opts.HTTPClient
	if opts.HTTPClient == nil {
		httpClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
			tr.TLSHandshakeTimeout = 10 * time.Second
			// A server that takes the whole body and then says nothing
			// is as good as down.
			tr.ResponseHeaderTimeout = opts.Timeout
			tr.MaxIdleConnsPerHost = 64
		})
	}
	cfg := aws.Config{Region: opts.Region, HTTPClient: httpClient}
	if opts.AccessKeyID != "" {
		cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, ""))
	} else {
		loaded, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(opts.Region), awsconfig.WithHTTPClient(httpClient))
		if err != nil {
			return nil, fmt.Errorf("s3 storage: AWS credential chain: %w", err)
		}
		cfg.Credentials = loaded.Credentials
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = opts.MaxAttempts
			o.MaxBackoff = 5 * time.Second
			// No client-side retry quota: under load it turns a store that
			// answers into "quota exceeded" errors of our own.
			o.RateLimiter = ratelimit.None
		})
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		o.UsePathStyle = opts.PathStyle
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		if opts.Checksum == WhenSupported {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
		}
	})
	return &Store{client: client, creds: cfg.Credentials, opts: opts, now: now, timeout: opts.Timeout}, nil
}

// key is the object's name in the bucket.
func (s *Store) key(k string) *string { return aws.String(s.opts.Prefix + k) }

// bounded limits a request without a streamed body.
func (s *Store) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// Ping checks that the bucket answers to these credentials.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.opts.Bucket)}); err != nil {
		return fmt.Errorf("head bucket %s: %w", s.opts.Bucket, classify(err))
	}
	return nil
}
