package query

import (
	"fmt"

	"github.com/lyolearn/lyo/internal/events"
)

// FirstOfEach returns the indexes of the first event of each client ID: a client
// ID repeated within one batch is one event. Every event must be userID's (or
// carry no user yet).
func FirstOfEach(userID string, evs []events.Event) ([]int, error) {
	seen := make(map[string]bool, len(evs))
	first := make([]int, 0, len(evs))
	for i, e := range evs {
		if e.UserID != "" && e.UserID != userID {
			return nil, fmt.Errorf("event %q belongs to %s", e.ClientID, e.UserID)
		}
		if !seen[e.ClientID] {
			seen[e.ClientID] = true
			first = append(first, i)
		}
	}
	return first, nil
}
