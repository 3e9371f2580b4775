package sqlite_test

import (
	"context"
	"testing"

	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

func BenchmarkIngest(b *testing.B) {
	storetest.BenchmarkIngest(b, func(b *testing.B) store.Store {
		s, err := store.Open(context.Background(), store.Options{DataDir: b.TempDir()})
		if err != nil {
			b.Fatalf("Open: %v", err)
		}
		return s
	})
}
