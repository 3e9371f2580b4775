package model

import (
	"context"
	"testing"
)

// BenchmarkEASE1682 trains EASE on a MovieLens-100K-sized catalogue.
func BenchmarkEASE1682(b *testing.B) {
	m := randomMatrix(5, 943, 1682, 0.063)
	b.ResetTimer()
	for range b.N {
		if _, err := TrainEASE(context.Background(), m, EASEOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
