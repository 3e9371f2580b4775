package rank

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// The trending windows the API offers.
const (
	WindowHour = time.Hour
	WindowDay  = 24 * time.Hour
	WindowWeek = 7 * 24 * time.Hour
)

// Bucket is one item's engagement during one span of time (serving keeps
// hourly counters; eval makes them from its rows).
type Bucket struct {
	ItemID                                   string
	Start                                    time.Time
	Span                                     time.Duration
	Views, Completions, Likes, Saves, Shares int64
}

// engagement weighs what learners did: finishing and keeping an item say more
// than opening it.
func (b Bucket) engagement() float64 {
	return float64(b.Views) + 2*float64(b.Completions) + 2*float64(b.Likes) + 3*float64(b.Saves) + 3*float64(b.Shares)
}

// Trend is an item's engagement velocity.
type Trend struct {
	ItemID string
	Score  float64
}

// Trending computes time-decayed engagement velocity over a window: every
// bucket's engagement counts by the share of it inside [now − window, now],
// halved for every quarter of the window its midpoint lies in the past, and the
// sum is divided by the half-life in hours, so the score reads as weighted
// engagements per hour and the 1h, 24h and 7d windows are comparable. Buckets
// that start after now are ignored (a clock the caller controls: eval passes
// the data's time). It returns the n best items (all when n ≤ 0), ties by ID.
func Trending(buckets []Bucket, window time.Duration, now time.Time, n int) []Trend {
	if window <= 0 {
		return nil
	}
	half := window.Hours() / 4
	from := now.Add(-window)
	score := map[string]float64{}
	for _, b := range buckets {
		span := b.Span
		if span <= 0 {
			span = time.Hour
		}
		start, end := b.Start, b.Start.Add(span)
		if !start.Before(now) || !end.After(from) {
			continue
		}
		inside := minTime(end, now).Sub(maxTime(start, from))
		share := inside.Hours() / span.Hours()
		mid := maxTime(start, from).Add(inside / 2)
		age := now.Sub(mid).Hours()
		score[b.ItemID] += b.engagement() * share * math.Exp2(-age/half) / half
	}
	out := make([]Trend, 0, len(score))
	for id, s := range score {
		if s > 0 {
			out = append(out, Trend{id, s})
		}
	}
	slices.SortFunc(out, func(a, b Trend) int {
		if d := cmp.Compare(b.Score, a.Score); d != 0 {
			return d
		}
		return cmp.Compare(a.ItemID, b.ItemID)
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// TrendsIn keeps the trends whose item has the topic, in order, up to n (all
// when n ≤ 0); topicsOf names an item's topics (the catalogue's Item lookup).
func TrendsIn(trends []Trend, topic string, topicsOf func(itemID string) []string, n int) []Trend {
	var out []Trend
	for _, t := range trends {
		if slices.Contains(topicsOf(t.ItemID), topic) {
			out = append(out, t)
			if n > 0 && len(out) == n {
				break
			}
		}
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
