package s3

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lyolearn/lyo/internal/blob"
)

// PresignPost builds a browser-upload form: a POST policy signed with SigV4
// (the SDK has no presigner for it). The policy fixes the bucket, the key and
// the Content-Type field, and bounds the file's length; the server refuses any
// form that breaks it, or that arrives after the expiry.
func (s *Store) PresignPost(ctx context.Context, key string, opts blob.PostOptions) (blob.Form, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Form{}, fmt.Errorf("presign post: %w", err)
	}
	if err := opts.Check(); err != nil {
		return blob.Form{}, fmt.Errorf("presign post: %w", err)
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return blob.Form{}, fmt.Errorf("presign post: credentials: %w", classify(err))
	}
	endpoint, err := s3.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, s3.EndpointParameters{
		Bucket: aws.String(s.opts.Bucket), Region: aws.String(s.opts.Region), ForcePathStyle: aws.Bool(s.opts.PathStyle),
		Endpoint: endpointParam(s.opts.Endpoint)})
	if err != nil {
		return blob.Form{}, fmt.Errorf("presign post: endpoint: %w", err)
	}

	at := s.now().UTC()
	date := at.Format("20060102")
	credential := creds.AccessKeyID + "/" + date + "/" + s.opts.Region + "/s3/aws4_request"
	fields := map[string]string{
		"key":              s.opts.Prefix + key,
		"Content-Type":     opts.ContentType,
		"x-amz-algorithm":  "AWS4-HMAC-SHA256",
		"x-amz-credential": credential,
		"x-amz-date":       at.Format("20060102T150405Z"),
	}
	conditions := []any{
		map[string]string{"bucket": s.opts.Bucket},
		[]any{"eq", "$key", fields["key"]},
		[]any{"eq", "$Content-Type", opts.ContentType},
		[]any{"content-length-range", opts.MinSize, opts.MaxSize},
		map[string]string{"x-amz-algorithm": fields["x-amz-algorithm"]},
		map[string]string{"x-amz-credential": credential},
		map[string]string{"x-amz-date": fields["x-amz-date"]},
	}
	if creds.SessionToken != "" {
		fields["x-amz-security-token"] = creds.SessionToken
		conditions = append(conditions, map[string]string{"x-amz-security-token": creds.SessionToken})
	}
	expires := at.Add(opts.Expires)
	policy, err := json.Marshal(map[string]any{"expiration": expires.Format("2006-01-02T15:04:05.000Z"), "conditions": conditions})
	if err != nil {
		return blob.Form{}, err
	}
	fields["policy"] = base64.StdEncoding.EncodeToString(policy)
	fields["x-amz-signature"] = hex.EncodeToString(hmacSHA256(signingKey(creds.SecretAccessKey, date, s.opts.Region), fields["policy"]))
	return blob.Form{URL: endpoint.URI.String(), Fields: fields, Expires: expires}, nil
}

// signingKey derives SigV4's key for a day, region and service.
func signingKey(secret, date, region string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, "s3")
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func endpointParam(e string) *string {
	if e == "" {
		return nil
	}
	return aws.String(e)
}
