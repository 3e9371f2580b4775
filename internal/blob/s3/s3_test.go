package s3_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/blobtest"
	"github.com/lyolearn/lyo/internal/blob/s3"
	"github.com/lyolearn/lyo/internal/blob/s3/s3test"
)

func newStore(t *testing.T, gw *s3test.Gateway, now func() time.Time, mod func(*s3.Options)) *s3.Store {
	t.Helper()
	opts := s3.Options{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: gw.Bucket(t), PathStyle: true,
		AccessKeyID: gw.AccessKey, SecretAccessKey: gw.SecretKey, Now: now, HTTPClient: gw.HTTPClient}
	if mod != nil {
		mod(&opts)
	}
	st, err := s3.New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestContract runs the contract as R2 and most S3-compatible servers are
// used: checksums only when required.
func TestContract(t *testing.T) {
	gw := s3test.Start(t)
	blobtest.Run(t, blobtest.Harness{New: func(t *testing.T, now func() time.Time) blob.Store {
		return newStore(t, gw, now, func(o *s3.Options) { o.Checksum = s3.WhenRequired })
	}})
}

// TestContractWithChecksums runs it as AWS is used: over TLS, with the SDK's
// checksums on every upload (trailing checksums on streamed bodies).
func TestContractWithChecksums(t *testing.T) {
	gw := s3test.StartTLS(t)
	blobtest.Run(t, blobtest.Harness{Client: gw.HTTPClient, New: func(t *testing.T, now func() time.Time) blob.Store {
		return newStore(t, gw, now, func(o *s3.Options) { o.Checksum = s3.WhenSupported })
	}})
}

// TestContractUnderAPrefix: a prefix shares a bucket between deployments; the
// store must never show it.
func TestContractUnderAPrefix(t *testing.T) {
	gw := s3test.Start(t)
	blobtest.Run(t, blobtest.Harness{New: func(t *testing.T, now func() time.Time) blob.Store {
		return newStore(t, gw, now, func(o *s3.Options) { o.Prefix = "deployment-a/" })
	}})
}

// TestFailedPutLeavesNoUpload: a Put of unknown size that fails after some
// parts aborts its multipart upload, so no part is left to pay for.
func TestFailedPutLeavesNoUpload(t *testing.T) {
	gw := s3test.Start(t)
	bucket := gw.Bucket(t)
	st, err := s3.New(t.Context(), s3.Options{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket, PathStyle: true,
		AccessKeyID: gw.AccessKey, SecretAccessKey: gw.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	body := io.MultiReader(strings.NewReader(strings.Repeat("x", 2*blob.MinPartSize+1)))
	_, err = st.Put(t.Context(), "big", body, blob.PutOptions{MaxSize: 2 * blob.MinPartSize})
	if !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("put = %v, want ErrTooLarge", err)
	}
	if n := gw.Uploads(t, bucket); n != 0 {
		t.Errorf("%d multipart uploads left behind", n)
	}
}

func TestWrongCredentialsAreDenied(t *testing.T) {
	gw := s3test.Start(t)
	st := newStore(t, gw, nil, func(o *s3.Options) { o.SecretAccessKey = "not-the-secret" })
	if err := st.Ping(t.Context()); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("ping with a wrong secret = %v, want ErrDenied", err)
	}
	_, err := st.Put(t.Context(), "k", strings.NewReader("x"), blob.PutOptions{Size: 1})
	if !errors.Is(err, blob.ErrDenied) {
		t.Errorf("put with a wrong secret = %v, want ErrDenied", err)
	}
}

// TestRetriesAreBounded: a server answering 503 is asked MaxAttempts times, no
// more, and the error is ErrUnavailable.
func TestRetriesAreBounded(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	st, err := s3.New(t.Context(), s3.Options{Endpoint: srv.URL, Bucket: "b", PathStyle: true, AccessKeyID: "a", SecretAccessKey: "s", MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Head(t.Context(), "k")
	if !errors.Is(err, blob.ErrUnavailable) || calls.Load() != 3 {
		t.Errorf("head = %v after %d calls, want ErrUnavailable after 3", err, calls.Load())
	}
	// A streamed body cannot be sent again: one call.
	calls.Store(0)
	_, err = st.Put(t.Context(), "k", io.MultiReader(strings.NewReader("body")), blob.PutOptions{Size: 4})
	if !errors.Is(err, blob.ErrUnavailable) || calls.Load() != 1 {
		t.Errorf("put = %v after %d calls, want ErrUnavailable after 1", err, calls.Load())
	}
}

// TestSilentServerTimesOut: a server that accepts and never answers is
// ErrUnavailable once the request's time is up, not a hang.
func TestSilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	st, err := s3.New(t.Context(), s3.Options{Endpoint: "http://" + ln.Addr().String(), Bucket: "b", PathStyle: true,
		AccessKeyID: "a", SecretAccessKey: "s", MaxAttempts: 1, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(t.Context()); !errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("ping = %v, want ErrUnavailable", err)
	}
	closed, err := s3.New(t.Context(), s3.Options{Endpoint: "http://127.0.0.1:1", Bucket: "b", PathStyle: true,
		AccessKeyID: "a", SecretAccessKey: "s", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := closed.Head(t.Context(), "k"); !errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("head on a closed port = %v, want ErrUnavailable", err)
	}
}
