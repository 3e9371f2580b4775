package s3

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lyolearn/lyo/internal/blob"
)

// maxSinglePut is the largest object S3 takes in one PUT.
const maxSinglePut = 5 << 30

// unsigned signs a streamed body as UNSIGNED-PAYLOAD, so the SDK never reads it
// ahead to hash it (which would need a seekable, buffered body).
var unsigned = s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)

// Put streams body into the bucket: one PUT when its size is known, parts of
// PartSize otherwise.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, opts blob.PutOptions) (blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Info{}, fmt.Errorf("put: %w", err)
	}
	if err := opts.Check(); err != nil {
		return blob.Info{}, fmt.Errorf("put %q: %w", key, err)
	}
	if opts.ContentType == "" {
		opts.ContentType = "application/octet-stream"
	}
	cb := blob.NewCheckedBody(body, opts)
	var etag string
	var err error
	if opts.Size > 0 && opts.Size <= maxSinglePut {
		etag, err = s.putObject(ctx, key, bodyReader{cb}, opts.Size, opts)
	} else {
		etag, err = s.putParts(ctx, key, cb, opts)
	}
	if err != nil {
		return blob.Info{}, fmt.Errorf("put %q: %w", key, err)
	}
	return blob.Info{Key: key, Size: cb.N(), ContentType: opts.ContentType, CacheControl: opts.CacheControl,
		ETag: etag, Modified: time.Now().UTC(), SHA256: hex.EncodeToString(cb.Sum())}, nil
}

func (s *Store) putObject(ctx context.Context, key string, body io.Reader, size int64, opts blob.PutOptions) (string, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key), Body: body,
		ContentLength: aws.Int64(size), ContentType: aws.String(opts.ContentType)}
	if opts.CacheControl != "" {
		in.CacheControl = aws.String(opts.CacheControl)
	}
	if opts.SHA256 != nil {
		// The server checks it too, and refuses the object on a mismatch.
		in.ChecksumSHA256 = aws.String(base64.StdEncoding.EncodeToString(opts.SHA256))
	}
	out, err := s.client.PutObject(ctx, in, unsigned, once(body))
	if err != nil {
		return "", classify(err)
	}
	return aws.ToString(out.ETag), nil
}

// putParts reads the body a part at a time: one PUT if it ends within the
// first part, else a multipart upload that is aborted on any failure, so
// nothing of a failed body is ever visible.
func (s *Store) putParts(ctx context.Context, key string, cb *blob.CheckedBody, opts blob.PutOptions) (string, error) {
	buf := make([]byte, s.opts.PartSize)
	n, err := io.ReadFull(cb, buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return s.putObject(ctx, key, bytes.NewReader(buf[:n]), int64(n), opts)
	}
	if err != nil {
		return "", err
	}
	id, err := s.CreateMultipart(ctx, key, opts)
	if err != nil {
		return "", err
	}
	var parts []blob.Part
	fail := func(err error) (string, error) {
		// Abort even when the caller has gone: the parts cost money.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		defer cancel()
		s.AbortMultipart(actx, key, id)
		return "", err
	}
	for number := 1; ; number++ {
		p, err := s.uploadPart(ctx, key, id, number, bytes.NewReader(buf[:n]), int64(n))
		if err != nil {
			return fail(err)
		}
		parts = append(parts, p)
		n, err = io.ReadFull(cb, buf)
		if n == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return fail(err)
		}
		if number == blob.MaxParts {
			return fail(fmt.Errorf("%w: more than %d parts of %d bytes", blob.ErrTooLarge, blob.MaxParts, s.opts.PartSize))
		}
	}
	info, err := s.CompleteMultipart(ctx, key, id, parts)
	if err != nil {
		return fail(err)
	}
	return info.ETag, nil
}

// once sends a request whose body cannot be rewound without retries: the SDK
// could not resend it, and would hide the body's own error behind that.
func once(body io.Reader) func(*s3.Options) {
	return func(o *s3.Options) {
		if _, ok := body.(*bytes.Reader); !ok {
			o.RetryMaxAttempts = 1
		}
	}
}

// bodyReader marks the body's own errors for classify.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		return n, bodyError{err}
	}
	return n, err
}

// Get opens the object or a range of it.
func (s *Store) Get(ctx context.Context, key string, opts blob.GetOptions) (*blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	in := &s3.GetObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key)}
	if opts.IfMatch != "" {
		in.IfMatch = aws.String(opts.IfMatch)
	}
	if r := opts.Range; r != nil {
		if r.Offset < 0 || r.Length == 0 || r.Length < -1 {
			return nil, fmt.Errorf("get %q: %w", key, blob.ErrInvalidRange)
		}
		spec := fmt.Sprintf("bytes=%d-", r.Offset)
		if r.Length > 0 {
			spec += strconv.FormatInt(r.Offset+r.Length-1, 10)
		}
		in.Range = aws.String(spec)
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, classify(err))
	}
	obj := &blob.Object{Body: out.Body, Info: blob.Info{Key: key, ContentType: aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl), ETag: aws.ToString(out.ETag), Modified: aws.ToTime(out.LastModified).UTC()}}
	obj.Length = aws.ToInt64(out.ContentLength)
	obj.Size = obj.Length
	if cr := aws.ToString(out.ContentRange); opts.Range != nil && cr != "" {
		var first, last, total int64
		if _, err := fmt.Sscanf(cr, "bytes %d-%d/%d", &first, &last, &total); err != nil {
			out.Body.Close()
			return nil, fmt.Errorf("get %q: %w: Content-Range %q", key, blob.ErrUnavailable, cr)
		}
		obj.Offset, obj.Size = first, total
	}
	return obj, nil
}

// Head describes the object.
func (s *Store) Head(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Info{}, fmt.Errorf("head: %w", err)
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key)})
	if err != nil {
		return blob.Info{}, fmt.Errorf("head %q: %w", key, classify(err))
	}
	return blob.Info{Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl), ETag: aws.ToString(out.ETag), Modified: aws.ToTime(out.LastModified).UTC()}, nil
}

// Copy copies on the server, metadata included (objects up to 5 GiB).
func (s *Store) Copy(ctx context.Context, src, dst string) (blob.Info, error) {
	if err := blob.CheckKey(src); err != nil {
		return blob.Info{}, fmt.Errorf("copy: %w", err)
	}
	if err := blob.CheckKey(dst); err != nil {
		return blob.Info{}, fmt.Errorf("copy: %w", err)
	}
	source := s.opts.Bucket + "/" + escapePath(s.opts.Prefix+src)
	if _, err := s.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(dst),
		CopySource: aws.String(source), MetadataDirective: types.MetadataDirectiveCopy}); err != nil {
		return blob.Info{}, fmt.Errorf("copy %q to %q: %w", src, dst, classify(err))
	}
	return s.Head(ctx, dst)
}

func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.Join(segs, "/")
}

// Delete removes the object; S3 answers success for a missing key too.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key)})
	if err = classify(err); err != nil && !errors.Is(err, blob.ErrNotFound) {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	return nil
}

// List pages with StartAfter, so the cursor is a key any provider understands.
func (s *Store) List(ctx context.Context, opts blob.ListOptions) (blob.Page, error) {
	limit, err := opts.Check()
	if err != nil {
		return blob.Page{}, fmt.Errorf("list: %w", err)
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.opts.Bucket), Prefix: aws.String(s.opts.Prefix + opts.Prefix),
		MaxKeys: aws.Int32(int32(limit))}
	if opts.After != "" {
		in.StartAfter = aws.String(s.opts.Prefix + opts.After)
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	out, err := s.client.ListObjectsV2(ctx, in)
	if err != nil {
		return blob.Page{}, fmt.Errorf("list %q: %w", opts.Prefix, classify(err))
	}
	page := blob.Page{Items: make([]blob.Info, 0, len(out.Contents))}
	for _, o := range out.Contents {
		page.Items = append(page.Items, blob.Info{Key: strings.TrimPrefix(aws.ToString(o.Key), s.opts.Prefix),
			Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), Modified: aws.ToTime(o.LastModified).UTC()})
	}
	if aws.ToBool(out.IsTruncated) && len(page.Items) > 0 {
		page.Next = page.Items[len(page.Items)-1].Key
	}
	return page, nil
}
