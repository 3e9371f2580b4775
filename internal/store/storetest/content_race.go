package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store"
)

// testConcurrentNewTopics has creators add items at once whose new topics come in
// opposite orders: no write may fail (PostgreSQL once deadlocked here).
func testConcurrentNewTopics(t *testing.T, s store.Store) {
	cs := catalog(t, s)
	creator := mustCreate(t, s, newUser(1)).ID
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for round := range 4 {
		topics := []string{fmt.Sprintf("new-a-%d", round), fmt.Sprintf("new-b-%d", round), fmt.Sprintf("new-c-%d", round)}
		for i := range 4 {
			it := catalogItem(round*10+i, creator)
			it.Topics = slices.Clone(topics)
			if i%2 == 1 {
				slices.Reverse(it.Topics)
			}
			wg.Go(func() {
				if err := cs.CreateItem(context.Background(), it); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent CreateItem: %v", err)
	}
	if got := allTopics(t, cs); len(got) < 12 {
		t.Errorf("topics after concurrent creates: %d", len(got))
	}
}

// testConcurrentConditionalUpdates has writers race to update an item and a
// series from the same version, as PATCHes with the same If-Match do: exactly
// one wins, every other is content.ErrPreconditionFailed, and the stored row is
// the winner's.
func testConcurrentConditionalUpdates(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1)).ID
	it := mustCreateItem(t, cs, catalogItem(1, u))
	sr := newSeries(1, u, content.Draft)
	if err := cs.CreateSeries(ctx, sr); err != nil {
		t.Fatalf("CreateSeries: %v", err)
	}
	const writers = 8
	race := func(kind string, write func(i int) error) (winner int) {
		t.Helper()
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() { errs[i] = write(i) })
		}
		wg.Wait()
		winner = -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("%s: writers %d and %d both won from the same version", kind, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, content.ErrPreconditionFailed):
				t.Errorf("%s: writer %d: %v, want content.ErrPreconditionFailed", kind, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("%s: no writer won", kind)
		}
		return winner
	}

	w := race("item", func(i int) error {
		x := it
		x.Title = fmt.Sprintf("writer %d", i)
		return cs.UpdateItem(ctx, x)
	})
	if got := mustGetItem(t, cs, it.ID); got.Title != fmt.Sprintf("writer %d", w) || got.Version != it.Version+1 {
		t.Errorf("item after the race: %q at version %d, want writer %d's at %d", got.Title, got.Version, w, it.Version+1)
	}
	w = race("series", func(i int) error {
		x := sr
		x.Title = fmt.Sprintf("writer %d", i)
		return cs.UpdateSeries(ctx, x)
	})
	if got := mustSeries(t, cs, sr.ID); got.Title != fmt.Sprintf("writer %d", w) || got.Version != sr.Version+1 {
		t.Errorf("series after the race: %q at version %d, want writer %d's at %d", got.Title, got.Version, w, sr.Version+1)
	}
}
