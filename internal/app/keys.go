package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"

	"github.com/lyolearn/lyo/internal/auth/token"
	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/store"
)

// Keys that every node of a deployment must share. Generated keys live in the
// database's settings table: the first node to start writes them, the others read
// the same bytes back (PutSettingIfAbsent), so tokens and cursors made on one node
// verify on every other.
const (
	settingSigningSeed = "auth.signing_seed.v1"
	settingCursorKey   = "cursor.hmac_key.v1"
)

// signingKeys returns the key that signs access tokens and every key that verifies
// them. Configured keys win (the first signs); without any, outside production, a
// generated key is shared through the database.
func signingKeys(ctx context.Context, cfg *config.Config, db store.Store) (token.Key, []token.Key, error) {
	var keys []token.Key
	for _, s := range cfg.AuthSigningKeys {
		priv, err := config.DecodeSigningKey(s)
		if err != nil {
			return token.Key{}, nil, fmt.Errorf("LYO_AUTH_SIGNING_KEYS: %w", err)
		}
		keys = append(keys, token.NewKey(priv))
	}
	if len(keys) == 0 {
		if cfg.IsProduction() {
			return token.Key{}, nil, fmt.Errorf("LYO_AUTH_SIGNING_KEYS: required in production")
		}
		seed, err := sharedSecret(ctx, db, settingSigningSeed, ed25519.SeedSize)
		if err != nil {
			return token.Key{}, nil, err
		}
		keys = append(keys, token.NewKey(ed25519.NewKeyFromSeed(seed)))
	}
	return keys[0], keys, nil
}

// sharedSecret returns the deployment's random secret stored under name,
// creating it on first use.
func sharedSecret(ctx context.Context, db store.Store, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	b, err := db.PutSettingIfAbsent(ctx, name, fresh)
	if err != nil {
		return nil, fmt.Errorf("load shared secret %s: %w", name, err)
	}
	if len(b) != size {
		return nil, fmt.Errorf("shared secret %s has %d bytes, want %d", name, len(b), size)
	}
	return b, nil
}
