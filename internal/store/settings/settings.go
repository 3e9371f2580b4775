// Package settings declares the small key/value contract that holds values every node
// of a deployment must agree on, such as keys generated on first start. It is a leaf
// so that the engines and package store can share it without importing each other.
package settings

import (
	"context"
	"errors"
)

// ErrNotFound is returned when no value is stored under a key.
var ErrNotFound = errors.New("setting not found")

// Store keeps settings. Both database engines implement it.
type Store interface {
	// GetSetting returns the value stored under key; ErrNotFound when there is none.
	GetSetting(ctx context.Context, key string) ([]byte, error)
	// PutSettingIfAbsent stores value under key unless a value is already there, and
	// returns the value that is stored afterwards. Nodes racing to initialise the
	// same key therefore all end up using the winner's value.
	PutSettingIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error)
}
