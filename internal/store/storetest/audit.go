package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/store/query"
)

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	admin, other := id.New(t0), id.New(t0)
	targetA, targetB := id.New(t0), id.New(t0)
	var all []auth.AuditEntry // oldest first
	for i, e := range []auth.AuditEntry{
		{ActorID: admin, Action: "user.update", TargetID: targetA,
			Details: map[string]any{"role": "moderator", "disabled": false, "version": float64(3)}},
		{ActorID: "cli", Action: "flag.set", TargetID: "maintenance", Details: map[string]any{"enabled": true}},
		{ActorID: admin, Action: "user.delete", TargetID: targetB,
			Details: map[string]any{"reason": "spam “quoted” ✨", "nested": map[string]any{"ids": []any{"a", float64(1.5)}}}},
		{ActorID: other, Action: "user.update", TargetID: targetA, Details: map[string]any{}},
		{ActorID: admin, Action: "user.update", TargetID: targetA, Details: nil}, // reads back as {}
	} {
		e.At = t0.Add(time.Duration(i) * time.Second)
		e.ID = id.New(e.At)
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatalf("AppendAudit(%d): %v", i, err)
		}
		if e.Details == nil {
			e.Details = map[string]any{}
		}
		all = append(all, e)
	}
	pick := func(idx ...int) []auth.AuditEntry {
		var out []auth.AuditEntry
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    auth.AuditQuery
		want []auth.AuditEntry
	}{
		{"all, newest first", auth.AuditQuery{}, pick(4, 3, 2, 1, 0)},
		{"actor", auth.AuditQuery{ActorID: admin}, pick(4, 2, 0)},
		{"target", auth.AuditQuery{TargetID: targetA}, pick(4, 3, 0)},
		{"actor and target", auth.AuditQuery{ActorID: admin, TargetID: targetA}, pick(4, 0)},
		{"before", auth.AuditQuery{BeforeID: all[3].ID}, pick(2, 1, 0)},
		{"before with actor", auth.AuditQuery{ActorID: admin, BeforeID: all[2].ID}, pick(0)},
		{"limit", auth.AuditQuery{Limit: 2}, pick(4, 3)},
		{"no match", auth.AuditQuery{ActorID: "nobody"}, []auth.AuditEntry{}},
	} {
		got, err := s.ListAudit(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: ListAudit: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got, sameMicro); diff != "" {
			t.Errorf("%s: ListAudit(%+v) (-want +got):\n%s", tc.name, tc.q, diff)
		}
	}

	// Paging with BeforeID visits every entry once, newest first.
	var walked []auth.AuditEntry
	q := auth.AuditQuery{Limit: 2}
	for pages := 0; pages <= len(all); pages++ {
		page, err := s.ListAudit(ctx, q)
		if err != nil {
			t.Fatalf("ListAudit page %d: %v", pages, err)
		}
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
		q.BeforeID = page[len(page)-1].ID
	}
	if diff := cmp.Diff(pick(4, 3, 2, 1, 0), walked, sameMicro); diff != "" {
		t.Errorf("pages walked (-want +got):\n%s", diff)
	}
}

func testAuditLimits(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range query.MaxLimit + 4 {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		if err := s.AppendAudit(ctx, auth.AuditEntry{ID: id.New(at), At: at, ActorID: "cli", Action: "flag.set"}); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
	for _, tc := range []struct{ limit, want int }{{0, query.DefaultLimit}, {3, 3}, {10000, query.MaxLimit}} {
		got, err := s.ListAudit(ctx, auth.AuditQuery{Limit: tc.limit})
		if err != nil {
			t.Fatalf("ListAudit(Limit %d): %v", tc.limit, err)
		}
		if len(got) != tc.want {
			t.Errorf("ListAudit(Limit %d) = %d entries, want %d", tc.limit, len(got), tc.want)
		}
	}
}
