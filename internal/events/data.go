package events

import (
	"context"
	"time"
)

// EventView is one raw event in a learner's export.
type EventView struct {
	ID         string    `json:"id"`
	Type       Type      `json:"type"`
	ItemID     string    `json:"item_id"`
	At         time.Time `json:"at"`
	ReceivedAt time.Time `json:"received_at"`
	SessionID  string    `json:"session_id,omitempty"`
	WatchMS    int64     `json:"watch_ms,omitempty"`
	Position   int       `json:"position,omitempty"`
	Answer     string    `json:"answer,omitempty"`
	Correct    *bool     `json:"correct,omitempty"`
}

// HiddenView is one hidden item as JSON.
type HiddenView struct {
	ItemID   string    `json:"item_id"`
	HiddenAt time.Time `json:"hidden_at"`
}

// log reads a learner's whole event log in ingestion order.
func (s *Service) log(ctx context.Context, userID string) ([]Event, error) {
	var all []Event
	var after int64
	for {
		page, last, err := s.store.Events(ctx, userID, after, 1000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return all, nil
		}
		all = append(all, page...)
		after = last
	}
}

// Export is what ingestion holds about a learner: the raw log, their state per
// item, the items they hid, and their interest profile as it stands now.
func (s *Service) Export(ctx context.Context, userID string) (any, error) {
	evs, err := s.log(ctx, userID)
	if err != nil {
		return nil, err
	}
	log := make([]EventView, 0, len(evs))
	for _, e := range evs {
		log = append(log, EventView{ID: e.ClientID, Type: e.Type, ItemID: e.ItemID, At: e.At.UTC(), ReceivedAt: e.ReceivedAt.UTC(),
			SessionID: e.SessionID, WatchMS: e.WatchMS, Position: e.Position, Answer: e.Answer, Correct: e.Correct})
	}
	topics, creators, err := s.store.Affinities(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	scaled := func(m map[string]float64) map[string]float64 {
		out := make(map[string]float64, len(m))
		for k, v := range m {
			out[k] = Scale(v, now)
		}
		return out
	}
	states, err := s.store.UserItems(ctx, userID, nil)
	if err != nil {
		return nil, err
	}
	type stateView struct {
		ItemID      string    `json:"item_id"`
		FirstAt     time.Time `json:"first_at"`
		LastAt      time.Time `json:"last_at"`
		Impressions int64     `json:"impressions"`
		Views       int64     `json:"views"`
		WatchMS     int64     `json:"watch_ms"`
		Completed   bool      `json:"completed"`
		Liked       bool      `json:"liked"`
		Saved       bool      `json:"saved"`
	}
	items := make([]stateView, 0, len(states))
	for _, st := range states {
		items = append(items, stateView{st.ItemID, st.FirstAt.UTC(), st.LastAt.UTC(), st.Impressions, st.Views, st.WatchMS, st.Completed, st.Liked, st.Saved})
	}
	hidden, err := s.hiddenAll(ctx, userID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"log": log, "items": items, "hidden": hidden,
		"interests": map[string]any{"topics": scaled(topics), "creators": scaled(creators)}}, nil
}

// DeleteUserData removes a learner's events and their share of every aggregate.
func (s *Service) DeleteUserData(ctx context.Context, userID string) error {
	evs, err := s.log(ctx, userID)
	if err != nil {
		return err
	}
	// Only the event counters matter here: Forget takes likes and saves from the
	// stored states. Facts are not needed for counters, so every item counts.
	facts := map[string]ItemFacts{}
	for _, e := range evs {
		facts[e.ItemID] = ItemFacts{ID: e.ItemID}
	}
	return s.store.Forget(ctx, userID, Fold(nil, evs, facts))
}
