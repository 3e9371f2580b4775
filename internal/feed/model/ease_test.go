package model

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestEASESolvesItsNormalEquations checks the closed form without inverting
// anything: with G = XᵀX + λI, EASE's B satisfies G·(I − B) = diagonal, and
// B has a zero diagonal.
func TestEASESolvesItsNormalEquations(t *testing.T) {
	m := randomMatrix(3, 50, 25, 0.25)
	const lambda = 5
	e, err := TrainEASE(context.Background(), m, EASEOptions{Lambda: lambda, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	n := m.NCols
	g := make([][]float64, n)
	for i := range g {
		g[i] = make([]float64, n)
		g[i][i] = lambda
	}
	for u := 0; u < m.Rows; u++ {
		cols, _ := m.Row(u)
		for _, a := range cols {
			for _, b := range cols {
				g[a][b]++
			}
		}
	}
	for i := 0; i < n; i++ {
		if e.B[i*n+i] != 0 {
			t.Fatalf("B[%d][%d] = %v", i, i, e.B[i*n+i])
		}
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			var v float64 // (G·(I − B))[i][j]
			for k := 0; k < n; k++ {
				id := 0.0
				if k == j {
					id = 1
				}
				v += g[i][k] * (id - float64(e.B[k*n+j]))
			}
			if math.Abs(v) > 1e-3 {
				t.Fatalf("(G(I−B))[%d][%d] = %v, want 0", i, j, v)
			}
		}
	}
	// Scores agree with B, and the lists keep the largest positive weights.
	out := make([]float32, n)
	e.Scores([]Weighted{{Item: 2, Weight: 1}, {Item: 5, Weight: 0.5}}, out)
	if want := e.B[2*n+7] + 0.5*e.B[5*n+7]; math.Abs(float64(out[7]-want)) > 1e-6 {
		t.Errorf("score of item 7 = %v, want %v", out[7], want)
	}
	ids, ws := e.Lists(3).Of(4)
	for k, j := range ids {
		if ws[k] != e.B[4*n+int(j)] || ws[k] <= 0 {
			t.Errorf("list weight %v for B = %v", ws[k], e.B[4*n+int(j)])
		}
	}
}

func TestEASERefusesACatalogueBeyondItsBound(t *testing.T) {
	m := randomMatrix(3, 10, 30, 0.3)
	_, err := TrainEASE(context.Background(), m, EASEOptions{MaxItems: 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
}
