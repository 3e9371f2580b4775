package local

import (
	"context"
	"fmt"
	"net/http"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/signed"
)

// Presigned requests on local disk are Lyo's own signed URLs; a route serves
// them with signed.Handler, which checks what the signature fixed (method,
// key, expiry, content type, length) before it touches the store.

func (s *Store) sign(c signed.Claims) (string, error) {
	if s.opts.Keys == nil {
		return "", fmt.Errorf("%w: local storage has no URL keys to sign with", blob.ErrInvalid)
	}
	return s.opts.Keys.URL(s.opts.URLBase, s.opts.Scope, c), nil
}

// PresignPut signs a PUT of key.
func (s *Store) PresignPut(ctx context.Context, key string, opts blob.PresignOptions) (blob.Request, error) {
	if err := presignable(key, opts); err != nil {
		return blob.Request{}, fmt.Errorf("presign put: %w", err)
	}
	exp := s.now().Add(opts.Expires)
	u, err := s.sign(signed.Claims{Op: signed.OpPut, Key: key, Expires: exp, ContentType: opts.ContentType, Size: opts.Size})
	if err != nil {
		return blob.Request{}, fmt.Errorf("presign put: %w", err)
	}
	h := http.Header{}
	if opts.ContentType != "" {
		h.Set("Content-Type", opts.ContentType)
	}
	return blob.Request{Method: http.MethodPut, URL: u, Header: h, Expires: exp}, nil
}

// PresignGet signs a GET of key.
func (s *Store) PresignGet(ctx context.Context, key string, opts blob.PresignOptions) (blob.Request, error) {
	if err := presignable(key, opts); err != nil {
		return blob.Request{}, fmt.Errorf("presign get: %w", err)
	}
	exp := s.now().Add(opts.Expires)
	u, err := s.sign(signed.Claims{Op: signed.OpGet, Key: key, Expires: exp})
	if err != nil {
		return blob.Request{}, fmt.Errorf("presign get: %w", err)
	}
	return blob.Request{Method: http.MethodGet, URL: u, Header: http.Header{}, Expires: exp}, nil
}

// PresignPost signs a form upload of key.
func (s *Store) PresignPost(ctx context.Context, key string, opts blob.PostOptions) (blob.Form, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Form{}, fmt.Errorf("presign post: %w", err)
	}
	if err := opts.Check(); err != nil {
		return blob.Form{}, fmt.Errorf("presign post: %w", err)
	}
	exp := s.now().Add(opts.Expires)
	u, err := s.sign(signed.Claims{Op: signed.OpPost, Key: key, Expires: exp, ContentType: opts.ContentType,
		MinSize: opts.MinSize, MaxSize: opts.MaxSize})
	if err != nil {
		return blob.Form{}, fmt.Errorf("presign post: %w", err)
	}
	return blob.Form{URL: u, Fields: map[string]string{"key": key, "Content-Type": opts.ContentType}, Expires: exp}, nil
}

// PresignPart signs a PUT of one part of an upload.
func (s *Store) PresignPart(ctx context.Context, key, id string, n int, opts blob.PresignOptions) (blob.Request, error) {
	if err := presignable(key, opts); err != nil {
		return blob.Request{}, fmt.Errorf("presign part: %w", err)
	}
	if err := blob.CheckPart(n); err != nil {
		return blob.Request{}, fmt.Errorf("presign part: %w", err)
	}
	if _, _, err := s.upload(key, id); err != nil {
		return blob.Request{}, fmt.Errorf("presign part %d of %q: %w", n, key, err)
	}
	exp := s.now().Add(opts.Expires)
	u, err := s.sign(signed.Claims{Op: signed.OpPart, Key: key, Expires: exp, UploadID: id, Part: n, Size: opts.Size})
	if err != nil {
		return blob.Request{}, fmt.Errorf("presign part: %w", err)
	}
	return blob.Request{Method: http.MethodPut, URL: u, Header: http.Header{}, Expires: exp}, nil
}

func presignable(key string, opts blob.PresignOptions) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	return opts.Check()
}
