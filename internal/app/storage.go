package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/local"
	"github.com/lyolearn/lyo/internal/blob/s3"
	"github.com/lyolearn/lyo/internal/blob/signed"
	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/store"
)

// StorageObjectsPath is where Lyo serves the signed requests of its local
// providers: a presigned URL of provider NAME is
// LYO_PUBLIC_BASE_URL + StorageObjectsPath + "/NAME/" + the escaped key + "?…",
// and the route GET|HEAD|PUT|POST StorageObjectsPath/{provider}/{key...} hands
// it to storage.signedHandler(provider).Serve.
const StorageObjectsPath = "/api/v1/storage/objects"

// settingStorageURLKey names the generated key that signs storage URLs when
// LYO_STORAGE_URL_KEYS is empty, shared by every node through the database.
const settingStorageURLKey = "storage.url_key.v1"

// storage is the node's object storage: every configured provider in order, the
// first primary (the next issue fails over down the list), and the keys of
// Lyo's own signed storage URLs.
type storage struct {
	providers []blob.Provider
	keys      *signed.Keys
	locals    map[string]*local.Store
}

// openStorage opens every provider LYO_STORAGE_PROVIDERS names. It contacts no
// server: readiness says whether each answers.
func openStorage(ctx context.Context, cfg *config.Config, db store.Store, log *slog.Logger) (*storage, error) {
	keys, err := storageURLKeys(ctx, cfg, db)
	if err != nil {
		return nil, err
	}
	st := &storage{keys: keys, locals: map[string]*local.Store{}}
	for _, p := range cfg.Storage {
		prov := blob.Provider{Name: p.Name, Type: p.Type, PublicBaseURL: p.PublicBaseURL}
		switch p.Type {
		case config.StorageLocal:
			ls, err := local.New(local.Options{Dir: p.Dir, Keys: keys, Scope: p.Name,
				URLBase: cfg.PublicBaseURL + StorageObjectsPath + "/" + p.Name})
			if err != nil {
				st.close()
				return nil, fmt.Errorf("%s: %w", config.StorageVar(p.Name, "DIR"), err)
			}
			st.locals[p.Name] = ls
			prov.Store = ls
		case config.StorageS3:
			ss, err := s3.New(ctx, s3.Options{Endpoint: p.Endpoint, Region: p.Region, Bucket: p.Bucket, Prefix: p.Prefix,
				PathStyle: p.PathStyle, AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey,
				Checksum: p.Checksum, MaxAttempts: p.MaxAttempts, Timeout: p.Timeout})
			if err != nil {
				st.close()
				return nil, fmt.Errorf("%s: %w", config.StorageVar(p.Name, "TYPE"), err)
			}
			prov.Store = ss
		default:
			st.close()
			return nil, fmt.Errorf("%s: unknown type %q", config.StorageVar(p.Name, "TYPE"), p.Type)
		}
		st.providers = append(st.providers, prov)
		log.Info("storage provider", "name", p.Name, "type", p.Type, "primary", len(st.providers) == 1)
	}
	return st, nil
}

// storageURLKeys are the configured keys, or the deployment's generated one.
func storageURLKeys(ctx context.Context, cfg *config.Config, db store.Store) (*signed.Keys, error) {
	var secrets [][]byte
	for _, k := range cfg.StorageURLKeys {
		b, err := config.DecodeURLKey(k)
		if err != nil {
			return nil, fmt.Errorf("LYO_STORAGE_URL_KEYS: %w", err)
		}
		secrets = append(secrets, b)
	}
	if len(secrets) == 0 {
		b, err := sharedSecret(ctx, db, settingStorageURLKey, 32)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, b)
	}
	return signed.NewKeys(secrets...)
}

// primary is the provider new objects go to.
func (st *storage) primary() blob.Provider { return st.providers[0] }

// provider is the provider called name.
func (st *storage) provider(name string) (blob.Provider, bool) {
	for _, p := range st.providers {
		if p.Name == name {
			return p, true
		}
	}
	return blob.Provider{}, false
}

// signedHandler serves the signed requests of the local provider called name
// (S3 providers' presigned requests go to the bucket, never to Lyo).
func (st *storage) signedHandler(name string) (*signed.Handler, bool) {
	ls, ok := st.locals[name]
	if !ok {
		return nil, false
	}
	return &signed.Handler{Store: ls, Keys: st.keys, Scope: name}, true
}

// checks are the readiness checks, one per provider, all optional: a store
// that does not answer degrades media, not the rest of the API.
func (st *storage) checks() []obs.Check {
	var out []obs.Check
	for _, p := range st.providers {
		out = append(out, obs.Check{Name: "storage_" + p.Name, Optional: true, Run: func(ctx context.Context) error {
			err := p.Store.Ping(ctx)
			switch {
			case err == nil:
				return nil
			case errors.Is(err, blob.ErrDenied):
				return fmt.Errorf("%w (%w)", obs.Reason("storage provider "+p.Name+" refuses Lyo's credentials"), err)
			case errors.Is(err, blob.ErrNotFound):
				return fmt.Errorf("%w (%w)", obs.Reason("storage provider "+p.Name+" has no such bucket"), err)
			}
			return fmt.Errorf("%w (%w)", obs.Reason("storage provider "+p.Name+" does not answer"), err)
		}})
	}
	return out
}

func (st *storage) close() {
	if st == nil {
		return
	}
	for _, ls := range st.locals {
		ls.Close()
	}
}
