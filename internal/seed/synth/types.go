package synth

import (
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// Topic is a node of the taxonomy.
type Topic struct {
	Slug, Name string
	Parent     string // "" at the top
}

// Creator is an account that publishes items.
type Creator struct {
	Index     int
	Username  string // creatorN, from 1
	Email     string
	Language  string   // of every item they make
	Topics    []string // the leaf slugs they make items on, the main one first
	CreatedAt time.Time
}

// Item is one piece of content, texts included.
type Item struct {
	Index       int
	Creator     int
	Kind        content.Kind
	Title       string
	Description string
	Body        string
	Topics      []string // leaf slugs, then their parents
	Difficulty  int      // 1–5
	Language    string
	DurationMS  int64
	Series      int // index into Series; -1 when not in one
	Episode     int // from 1; 0 when not in a series
	Quiz        *content.Quiz
	CreatedAt   time.Time // also when it was published
	// Ground truth the data was drawn from.
	Quality float64 // latent appeal, 0–1
	Rank    int     // popularity rank within its topic and language, 0 the most popular
}

// Series is an ordered run of items by one creator.
type Series struct {
	Index       int
	Creator     int
	Title       string
	Description string
	Topic       string // the leaf slug of every episode
	Episodes    []int  // item indexes in episode order (also creation order)
	CreatedAt   time.Time
}

// Interest is a topic a learner likes, with its weight; a learner's weights sum to 1.
type Interest struct {
	Topic  string // leaf slug
	Weight float64
}

// Learner is a synthetic learner and the ground truth of their behaviour.
type Learner struct {
	Index     int
	Username  string // learnerN, from 1
	Email     string
	BirthYear int // some learners are minors at Now
	Language  string
	CreatedAt time.Time
	// Level is the difficulty the learner is at ease with, 1–5.
	Level float64
	// Events is the learner's share of Config.Events: their History has exactly as many.
	Events int
	// Interests hold until DriftAt; from then on Drifted do. A zero DriftAt means
	// the learner never drifts (and Drifted is nil).
	Interests []Interest
	DriftAt   time.Time
	Drifted   []Interest
}

// InterestsAt are the learner's interests at time t.
func (l Learner) InterestsAt(t time.Time) []Interest {
	if !l.DriftAt.IsZero() && !t.Before(l.DriftAt) {
		return l.Drifted
	}
	return l.Interests
}

// Weight is the weight of topic among the learner's interests at t (0 when none).
func (l Learner) Weight(topic string, t time.Time) float64 {
	for _, in := range l.InterestsAt(t) {
		if in.Topic == topic {
			return in.Weight
		}
	}
	return 0
}

// Event is one interaction of a learner with an item. Events of a History are in
// time order; Seq numbers them from 0, so "syn-<Seq>" is a client event ID
// unique per learner.
type Event struct {
	Seq      int
	Learner  int
	Item     int
	Type     events.Type
	At       time.Time
	Session  int // the learner's session, from 0
	Position int // in the session's feed, from 0
	WatchMS  int64
	Answer   string // quiz answers: the chosen choice's ID
	Correct  bool   // quiz answers: whether the choice is right
}

// Follow is a learner following a creator.
type Follow struct {
	Learner int
	Creator int
	At      time.Time
}

// History is everything one learner does.
type History struct {
	Learner int
	Events  []Event  // in time order
	Follows []Follow // in time order
}
