package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/store/query"
)

func itemIDs[T content.Item | content.Summary](items []T) []string {
	out := []string{}
	for _, it := range items {
		switch x := any(it).(type) {
		case content.Item:
			out = append(out, x.ID)
		case content.Summary:
			out = append(out, x.ID)
		}
	}
	return out
}

func testListItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	a := mustCreate(t, s, newUser(1))
	b := mustCreate(t, s, newUser(2))
	sr := content.Series{ID: id.New(c0), CreatorID: a.ID, Title: "Course", Status: content.Published, CreatedAt: c0, UpdatedAt: c0}
	if err := cs.CreateSeries(ctx, sr); err != nil {
		t.Fatalf("CreateSeries: %v", err)
	}
	mk := func(i int, creator string, kind content.Kind, status content.Status, topics ...string) content.Item {
		it := catalogItem(i, creator)
		it.Kind, it.Status, it.Topics = kind, status, topics
		if status != content.Published {
			it.PublishedAt = nil
		}
		return it
	}
	a1 := mk(1, a.ID, content.Video, content.Published, "physics")
	a1.SeriesID, a1.Episode = sr.ID, 1
	a2 := mk(2, a.ID, content.Article, content.Draft, "math")
	a3 := mk(3, a.ID, content.Video, content.Removed, "physics")
	b1 := mk(4, b.ID, content.QuizKind, content.Published, "math", "physics")
	b2 := mk(5, b.ID, content.Video, content.Draft)
	for _, it := range []content.Item{a1, a2, a3, b1, b2} {
		mustCreateItem(t, cs, it)
	}
	pub := []content.Status{content.Published}
	tests := []struct {
		name string
		q    content.ItemQuery
		want []content.Item
	}{
		{"everything", content.ItemQuery{}, []content.Item{b2, b1, a3, a2, a1}},
		{"published", content.ItemQuery{Statuses: pub}, []content.Item{b1, a1}},
		{"published and own drafts", content.ItemQuery{Statuses: pub, OwnDraftsOf: a.ID}, []content.Item{b1, a2, a1}},
		{"moderator view", content.ItemQuery{Statuses: []content.Status{content.Draft, content.Published}}, []content.Item{b2, b1, a2, a1}},
		{"one creator, another's drafts", content.ItemQuery{CreatorID: a.ID, Statuses: pub, OwnDraftsOf: b.ID}, []content.Item{a1}},
		{"one creator, own drafts", content.ItemQuery{CreatorID: a.ID, Statuses: pub, OwnDraftsOf: a.ID}, []content.Item{a2, a1}},
		{"creator", content.ItemQuery{CreatorID: a.ID}, []content.Item{a3, a2, a1}},
		{"topic", content.ItemQuery{Topic: "physics"}, []content.Item{b1, a3, a1}},
		{"topic, published", content.ItemQuery{Topic: "physics", Statuses: pub}, []content.Item{b1, a1}},
		{"unknown topic", content.ItemQuery{Topic: "nothing"}, nil},
		{"kind", content.ItemQuery{Kind: content.Video}, []content.Item{b2, a3, a1}},
		{"series", content.ItemQuery{SeriesID: sr.ID}, []content.Item{a1}},
		{"limit", content.ItemQuery{Statuses: pub, Limit: 1}, []content.Item{b1}},
		{"next page", content.ItemQuery{Statuses: pub, BeforeID: b1.ID, Limit: 1}, []content.Item{a1}},
		{"past the end", content.ItemQuery{BeforeID: a1.ID}, nil},
		{"all filters", content.ItemQuery{CreatorID: a.ID, Topic: "physics", Kind: content.Video, SeriesID: sr.ID, Statuses: pub}, []content.Item{a1}},
	}
	for _, tc := range tests {
		got, err := cs.ListItems(ctx, tc.q)
		if err != nil {
			t.Errorf("%s: ListItems: %v", tc.name, err)
			continue
		}
		if got == nil {
			t.Errorf("%s: ListItems returned nil, want an empty list", tc.name)
		}
		if diff := cmp.Diff(itemIDs(tc.want), itemIDs(got)); diff != "" {
			t.Errorf("%s: ListItems IDs (-want +got):\n%s", tc.name, diff)
		}
	}
	// Lists carry summaries, topics in order included.
	got, err := cs.ListItems(ctx, content.ItemQuery{Topic: "math", Statuses: pub})
	if err != nil || len(got) != 1 {
		t.Fatalf("ListItems(math) = %d items, %v", len(got), err)
	}
	if diff := cmp.Diff(content.SummaryOf(b1), got[0], sameMicro); diff != "" {
		t.Errorf("listed item mismatch (-want +got):\n%s", diff)
	}
}

// A summary bounds the description, whatever the item holds.
func testListItemsSummaries(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	long := catalogItem(1, u.ID)
	long.Description = strings.Repeat("é", content.MaxSummaryDescription+100)
	// Long texts, but few distinct words: the engines tokenise them on every write.
	long.Body, long.Transcript = "gigantic "+strings.Repeat("x", 50_000), strings.Repeat("y", 50_000)
	short := catalogItem(2, u.ID)
	short.Description = strings.Repeat("d", content.MaxSummaryDescription)
	mustCreateItem(t, cs, long)
	mustCreateItem(t, cs, short)
	got, err := cs.ListItems(ctx, content.ItemQuery{})
	if err != nil || len(got) != 2 {
		t.Fatalf("ListItems = %d items, %v; want 2", len(got), err)
	}
	byID := map[string]content.Summary{got[0].ID: got[0], got[1].ID: got[1]}
	want := strings.Repeat("é", content.MaxSummaryDescription-1) + "…"
	if d := byID[long.ID].Description; d != want {
		t.Errorf("a long description is listed as %d characters %q…, want the first %d and an ellipsis",
			utf8.RuneCountInString(d), d[:min(len(d), 20)], content.MaxSummaryDescription-1)
	}
	if d := byID[short.ID].Description; d != short.Description {
		t.Errorf("a description of exactly the bound is listed as %q, want it whole", d)
	}
	hits := mustSearch(t, cs, content.SearchQuery{Terms: words("gigantic")})
	if len(hits) != 1 || hits[0].Item.Description != want {
		t.Errorf("Search(gigantic) = %+v, want the long item with its description cut", hits)
	}
}

func testListItemsLimits(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	for i := range query.MaxLimit + 2 {
		mustCreateItem(t, cs, catalogItem(i, u.ID))
	}
	for _, tc := range []struct{ limit, want int }{
		{0, query.DefaultLimit}, {-3, query.DefaultLimit}, {7, 7}, {1000, query.MaxLimit},
	} {
		got, err := cs.ListItems(ctx, content.ItemQuery{Limit: tc.limit})
		if err != nil || len(got) != tc.want {
			t.Errorf("ListItems(Limit %d) = %d items, %v; want %d", tc.limit, len(got), err, tc.want)
		}
	}
}

func testItemsByIDs(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	var want []content.Item
	for i := range 3 {
		it := catalogItem(i, u.ID)
		if i == 1 {
			it.Status, it.PublishedAt = content.Draft, nil // any status
		}
		want = append(want, mustCreateItem(t, cs, it))
	}
	// Far more IDs than one statement binds on SQLite, the real ones spread out.
	var ids []string
	for i := range 1200 {
		if i%500 == 7 {
			ids = append(ids, want[i/500].ID)
		}
		ids = append(ids, id.New(c0))
	}
	got, err := cs.ItemsByIDs(ctx, ids)
	if err != nil {
		t.Fatalf("ItemsByIDs: %v", err)
	}
	slices.SortFunc(got, func(a, b content.Item) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("ItemsByIDs mismatch (-want +got):\n%s", diff)
	}
	brief, err := cs.ItemsWithoutText(ctx, ids)
	if err != nil {
		t.Fatalf("ItemsWithoutText: %v", err)
	}
	slices.SortFunc(brief, func(a, b content.Item) int { return strings.Compare(a.ID, b.ID) })
	var wantBrief []content.Item
	for _, it := range want {
		it.Description, it.Body, it.Transcript = "", "", ""
		wantBrief = append(wantBrief, it)
	}
	if diff := cmp.Diff(wantBrief, brief, sameMicro); diff != "" {
		t.Errorf("ItemsWithoutText mismatch (-want +got):\n%s", diff)
	}
	for _, in := range [][]string{nil, {}, {id.New(c0)}} {
		if got, err := cs.ItemsByIDs(ctx, in); err != nil || got == nil || len(got) != 0 {
			t.Errorf("ItemsByIDs(%q) = %v, %v; want an empty list", in, got, err)
		}
	}
}
