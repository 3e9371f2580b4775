package s3

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lyolearn/lyo/internal/blob"
)

// clockSigner signs presigned requests at the store's clock, not the SDK's.
type clockSigner struct {
	inner *v4.Signer
	now   func() time.Time
}

func (c clockSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return c.inner.PresignHTTP(ctx, creds, r, payloadHash, service, region, c.now(), optFns...)
}

// presigner signs for d. Presigned requests carry no SDK checksum: a client
// sending one would have to compute it, and a browser does not.
func (s *Store) presigner(d time.Duration) *s3.PresignClient {
	return s3.NewPresignClient(s.client, func(o *s3.PresignOptions) {
		o.Expires = d
		o.Presigner = clockSigner{inner: v4.NewSigner(), now: s.now}
		o.ClientOptions = append(o.ClientOptions, func(o *s3.Options) {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		})
	})
}

// request turns the SDK's answer into a blob.Request. Host and Content-Length
// are the client's to send (its HTTP library sets both).
func request(method, u string, signed http.Header, expires time.Time) blob.Request {
	h := http.Header{}
	for k, v := range signed {
		if k == "Host" || k == "Content-Length" {
			continue
		}
		h[k] = v
	}
	return blob.Request{Method: method, URL: u, Header: h, Expires: expires}
}

// PresignPut signs a PUT with the content type and, when given, the length.
func (s *Store) PresignPut(ctx context.Context, key string, opts blob.PresignOptions) (blob.Request, error) {
	if err := presignable(key, opts); err != nil {
		return blob.Request{}, fmt.Errorf("presign put: %w", err)
	}
	in := &s3.PutObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key)}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	if opts.Size > 0 {
		in.ContentLength = aws.Int64(opts.Size)
	}
	at := s.now()
	out, err := s.presigner(opts.Expires).PresignPutObject(ctx, in)
	if err != nil {
		return blob.Request{}, fmt.Errorf("presign put %q: %w", key, err)
	}
	return request(out.Method, out.URL, out.SignedHeader, at.Add(opts.Expires)), nil
}

// PresignGet signs a GET.
func (s *Store) PresignGet(ctx context.Context, key string, opts blob.PresignOptions) (blob.Request, error) {
	if err := presignable(key, opts); err != nil {
		return blob.Request{}, fmt.Errorf("presign get: %w", err)
	}
	at := s.now()
	out, err := s.presigner(opts.Expires).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key)})
	if err != nil {
		return blob.Request{}, fmt.Errorf("presign get %q: %w", key, err)
	}
	return request(out.Method, out.URL, out.SignedHeader, at.Add(opts.Expires)), nil
}

// PresignPart signs a PUT of one part.
func (s *Store) PresignPart(ctx context.Context, key, id string, n int, opts blob.PresignOptions) (blob.Request, error) {
	if err := presignable(key, opts); err != nil {
		return blob.Request{}, fmt.Errorf("presign part: %w", err)
	}
	if err := blob.CheckPart(n); err != nil {
		return blob.Request{}, fmt.Errorf("presign part: %w", err)
	}
	in := &s3.UploadPartInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key), UploadId: aws.String(id), PartNumber: aws.Int32(int32(n))}
	if opts.Size > 0 {
		in.ContentLength = aws.Int64(opts.Size)
	}
	at := s.now()
	out, err := s.presigner(opts.Expires).PresignUploadPart(ctx, in)
	if err != nil {
		return blob.Request{}, fmt.Errorf("presign part %d of %q: %w", n, key, err)
	}
	return request(out.Method, out.URL, out.SignedHeader, at.Add(opts.Expires)), nil
}

func presignable(key string, opts blob.PresignOptions) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	return opts.Check()
}
