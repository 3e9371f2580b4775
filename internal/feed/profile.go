package feed

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
)

// Profile is what the feed has learned about a learner, as they may see it:
// the topics and creators they engage with (weights decay with time: an
// interest shown two weeks ago counts half), the formats they use, how long
// their sessions usually last and when in their day they learn, and the
// choices they made. Nothing in it scores the learner; it is theirs to read,
// edit and reset.
type Profile struct {
	Topics              []TopicWeight   `json:"topics"`
	Creators            []CreatorWeight `json:"creators"`
	Formats             []FormatShare   `json:"formats"`
	UsualSessionMinutes float64         `json:"usual_session_minutes"`
	ActiveHours         []HourShare     `json:"active_hours"`
	Timezone            string          `json:"timezone"`
	ResetAt             *time.Time      `json:"reset_at,omitempty"`
}

// TopicWeight is a topic with the learner's interest in it.
type TopicWeight struct {
	Slug       string  `json:"slug"`
	Name       string  `json:"name"`
	Weight     float64 `json:"weight"`
	Preference string  `json:"preference,omitempty"` // mute or boost, when the learner chose one
}

// CreatorWeight is a creator with the learner's interest in them.
type CreatorWeight struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Weight   float64 `json:"weight"`
	Followed bool    `json:"followed"`
}

// FormatShare is the share of the learner's recent activity on one kind of item.
type FormatShare struct {
	Kind  string  `json:"kind"`
	Share float64 `json:"share"`
}

// HourShare is the share of the learner's recent activity in one hour of their day.
type HourShare struct {
	Hour  int     `json:"hour"`
	Share float64 `json:"share"`
}

// Profile returns the learner's interest profile.
func (s *Service) Profile(ctx context.Context, c access.Caller) (Profile, error) {
	now := s.now().UTC()
	x := s.cat.Current()
	st, _, _, err := s.learner(ctx, c.UserID, x, now)
	if err != nil {
		return Profile{}, err
	}
	return s.profileOf(st, x), nil
}

func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func (s *Service) profileOf(st *State, x *Index) Profile {
	l := st.Learner
	p := Profile{Topics: []TopicWeight{}, Creators: []CreatorWeight{}, Formats: []FormatShare{}, ActiveHours: []HourShare{},
		Timezone: "UTC"}
	loc := time.UTC
	if tz := st.Account.Timezone; tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc, p.Timezone = l, tz
		}
	}
	if !st.ResetAt.IsZero() {
		t := st.ResetAt.UTC()
		p.ResetAt = &t
	}
	prefs := map[string]Pref{}
	for _, pr := range st.Prefs {
		prefs[pr.Topic] = pr.Pref
	}
	for slug, w := range l.Topics {
		if w > 0 || prefs[slug] != "" {
			p.Topics = append(p.Topics, TopicWeight{Slug: slug, Weight: round(max(w, 0))})
		}
	}
	for slug := range prefs {
		if _, ok := l.Topics[slug]; !ok {
			p.Topics = append(p.Topics, TopicWeight{Slug: slug})
		}
	}
	for k := range p.Topics {
		t := &p.Topics[k]
		t.Name = t.Slug
		if n, ok := x.TopicName(t.Slug); ok {
			t.Name = n
		}
		t.Preference = string(prefs[t.Slug])
	}
	slices.SortFunc(p.Topics, func(a, b TopicWeight) int {
		if d := cmp.Compare(b.Weight, a.Weight); d != 0 {
			return d
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	for id, w := range l.Creators {
		if w > 0 {
			p.Creators = append(p.Creators, CreatorWeight{ID: id, Name: x.creators[id], Weight: round(w), Followed: slices.Contains(l.Follows, id)})
		}
	}
	slices.SortFunc(p.Creators, func(a, b CreatorWeight) int {
		if d := cmp.Compare(b.Weight, a.Weight); d != 0 {
			return d
		}
		return cmp.Compare(a.ID, b.ID)
	})
	p.Formats, p.ActiveHours = formats(st.Recent, x), hours(st.Recent, loc)
	var acts []Activity
	for _, e := range st.Recent {
		acts = append(acts, Activity{At: e.At, Type: e.Type, WatchMS: e.WatchMS})
	}
	var lengths []float64
	for _, sp := range activeSpans(acts) {
		lengths = append(lengths, sp.minutes())
	}
	if len(lengths) > 0 {
		slices.Sort(lengths)
		p.UsualSessionMinutes = math.Round(lengths[len(lengths)/2]*10) / 10
	}
	return p
}

// engaged reports whether an event shows the learner spent time on the item.
func engaged(typ string) bool {
	switch typ {
	case "view", "complete", "like", "save", "share", "quiz_answer":
		return true
	}
	return false
}

// formats is the share of each kind of item in the learner's recent engagement.
func formats(recent []Event, x *Index) []FormatShare {
	counts := map[string]int{}
	total := 0
	for _, e := range recent {
		if sum, ok := x.Summary(e.ItemID); ok && engaged(e.Type) {
			counts[sum.Kind]++
			total++
		}
	}
	out := []FormatShare{}
	for kind, n := range counts {
		out = append(out, FormatShare{Kind: kind, Share: round(float64(n) / float64(total))})
	}
	slices.SortFunc(out, func(a, b FormatShare) int {
		if d := cmp.Compare(b.Share, a.Share); d != 0 {
			return d
		}
		return cmp.Compare(a.Kind, b.Kind)
	})
	return out
}

// hours is the share of the learner's recent events in each hour of their day.
func hours(recent []Event, loc *time.Location) []HourShare {
	var counts [24]int
	for _, e := range recent {
		counts[e.At.In(loc).Hour()]++
	}
	out := []HourShare{}
	for h, n := range counts {
		if n > 0 {
			out = append(out, HourShare{Hour: h, Share: round(float64(n) / float64(len(recent)))})
		}
	}
	return out
}

// EditProfile records the learner's choices about topics: mute (the topic never
// appears in their feed), boost (it counts more) or none (back to what they
// do), and returns the profile.
func (s *Service) EditProfile(ctx context.Context, c access.Caller, topics map[string]Pref) (Profile, error) {
	x := s.cat.Current()
	var bad fault.Invalid
	if len(topics) == 0 {
		bad.Add("topics", "name at least one topic")
	}
	if len(topics) > 100 {
		bad.Add("topics", "name at most 100 topics at once")
	}
	prefs := make([]TopicPref, 0, len(topics))
	for slug, p := range topics {
		field := "topics." + slug
		if _, ok := x.TopicName(slug); !ok {
			bad.Add(field, "no topic has this slug")
		}
		switch p {
		case PrefMute, PrefBoost, PrefNone:
		default:
			bad.Add(field, "use mute, boost or none")
		}
		prefs = append(prefs, TopicPref{Topic: slug, Pref: p})
	}
	if err := bad.Err(); err != nil {
		return Profile{}, err
	}
	slices.SortFunc(prefs, func(a, b TopicPref) int { return cmp.Compare(a.Topic, b.Topic) })
	if err := s.store.SetTopicPrefs(ctx, c.UserID, prefs, s.now().UTC()); err != nil {
		return Profile{}, err
	}
	s.Touched(ctx, c.UserID)
	return s.Profile(ctx, c)
}

// ResetProfile forgets what the feed learned about the learner: interests count
// from zero again and their choices go. What they have seen stays out of their
// feed.
func (s *Service) ResetProfile(ctx context.Context, c access.Caller) error {
	if err := s.store.ResetProfile(ctx, c.UserID, s.now().UTC()); err != nil {
		return err
	}
	s.Touched(ctx, c.UserID)
	return nil
}
