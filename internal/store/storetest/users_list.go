package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/store/query"
)

func testListUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	var all []auth.User
	for i, name := range []string{"Alice", "bob", "ALICIA", "100%_real", "1000x", "carol", "dave"} {
		u := newUser(i)
		u.Username = name
		if name == "carol" {
			u.Email = "alice.fan@example.com" // matches "alice" by email only
		}
		if i%2 == 1 {
			u.Role = access.Creator
		}
		all = append(all, mustCreate(t, s, u))
	}
	pick := func(idx ...int) []auth.User {
		var out []auth.User
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    auth.UserQuery
		want []auth.User
	}{
		{"all", auth.UserQuery{}, all},
		{"search ignores case", auth.UserQuery{Search: "ALIC"}, pick(0, 2, 5)},
		{"search email", auth.UserQuery{Search: "FAN@"}, pick(5)},
		{"percent is literal", auth.UserQuery{Search: "0%"}, pick(3)},
		{"underscore is literal", auth.UserQuery{Search: "%_r"}, pick(3)},
		{"backslash is literal", auth.UserQuery{Search: `\`}, nil},
		{"role", auth.UserQuery{Role: access.Creator}, pick(1, 3, 5)},
		{"role and search", auth.UserQuery{Role: access.Learner, Search: "alic"}, pick(0, 2)},
		{"after", auth.UserQuery{AfterID: all[4].ID}, pick(5, 6)},
		{"limit", auth.UserQuery{Limit: 2}, pick(0, 1)},
		{"no match", auth.UserQuery{Search: "zzz"}, nil},
	} {
		got, err := s.ListUsers(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: ListUsers(%+v): %v", tc.name, tc.q, err)
		}
		if got == nil {
			t.Errorf("%s: ListUsers returned nil, want an empty slice", tc.name)
		}
		if diff := cmp.Diff(tc.want, got, sameMicro, cmpEmptyEqual); diff != "" {
			t.Errorf("%s: ListUsers(%+v) (-want +got):\n%s", tc.name, tc.q, diff)
		}
	}

	// Walking the pages visits every user once, in ID order.
	var walked []auth.User
	q := auth.UserQuery{Limit: 3}
	for pages := 0; ; pages++ {
		page, err := s.ListUsers(ctx, q)
		if err != nil {
			t.Fatalf("ListUsers page %d: %v", pages, err)
		}
		if len(page) == 0 || pages > len(all) {
			break
		}
		walked = append(walked, page...)
		q.AfterID = page[len(page)-1].ID
	}
	if diff := cmp.Diff(all, walked, sameMicro); diff != "" {
		t.Errorf("pages walked (-want +got):\n%s", diff)
	}
}

func testListUsersLimits(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = query.MaxLimit + 4
	for i := range n {
		mustCreate(t, s, newUser(i))
	}
	for _, tc := range []struct{ limit, want int }{
		{0, query.DefaultLimit}, {-5, query.DefaultLimit}, {7, 7}, {query.MaxLimit, query.MaxLimit}, {10000, query.MaxLimit},
	} {
		got, err := s.ListUsers(ctx, auth.UserQuery{Limit: tc.limit})
		if err != nil {
			t.Fatalf("ListUsers(Limit %d): %v", tc.limit, err)
		}
		if len(got) != tc.want {
			t.Errorf("ListUsers(Limit %d) = %d users, want %d", tc.limit, len(got), tc.want)
		}
	}
}

// cmpEmptyEqual treats a nil and an empty slice alike, for wants written as nil.
var cmpEmptyEqual = cmp.FilterValues(func(a, b []auth.User) bool { return len(a) == 0 && len(b) == 0 },
	cmp.Comparer(func(_, _ []auth.User) bool { return true }))
