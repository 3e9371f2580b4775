package postgres_test

import (
	"context"
	"testing"

	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

// BenchmarkIngest runs when LYO_TEST_POSTGRES_URL is set.
func BenchmarkIngest(b *testing.B) {
	storetest.BenchmarkIngest(b, func(b *testing.B) store.Store {
		s, err := store.Open(context.Background(), store.Options{URL: pgtest.URL(b)})
		if err != nil {
			b.Fatalf("Open: %v", err)
		}
		return s
	})
}
