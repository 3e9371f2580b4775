package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/feed/rank"
	"github.com/lyolearn/lyo/internal/store"
)

// The feed reads the catalogue whole: published items, drafts and removed ones
// (as not published), each with its topics in order, its creator's name, its
// series' title and its totals.
func testFeedCatalogueItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs, es := catalog(t, s), eventStore(t, s)
	named := newUser(1)
	named.Profile.DisplayName = "Ada L."
	bare := newUser(2)
	bare.Profile.DisplayName = ""
	mustCreate(t, s, named)
	mustCreate(t, s, bare)
	sr := newSeries(1, named.ID, content.Published)
	sr.Title = "Organic chemistry"
	if err := cs.CreateSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	if err := cs.EnsureTopics(ctx, []content.Topic{{Slug: "acids", Name: "Acids & bases"}}); err != nil {
		t.Fatal(err)
	}
	a := catalogItem(1, named.ID)
	a.Topics, a.MediaIDs = []string{"chemistry", "acids", "basics"}, []string{"m1", "m2"}
	a.Kind = content.Lesson
	b := catalogItem(2, named.ID)
	b.Topics = []string{"chemistry"}
	draft := catalogItem(3, bare.ID)
	draft.Status, draft.PublishedAt, draft.Topics, draft.MediaIDs = content.Draft, nil, nil, nil
	removed := catalogItem(4, bare.ID)
	removed.Status = content.Removed
	for _, it := range []content.Item{a, b, draft, removed} {
		mustCreateItem(t, cs, it)
	}
	if err := cs.SetEpisodes(ctx, sr.ID, []string{b.ID, a.ID}, c0); err != nil {
		t.Fatal(err)
	}
	mustIngest(t, es, bare.ID, ev("1", events.View, a.ID, 1), ev("2", events.Complete, a.ID, 2),
		ev("3", events.Like, a.ID, 3), ev("4", events.Skip, b.ID, 4), ev("5", events.Impression, a.ID, 5))

	var got []feed.CatalogueItem
	if err := s.CatalogueItems(ctx, func(it feed.CatalogueItem) error { got = append(got, it); return nil }); err != nil {
		t.Fatalf("CatalogueItems: %v", err)
	}
	pub := func(it content.Item) time.Time { return it.PublishedAt.UTC() }
	want := []feed.CatalogueItem{
		{ID: a.ID, CreatorID: named.ID, CreatorName: "Ada L.", Kind: "lesson", Title: a.Title, Description: a.Description,
			Topics: []string{"chemistry", "acids", "basics"}, SeriesID: sr.ID, SeriesTitle: "Organic chemistry", Episode: 2,
			Difficulty: a.Difficulty, Language: "en", DurationMS: a.DurationMS, MediaIDs: []string{"m1", "m2"},
			Published: true, PublishedAt: pub(a), Counts: rank.Counts{Impressions: 1, Views: 1, Completions: 1, Likes: 1}},
		{ID: b.ID, CreatorID: named.ID, CreatorName: "Ada L.", Kind: "video", Title: b.Title, Description: b.Description,
			Topics: []string{"chemistry"}, SeriesID: sr.ID, SeriesTitle: "Organic chemistry", Episode: 1,
			Difficulty: b.Difficulty, Language: "en", DurationMS: b.DurationMS, MediaIDs: b.MediaIDs,
			Published: true, PublishedAt: pub(b), Counts: rank.Counts{Skips: 1}},
		{ID: draft.ID, CreatorID: bare.ID, CreatorName: bare.Username, Kind: "video", Title: draft.Title,
			Description: draft.Description, Difficulty: draft.Difficulty, Language: "en", DurationMS: draft.DurationMS},
		{ID: removed.ID, CreatorID: bare.ID, CreatorName: bare.Username, Kind: "video", Title: removed.Title,
			Description: removed.Description, Topics: []string{"physics"}, Difficulty: removed.Difficulty, Language: "en",
			DurationMS: removed.DurationMS, MediaIDs: removed.MediaIDs, PublishedAt: pub(removed)},
	}
	slices.SortFunc(got, func(x, y feed.CatalogueItem) int { return cmpString(x.ID, y.ID) })
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("CatalogueItems (-want +got):\n%s", diff)
	}
	enough, calls := errors.New("enough"), 0
	if err := s.CatalogueItems(ctx, func(feed.CatalogueItem) error { calls++; return enough }); !errors.Is(err, enough) || calls != 1 {
		t.Errorf("CatalogueItems whose callback fails: %d calls, error %v; want one call and the callback's error", calls, err)
	}
	names, err := s.TopicNames(ctx)
	if err != nil {
		t.Fatalf("TopicNames: %v", err)
	}
	if names["acids"] != "Acids & bases" || names["chemistry"] == "" || len(names) != 4 {
		t.Errorf("TopicNames = %v, want the four topics, acids named Acids & bases", names)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// A learner's record holds their latest events newest first, every item they
// have an event for, what they hid, follow and block, their topic preferences,
// affinities and account settings; a reset makes older events and the
// affinities so far stop counting.
func testFeedLearnerRecord(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs, es := catalog(t, s), eventStore(t, s)
	u := newUser(1)
	u.Profile.BirthYear, u.Profile.BreakReminderMinutes, u.Profile.DailyLimitMinutes = 2011, 20, 45
	mustCreate(t, s, u)
	other := mustCreate(t, s, newUser(2))
	creator := mustCreate(t, s, newUser(3))
	x, y := mustItem(t, s, creator.ID, 1), mustItem(t, s, creator.ID, 2)
	if _, err := s.LearnerRecord(ctx, "nobody", 10); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("LearnerRecord(unknown) = %v, want feed.ErrNotFound", err)
	}
	empty, err := s.LearnerRecord(ctx, other.ID, 10)
	if err != nil {
		t.Fatalf("LearnerRecord(no events): %v", err)
	}
	if len(empty.Recent)+len(empty.Items)+len(empty.Hidden)+len(empty.Topics)+len(empty.Follows) != 0 || !empty.ResetAt.IsZero() {
		t.Errorf("a learner with nothing has a record: %+v", empty)
	}

	view := ev("1", events.View, x, 1)
	view.WatchMS = 4000
	correct := true
	quiz := ev("3", events.QuizAnswer, y, 3)
	quiz.Correct = &correct
	mustIngest(t, es, u.ID, view, ev("2", events.Complete, x, 2), quiz, ev("4", events.Hide, y, 4), ev("5", events.Like, x, 5))
	mustIngest(t, es, other.ID, ev("1", events.View, y, 1))
	for _, e := range []content.Edge{{UserID: u.ID, CreatorID: creator.ID, CreatedAt: c0}} {
		if err := cs.Follow(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := cs.Block(ctx, content.Edge{UserID: u.ID, CreatorID: other.ID, CreatedAt: c0}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTopicPrefs(ctx, u.ID, []feed.TopicPref{{Topic: "chemistry", Pref: feed.PrefMute},
		{Topic: "art", Pref: feed.PrefBoost}, {Topic: "music", Pref: feed.PrefBoost}}, c0); err != nil {
		t.Fatalf("SetTopicPrefs: %v", err)
	}
	if err := s.SetTopicPrefs(ctx, u.ID, []feed.TopicPref{{Topic: "music", Pref: feed.PrefNone},
		{Topic: "art", Pref: feed.PrefMute}, {Topic: "never-set", Pref: feed.PrefNone}}, c0); err != nil {
		t.Fatalf("SetTopicPrefs again: %v", err)
	}
	if err := s.SetTopicPrefs(ctx, "nobody", []feed.TopicPref{{Topic: "art", Pref: feed.PrefMute}}, c0); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("SetTopicPrefs(unknown learner) = %v, want feed.ErrNotFound", err)
	}

	rec, err := s.LearnerRecord(ctx, u.ID, 3)
	if err != nil {
		t.Fatalf("LearnerRecord: %v", err)
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute).UTC() }
	wantRecent := []feed.Event{{ItemID: x, Type: "like", At: at(5)}, {ItemID: y, Type: "hide", At: at(4)},
		{ItemID: y, Type: "quiz_answer", At: at(3), Correct: true}}
	if diff := cmp.Diff(wantRecent, rec.Recent, sameMicro); diff != "" {
		t.Errorf("Recent, the last 3 (-want +got):\n%s", diff)
	}
	slices.SortFunc(rec.Items, func(a, b feed.ItemState) int { return cmpString(a.ItemID, b.ItemID) })
	wantItems := []feed.ItemState{{ItemID: x, LastAt: at(5), Completed: true, Liked: true}, {ItemID: y, LastAt: at(4)}}
	slices.SortFunc(wantItems, func(a, b feed.ItemState) int { return cmpString(a.ItemID, b.ItemID) })
	if diff := cmp.Diff(wantItems, rec.Items, sameMicro); diff != "" {
		t.Errorf("Items (-want +got):\n%s", diff)
	}
	slices.SortFunc(rec.Prefs, func(a, b feed.TopicPref) int { return cmpString(a.Topic, b.Topic) })
	if diff := cmp.Diff([]feed.TopicPref{{Topic: "art", Pref: feed.PrefMute}, {Topic: "chemistry", Pref: feed.PrefMute}}, rec.Prefs); diff != "" {
		t.Errorf("Prefs (-want +got):\n%s", diff)
	}
	if !slices.Equal(rec.Hidden, []string{y}) || !slices.Equal(rec.Follows, []string{creator.ID}) || !slices.Equal(rec.Blocked, []string{other.ID}) {
		t.Errorf("Hidden %v, Follows %v, Blocked %v; want [%s] [%s] [%s]", rec.Hidden, rec.Follows, rec.Blocked, y, creator.ID, other.ID)
	}
	// countFold adds 1 to topic t-<item> and creator c per event.
	if rec.Topics["t-"+x] != 3 || rec.Topics["t-"+y] != 2 || rec.Creators["c"] != 5 || len(rec.Topics) != 2 {
		t.Errorf("affinities %v %v; want t-x 3, t-y 2, c 5", rec.Topics, rec.Creators)
	}
	if want := (feed.Account{BirthYear: 2011, BreakReminderMinutes: 20, DailyLimitMinutes: 45, Timezone: "America/Sao_Paulo"}); rec.Account != want {
		t.Errorf("Account = %+v, want %+v", rec.Account, want)
	}

	reset := c0.Add(time.Hour)
	if err := s.ResetProfile(ctx, u.ID, reset); err != nil {
		t.Fatalf("ResetProfile: %v", err)
	}
	if err := s.ResetProfile(ctx, "nobody", reset); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("ResetProfile(unknown learner) = %v, want feed.ErrNotFound", err)
	}
	mustIngest(t, es, u.ID, ev("6", events.Save, x, 6))
	rec, err = s.LearnerRecord(ctx, u.ID, 10)
	if err != nil {
		t.Fatalf("LearnerRecord after reset: %v", err)
	}
	if diff := cmp.Diff([]feed.Event{{ItemID: x, Type: "save", At: at(6)}}, rec.Recent, sameMicro); diff != "" {
		t.Errorf("Recent after a reset holds only later events (-want +got):\n%s", diff)
	}
	if len(rec.Items) != 2 || len(rec.Hidden) != 1 {
		t.Errorf("a reset keeps seen items out: Items %v, Hidden %v", rec.Items, rec.Hidden)
	}
	if len(rec.Prefs) != 0 {
		t.Errorf("Prefs after a reset = %v, want none", rec.Prefs)
	}
	if rec.Topics["t-"+x] != 1 || rec.Topics["t-"+y] != 0 || rec.Creators["c"] != 1 {
		t.Errorf("affinities after a reset and one event: %v %v; want t-x 1, t-y 0, c 1", rec.Topics, rec.Creators)
	}
	if !sameTime(rec.ResetAt, reset) {
		t.Errorf("ResetAt = %v, want %v", rec.ResetAt, reset)
	}
	// The other learner is untouched.
	if rec, err := s.LearnerRecord(ctx, other.ID, 10); err != nil || len(rec.Recent) != 1 || rec.Topics["t-"+y] != 1 {
		t.Errorf("the other learner's record: %+v, %v", rec, err)
	}
}

// Activity is the learner's events since a time, newest first, bounded.
func testFeedActivity(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u, v := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	var evs []events.Event
	for m := range 6 {
		e := ev(string(rune('a'+m)), events.View, "x", m*10)
		e.WatchMS = int64(1000 * m)
		evs = append(evs, e)
	}
	mustIngest(t, es, u.ID, evs...)
	mustIngest(t, es, v.ID, ev("z", events.View, "x", 50))
	got, err := s.Activity(ctx, u.ID, t0.Add(20*time.Minute), 100)
	if err != nil {
		t.Fatalf("Activity: %v", err)
	}
	var want []feed.Activity
	for _, m := range []int{5, 4, 3, 2} {
		want = append(want, feed.Activity{At: t0.Add(time.Duration(m*10) * time.Minute).UTC(), Type: "view", WatchMS: int64(1000 * m)})
	}
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("Activity since minute 20 (-want +got):\n%s", diff)
	}
	if got, err := s.Activity(ctx, u.ID, t0, 2); err != nil || len(got) != 2 || got[0].WatchMS != 5000 {
		t.Errorf("Activity limited to 2 = %v, %v; want the 2 newest", got, err)
	}
}

// The trending roll-up counts each event once, in the bucket of its own hour,
// whatever the number of roll-ups and however they overlap; buckets older than
// the kept span go.
func testFeedTrendingRollUp(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u, v := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	hour := time.Date(2025, 6, 7, 8, 0, 0, 0, time.UTC)
	at := func(min int, recv int) events.Event {
		a := hour.Add(time.Duration(min) * time.Minute)
		return events.Event{At: a, ReceivedAt: hour.Add(time.Duration(recv) * time.Minute)}
	}
	mk := func(id string, typ events.Type, item string, e events.Event) events.Event {
		e.ClientID, e.Type, e.ItemID = id, typ, item
		return e
	}
	mustIngest(t, es, u.ID, mk("1", events.View, "x", at(5, 6)), mk("2", events.Complete, "x", at(10, 11)),
		mk("3", events.Impression, "x", at(11, 11)), mk("4", events.Like, "x", at(70, 71)),
		mk("5", events.Share, "y", at(20, 21)), mk("6", events.Skip, "y", at(21, 21)))
	mustIngest(t, es, v.ID, mk("1", events.View, "x", at(6, 100)), mk("2", events.Save, "y", at(-600, 30)))

	roll := func(until int) int {
		t.Helper()
		n, err := s.RollUpTrending(ctx, hour.Add(time.Duration(until)*time.Minute), hour.Add(-2*time.Hour))
		if err != nil {
			t.Fatalf("RollUpTrending: %v", err)
		}
		return n
	}
	buckets := func() []rank.Bucket {
		t.Helper()
		got, err := s.TrendingBuckets(ctx, hour.Add(-time.Hour))
		if err != nil {
			t.Fatalf("TrendingBuckets: %v", err)
		}
		slices.SortFunc(got, func(a, b rank.Bucket) int {
			if c := cmpString(a.ItemID, b.ItemID); c != 0 {
				return c
			}
			return a.Start.Compare(b.Start)
		})
		return got
	}
	if n := roll(30); n == 0 {
		t.Error("the first roll-up changed no bucket")
	}
	if n := roll(30); n != 0 {
		t.Errorf("rolling up to the same time again changed %d buckets", n)
	}
	want := []rank.Bucket{
		{ItemID: "x", Start: hour, Span: time.Hour, Views: 1, Completions: 1},
		{ItemID: "y", Start: hour, Span: time.Hour, Shares: 1},
	}
	if diff := cmp.Diff(want, buckets()); diff != "" {
		t.Errorf("buckets after rolling up to minute 30 (-want +got):\n%s", diff)
	}
	// Two roll-ups at once: each event still counts once.
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := s.RollUpTrending(ctx, hour.Add(120*time.Minute), hour.Add(-2*time.Hour))
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent RollUpTrending: %v", err)
		}
	}
	want = []rank.Bucket{
		{ItemID: "x", Start: hour, Span: time.Hour, Views: 2, Completions: 1},
		{ItemID: "x", Start: hour.Add(time.Hour), Span: time.Hour, Likes: 1},
		{ItemID: "y", Start: hour, Span: time.Hour, Shares: 1},
	}
	if diff := cmp.Diff(want, buckets()); diff != "" {
		t.Errorf("buckets after rolling up to minute 120 (-want +got):\n%s", diff)
	}
	// An event stored now but received before the mark (a seed or an import
	// beside a running node) counts at the next roll-up, and once.
	mustIngest(t, es, v.ID, mk("3", events.Complete, "y", at(40, 45)))
	if n := roll(125); n != 1 {
		t.Errorf("the roll-up after a late-stored event changed %d buckets, want 1", n)
	}
	if n := roll(126); n != 0 {
		t.Errorf("the next roll-up changed %d buckets, want none", n)
	}
	want[2].Completions = 1
	if diff := cmp.Diff(want, buckets()); diff != "" {
		t.Errorf("buckets after an event stored behind the mark (-want +got):\n%s", diff)
	}
	// Keeping only from the second hour drops the first hour's buckets.
	if _, err := s.RollUpTrending(ctx, hour.Add(127*time.Minute), hour.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := buckets(); len(got) != 1 || got[0].Likes != 1 {
		t.Errorf("buckets after dropping the first hour = %+v, want x's like alone", got)
	}
	if got, err := s.TrendingBuckets(ctx, hour.Add(3*time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("TrendingBuckets after the last bucket ended = %v, %v; want none", got, err)
	}
}
