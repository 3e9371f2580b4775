package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store"
)

// textItem is an item of creatorID with the given status and searchable text.
func textItem(i int, creatorID string, status content.Status, title, description, body, transcript string) content.Item {
	it := catalogItem(i, creatorID)
	it.Status, it.Title, it.Description, it.Body, it.Transcript = status, title, description, body, transcript
	if status != content.Published {
		it.PublishedAt = nil
	}
	return it
}

func mustSearch(t *testing.T, cs content.Store, q content.SearchQuery) []content.SearchHit {
	t.Helper()
	hits, err := cs.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Terms, err)
	}
	if hits == nil {
		t.Errorf("Search(%q) returned nil, want a list", q.Terms)
	}
	return hits
}

// hitIDs returns the IDs of the hits in rank order.
func hitIDs(hits []content.SearchHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Item.ID)
	}
	return out
}

// words splits a query as the catalogue does before it asks a store.
func words(q ...string) []string { return content.SearchTerms(strings.Join(q, " ")) }

// found returns the IDs of what the query finds, sorted, for checks of which
// items match rather than of their order.
func found(t *testing.T, cs content.Store, query ...string) []string {
	t.Helper()
	ids := hitIDs(mustSearch(t, cs, content.SearchQuery{Terms: words(query...)}))
	slices.Sort(ids)
	return ids
}

func sortedIDs(items ...content.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	slices.Sort(out)
	return out
}

func testSearch(t *testing.T, s store.Store) {
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1)).ID
	inTitle := mustCreateItem(t, cs, textItem(1, u, content.Published, "Photosynthesis explained",
		"How plants make food", "Light energy becomes chemical energy.", ""))
	inBody := mustCreateItem(t, cs, textItem(2, u, content.Published, "Plants of the world",
		"A tour of gardens", "Leaves are where photosynthesis happens in most plants.", ""))
	inTranscript := mustCreateItem(t, cs, textItem(3, u, content.Published, "Rocks",
		"", "Minerals and crystals.", "and the teacher said granite"))
	mustCreateItem(t, cs, textItem(4, u, content.Draft, "Photosynthesis draft", "", "granite", ""))
	mustCreateItem(t, cs, textItem(5, u, content.Removed, "Removed photosynthesis", "", "granite", ""))

	hits := mustSearch(t, cs, content.SearchQuery{Terms: []string{"photosynthesis"}})
	if diff := cmp.Diff([]string{inTitle.ID, inBody.ID}, hitIDs(hits)); diff != "" {
		t.Fatalf("Search(photosynthesis): want the title match first, drafts and removed items left out (-want +got):\n%s", diff)
	}
	if !(hits[0].Rank > hits[1].Rank && hits[1].Rank > 0) {
		t.Errorf("ranks %v, %v: want both positive, the title match higher", hits[0].Rank, hits[1].Rank)
	}
	if diff := cmp.Diff(content.SummaryOf(inTitle), hits[0].Item, sameMicro); diff != "" {
		t.Errorf("hit item mismatch (-want +got):\n%s", diff)
	}
	for i, want := range []string{"«Photosynthesis»", "«photosynthesis» happens"} {
		if !strings.Contains(hits[i].Snippet, want) {
			t.Errorf("hit %d snippet %q, want it to contain %q", i, hits[i].Snippet, want)
		}
	}
	if h := mustSearch(t, cs, content.SearchQuery{Terms: []string{"granite"}}); len(h) != 1 || h[0].Item.ID != inTranscript.ID ||
		!strings.Contains(h[0].Snippet, "«granite»") {
		t.Errorf("Search(granite) = %+v, want the transcript match with «granite» in its snippet", h)
	}

	for _, tc := range []struct {
		name  string
		terms []string
		want  []string
	}{
		{"case", []string{"PHOTOSYNTHESIS"}, sortedIDs(inTitle, inBody)},
		{"prefix of the last word", []string{"photo"}, sortedIDs(inTitle, inBody)},
		{"every word must match", []string{"photosynthesis", "leaves"}, sortedIDs(inBody)},
		{"words in any field", []string{"gardens", "leaves", "plan"}, sortedIDs(inBody)},
		{"only the last word is a prefix", []string{"photo", "plants"}, []string{}},
		{"last word a prefix after whole words", []string{"plants", "photo"}, sortedIDs(inTitle, inBody)},
		{"draft only", []string{"draft"}, []string{}},
		{"removed only", []string{"removed"}, []string{}},
		{"no match", []string{"zebra"}, []string{}},
		{"no terms", nil, []string{}},
		{"empty terms", []string{"", " "}, []string{}},
	} {
		if diff := cmp.Diff(tc.want, found(t, cs, tc.terms...)); diff != "" {
			t.Errorf("%s: Search(%q) (-want +got):\n%s", tc.name, tc.terms, diff)
		}
	}

	for _, tc := range []struct {
		offset, limit int
		want          []string
	}{
		{0, 1, []string{inTitle.ID}},
		{1, 1, []string{inBody.ID}},
		{2, 1, []string{}},
		{-1, 0, []string{inTitle.ID, inBody.ID}},
	} {
		hits := mustSearch(t, cs, content.SearchQuery{Terms: []string{"photosynthesis"}, Offset: tc.offset, Limit: tc.limit})
		if diff := cmp.Diff(tc.want, hitIDs(hits)); diff != "" {
			t.Errorf("Search(offset %d, limit %d) (-want +got):\n%s", tc.offset, tc.limit, diff)
		}
	}
}

// A write is searchable as soon as it returns.
func testSearchFollowsWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1)).ID
	other := mustCreate(t, s, newUser(2)).ID
	volcano := mustCreateItem(t, cs, textItem(1, u, content.Published, "Volcanoes", "", "magma chambers", ""))
	glacier := mustCreateItem(t, cs, textItem(2, u, content.Draft, "Glaciers", "", "ice sheets", ""))
	kept := mustCreateItem(t, cs, textItem(3, other, content.Published, "Volcanoes too", "", "", ""))

	update := func(it *content.Item, change func(*content.Item)) {
		t.Helper()
		change(it)
		if err := cs.UpdateItem(ctx, *it); err != nil {
			t.Fatalf("UpdateItem: %v", err)
		}
		it.Version++
	}
	steps := []struct {
		name  string
		do    func()
		terms []string
		want  []string
	}{
		{"created", func() {}, []string{"magma"}, sortedIDs(volcano)},
		{"text changed: old word", func() { update(&volcano, func(it *content.Item) { it.Body = "lava flows" }) },
			[]string{"magma"}, []string{}},
		{"text changed: new word", func() {}, []string{"lava"}, sortedIDs(volcano)},
		{"published", func() { update(&glacier, func(it *content.Item) { it.Status = content.Published }) },
			[]string{"glaciers"}, sortedIDs(glacier)},
		{"unpublished", func() { update(&volcano, func(it *content.Item) { it.Status = content.Draft }) },
			[]string{"lava"}, []string{}},
		{"republished", func() { update(&volcano, func(it *content.Item) { it.Status = content.Published }) },
			[]string{"lava"}, sortedIDs(volcano)},
		{"removed", func() { update(&volcano, func(it *content.Item) { it.Status = content.Removed }) },
			[]string{"volcanoes"}, sortedIDs(kept)},
		{"deleted", func() {
			if err := cs.DeleteItem(ctx, glacier.ID); err != nil {
				t.Fatalf("DeleteItem: %v", err)
			}
		}, []string{"glaciers"}, []string{}},
		{"creator's items deleted", func() {
			if err := cs.DeleteItemsByCreator(ctx, other); err != nil {
				t.Fatalf("DeleteItemsByCreator: %v", err)
			}
		}, []string{"volcanoes"}, []string{}},
	}
	for _, st := range steps {
		st.do()
		if diff := cmp.Diff(st.want, found(t, cs, st.terms...)); diff != "" {
			t.Errorf("%s: Search(%q) (-want +got):\n%s", st.name, st.terms, diff)
		}
	}
}

// Terms reach the store as content.SearchTerms makes them: whatever the query, no
// word may be syntax or fail a search.
func testSearchHostileTerms(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1)).ID
	it := mustCreateItem(t, cs, textItem(1, u, content.Published, "Punctuation test", "",
		"near the lake, this or that; a-b c:d it's 日本語 हिन्दी ok", ""))
	hostile := []string{
		`"`, `""`, `"punctuation`, `punctuation"`, `*`, `punct*`, `:*`, `OR`, `AND`, `NOT`, `NEAR`, `NEAR(`, `NEAR/2`,
		`'`, `''`, `it's`, `\`, `\\`, `:`, `c:d`, `title:punctuation`, `{title body}:x`, `-`, `-punctuation`, `a-b`,
		`()`, `(`, `)`, `^`, `+`, `&`, `|`, `!`, `<->`, `<2>`, `[`, `]`, `%`, `_`, `$1`, `?`, `;DROP TABLE items;--`,
		"日本語", "🙂", "e\u0301", "\x00", "\xff\xfe", "tab\there", strings.Repeat("x", 1000), strings.Repeat("a ", 200),
	}
	for _, term := range hostile {
		for _, terms := range [][]string{{term}, {"punctuation", term}, {term, "punctuation"}} {
			if _, err := cs.Search(ctx, content.SearchQuery{Terms: words(terms...)}); err != nil {
				t.Errorf("Search(%q) = %v, want no error", terms, err)
			}
		}
	}
	// Operators are words; punctuation separates words, as in the text.
	for _, tc := range []struct {
		terms []string
		want  []string
	}{
		{[]string{"OR"}, sortedIDs(it)},
		{[]string{"NEAR"}, sortedIDs(it)},
		{[]string{"NOT", "punctuation"}, []string{}},
		{[]string{`"punctuation"`}, sortedIDs(it)},
		{[]string{"punct*"}, sortedIDs(it)},
		{[]string{"title:punctuation"}, []string{}}, // "title" is a word here, not a column filter
		{[]string{"it's"}, sortedIDs(it)},
		{[]string{"a-b"}, sortedIDs(it)},
		{[]string{"c:d"}, sortedIDs(it)},
		{[]string{"-punctuation"}, sortedIDs(it)}, // not a negation
		{[]string{"日本語"}, sortedIDs(it)},
		{[]string{"हिन्दी"}, sortedIDs(it)}, // combining marks inside a word
		{[]string{"हिन्"}, sortedIDs(it)},
		{[]string{"'", "-", "()"}, []string{}},
	} {
		if diff := cmp.Diff(tc.want, found(t, cs, tc.terms...)); diff != "" {
			t.Errorf("Search(%q) (-want +got):\n%s", tc.terms, diff)
		}
	}
}

func testSearchDiacritics(t *testing.T, s store.Store) {
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1)).ID
	accented := mustCreateItem(t, cs, textItem(1, u, content.Published, "Café culture", "", "Crème brûlée for a naïve résumé", ""))
	plain := mustCreateItem(t, cs, textItem(2, u, content.Published, "Naive questions", "", "cafe au lait", ""))
	for _, tc := range []struct {
		terms []string
		want  []string
	}{
		{[]string{"cafe"}, sortedIDs(accented, plain)},
		{[]string{"café"}, sortedIDs(accented, plain)},
		{[]string{"CAFÉ"}, sortedIDs(accented, plain)},
		{[]string{"creme", "brulee"}, sortedIDs(accented)},
		{[]string{"bru"}, sortedIDs(accented)},
		{[]string{"résumé"}, sortedIDs(accented)},
		{[]string{"naïve"}, sortedIDs(accented, plain)},
	} {
		if diff := cmp.Diff(tc.want, found(t, cs, tc.terms...)); diff != "" {
			t.Errorf("Search(%q) (-want +got):\n%s", tc.terms, diff)
		}
	}
	// Snippets show the text as written.
	hits := mustSearch(t, cs, content.SearchQuery{Terms: []string{"brulee"}})
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "«brûlée»") {
		t.Errorf("Search(brulee) = %+v, want a snippet with «brûlée»", hits)
	}
}
