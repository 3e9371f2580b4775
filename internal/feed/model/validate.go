package model

import (
	"fmt"
	"math"
)

// Validate checks that every index a snapshot holds is in range and every
// size agrees, so serving can index without checks of its own. Decode and
// Train return valid snapshots (and Validate answers at once for them); a
// snapshot assembled by hand is checked in full, once.
func (s *Snapshot) Validate() error {
	if s.validated == s {
		return nil
	}
	if err := s.validate(); err != nil {
		return err
	}
	s.validated = s
	return nil
}

func (s *Snapshot) validate() error {
	items, users := s.Items.Len(), s.Users.Len()
	if len(s.Popularity) != 0 && len(s.Popularity) != items {
		return fmt.Errorf("popularity of %d items for %d", len(s.Popularity), items)
	}
	for _, l := range []struct {
		name       string
		lists      *Lists
		rows, cols int
	}{
		{"co-engagement", s.CoEngagement, items, items},
		{"ease", s.EASE, items, items},
		{"similar", s.Similar, items, items},
		{"user top", s.UserTop, users, items},
	} {
		if l.lists == nil {
			continue
		}
		if err := l.lists.check(l.rows, l.cols); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	if f := s.Factors; f != nil {
		if f.K <= 0 || f.K > 4096 || len(f.Users) != users*f.K || len(f.Items) != items*f.K || len(f.Gram) != f.K*f.K {
			return fmt.Errorf("factors: K %d with %d user, %d item and %d gram values for %d users, %d items",
				f.K, len(f.Users), len(f.Items), len(f.Gram), users, items)
		}
		if !finite(f.Users) || !finite(f.Items) || !finite(f.Gram) || !finite([]float32{f.Lambda, f.Alpha}) {
			return fmt.Errorf("factors: not finite")
		}
	}
	if c := s.Clusters; c != nil {
		if s.Factors == nil || c.K != s.Factors.K || len(c.Ptr) < 2 || len(c.Centroids) != (len(c.Ptr)-1)*c.K {
			return fmt.Errorf("clusters: bad shape")
		}
		if err := (&Lists{Ptr: c.Ptr, IDs: c.Members, Scores: make([]float32, len(c.Members))}).check(len(c.Ptr)-1, items); err != nil {
			return fmt.Errorf("clusters: %w", err)
		}
		if c.Vectors != nil && len(c.Vectors) != len(c.Members)*c.K {
			return fmt.Errorf("clusters: %d vector values for %d members", len(c.Vectors), len(c.Members))
		}
		if !finite(c.Centroids) || !finite(c.Vectors) {
			return fmt.Errorf("clusters: not finite")
		}
	}
	return nil
}

// check verifies a Lists of rows rows over cols columns.
func (l *Lists) check(rows, cols int) error {
	if len(l.Ptr) != rows+1 || l.Ptr[0] != 0 {
		return fmt.Errorf("%d pointers for %d rows", len(l.Ptr), rows)
	}
	if int(l.Ptr[rows]) != len(l.IDs) || len(l.Scores) != len(l.IDs) {
		return fmt.Errorf("%d ids, %d scores for %d", len(l.IDs), len(l.Scores), l.Ptr[rows])
	}
	for r := 0; r < rows; r++ {
		if l.Ptr[r+1] < l.Ptr[r] {
			return fmt.Errorf("row %d has a negative length", r)
		}
	}
	for _, id := range l.IDs {
		if id < 0 || int(id) >= cols {
			return fmt.Errorf("index %d out of %d", id, cols)
		}
	}
	if !finite(l.Scores) {
		return fmt.Errorf("scores not finite")
	}
	return nil
}

func finite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}
