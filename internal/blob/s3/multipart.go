package s3

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lyolearn/lyo/internal/blob"
)

// CreateMultipart starts an upload.
func (s *Store) CreateMultipart(ctx context.Context, key string, opts blob.PutOptions) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", fmt.Errorf("create multipart: %w", err)
	}
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key), ContentType: aws.String("application/octet-stream")}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	if opts.CacheControl != "" {
		in.CacheControl = aws.String(opts.CacheControl)
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	out, err := s.client.CreateMultipartUpload(ctx, in)
	if err != nil {
		return "", fmt.Errorf("create multipart %q: %w", key, classify(err))
	}
	return aws.ToString(out.UploadId), nil
}

// UploadPart streams one part of exactly size bytes.
func (s *Store) UploadPart(ctx context.Context, key, id string, n int, body io.Reader, size int64) (blob.Part, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Part{}, fmt.Errorf("upload part: %w", err)
	}
	if err := blob.CheckPart(n); err != nil {
		return blob.Part{}, fmt.Errorf("upload part: %w", err)
	}
	if err := blob.CheckPartSize(size); err != nil {
		return blob.Part{}, fmt.Errorf("upload part: %w", err)
	}
	cb := blob.NewCheckedBody(body, blob.PutOptions{Size: size})
	p, err := s.uploadPart(ctx, key, id, n, bodyReader{cb}, size)
	if err != nil {
		return blob.Part{}, fmt.Errorf("upload part %d of %q: %w", n, key, err)
	}
	p.Size = cb.N()
	return p, nil
}

// uploadPart sends one part; a body that is not a bytes.Reader is sent once,
// since it cannot be rewound for a retry.
func (s *Store) uploadPart(ctx context.Context, key, id string, n int, body io.Reader, size int64) (blob.Part, error) {
	in := &s3.UploadPartInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key), UploadId: aws.String(id),
		PartNumber: aws.Int32(int32(n)), Body: body, ContentLength: aws.Int64(size)}
	out, err := s.client.UploadPart(ctx, in, unsigned, once(body))
	if err != nil {
		return blob.Part{}, classify(err)
	}
	return blob.Part{Number: n, ETag: aws.ToString(out.ETag), Size: size}, nil
}

// ListParts lists every stored part, following the server's pages.
func (s *Store) ListParts(ctx context.Context, key, id string) ([]blob.Part, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, fmt.Errorf("list parts: %w", err)
	}
	var parts []blob.Part
	pages := s3.NewListPartsPaginator(s.client, &s3.ListPartsInput{Bucket: aws.String(s.opts.Bucket), Key: s.key(key), UploadId: aws.String(id)})
	for pages.HasMorePages() {
		pctx, cancel := s.bounded(ctx)
		out, err := pages.NextPage(pctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("list parts of %q: %w", key, classify(err))
		}
		for _, p := range out.Parts {
			parts = append(parts, blob.Part{Number: int(aws.ToInt32(p.PartNumber)), ETag: aws.ToString(p.ETag), Size: aws.ToInt64(p.Size)})
		}
	}
	return parts, nil
}

// CompleteMultipart joins the parts on the server.
func (s *Store) CompleteMultipart(ctx context.Context, key, id string, parts []blob.Part) (blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Info{}, fmt.Errorf("complete multipart: %w", err)
	}
	if len(parts) == 0 {
		return blob.Info{}, fmt.Errorf("complete multipart %q: %w: no parts", key, blob.ErrInvalidPart)
	}
	done := make([]types.CompletedPart, len(parts))
	for i, p := range parts {
		done[i] = types.CompletedPart{PartNumber: aws.Int32(int32(p.Number)), ETag: aws.String(p.ETag)}
	}
	// Joining gigabytes takes the server a while: no per-request limit here.
	if _, err := s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(s.opts.Bucket),
		Key: s.key(key), UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		err = classify(err)
		if errors.Is(err, blob.ErrInvalidPart) {
			// Some servers check the parts before the upload: an upload
			// that is gone is ErrNotFound, as S3 answers.
			if _, lerr := s.ListParts(ctx, key, id); errors.Is(lerr, blob.ErrNotFound) {
				err = lerr
			}
		}
		return blob.Info{}, fmt.Errorf("complete multipart %q: %w", key, err)
	}
	return s.Head(ctx, key)
}

// AbortMultipart discards the upload.
func (s *Store) AbortMultipart(ctx context.Context, key, id string) error {
	if err := blob.CheckKey(key); err != nil {
		return fmt.Errorf("abort multipart: %w", err)
	}
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if _, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(s.opts.Bucket),
		Key: s.key(key), UploadId: aws.String(id)}); err != nil {
		return fmt.Errorf("abort multipart %q: %w", key, classify(err))
	}
	return nil
}
