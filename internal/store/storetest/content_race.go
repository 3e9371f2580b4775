package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

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
	got, err := cs.Topics(context.Background())
	if err != nil || len(got) < 12 {
		t.Errorf("topics after concurrent creates: %d, %v", len(got), err)
	}
}
