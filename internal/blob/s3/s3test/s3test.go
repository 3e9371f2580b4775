// Package s3test runs a real S3-compatible server for tests: versitygw with its
// posix backend, on a free loopback port, over a temporary directory, stopped
// when the test ends. It checks signatures and expiry as S3 does, so tests of
// presigned requests are honest.
//
// Without a versitygw binary (on PATH, in $GOPATH/bin, or named by
// LYO_TEST_VERSITYGW) tests skip, saying how to install it; when CI is set they
// fail instead, so CI never passes without the S3 suite.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Version is the versitygw release the suite is written against (.ci/run installs it).
const Version = "v1.8.0"

// EnvBinary names a versitygw binary to use.
const EnvBinary = "LYO_TEST_VERSITYGW"

// Gateway is a running server and the root credentials it accepts.
type Gateway struct {
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string
	// HTTPClient trusts the gateway's certificate (StartTLS); nil otherwise.
	HTTPClient *http.Client
	client     *s3.Client
	tlsArgs    []string
}

// Start runs a gateway over plain HTTP for the rest of the test.
func Start(t testing.TB) *Gateway { return start(t, false) }

// StartTLS runs a gateway over HTTPS with a certificate made for the test;
// Gateway.HTTPClient trusts it. Over TLS the SDK sends trailing checksums
// (when_supported), as it does with AWS.
func StartTLS(t testing.TB) *Gateway { return start(t, true) }

func start(t testing.TB, useTLS bool) *Gateway {
	t.Helper()
	bin := binary()
	if bin == "" {
		const how = "install it with `go install github.com/versity/versitygw/cmd/versitygw@" + Version + "` or name it in " + EnvBinary
		if os.Getenv("CI") != "" {
			t.Fatalf("s3test: CI is set but versitygw is missing: the S3 suite cannot be skipped in CI; %s", how)
		}
		t.Skipf("s3test: S3 suite skipped: versitygw not found; %s", how)
	}
	g := &Gateway{Region: "us-east-1", AccessKey: "lyo-test-access", SecretKey: "lyo-test-secret-0123456789"}
	if useTLS {
		g.certificate(t)
	}
	var lastErr error
	for range 5 {
		if lastErr = g.run(t, bin); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("s3test: versitygw does not start: %v", lastErr)
	}
	opts := s3.Options{Region: g.Region, BaseEndpoint: aws.String(g.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(g.AccessKey, g.SecretKey, "")}
	if g.HTTPClient != nil {
		opts.HTTPClient = g.HTTPClient
	}
	g.client = s3.New(opts)
	return g
}

func binary() string {
	if p := os.Getenv(EnvBinary); p != "" {
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	for _, dir := range []string{os.Getenv("GOBIN"), filepath.Join(build.Default.GOPATH, "bin")} {
		if p := filepath.Join(dir, "versitygw"); dir != "" && isFile(p) {
			return p
		}
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// run starts the gateway on a port that was free a moment ago; another process
// may take it first, so Start tries again on an error.
func (g *Gateway) run(t testing.TB, bin string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	args := append([]string{"--access", g.AccessKey, "--secret", g.SecretKey, "--region", g.Region,
		"--port", addr, "--quiet"}, g.tlsArgs...)
	cmd := exec.Command(bin, append(args, "posix", t.TempDir())...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("exited (%v): %s", err, out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return errors.New("no answer on " + addr + " within 20s: " + out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	g.Endpoint = "http://" + addr
	if g.HTTPClient != nil {
		g.Endpoint = "https://" + addr
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	return nil
}

var buckets atomic.Int64

// Bucket creates an empty bucket of its own for the test.
func (g *Gateway) Bucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("lyo-test-%d-%d", os.Getpid(), buckets.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := g.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("s3test: create bucket %s: %v", name, err)
	}
	return name
}

// Uploads counts the multipart uploads in progress in bucket.
func (g *Gateway) Uploads(t testing.TB, bucket string) int {
	t.Helper()
	out, err := g.client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("s3test: list uploads: %v", err)
	}
	return len(out.Uploads)
}
