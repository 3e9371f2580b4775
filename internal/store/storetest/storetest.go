// Package storetest is the conformance suite every storage engine must pass, so that
// behaviour a user notices (ordering, not-found errors, races between nodes) is the
// same on SQLite and PostgreSQL.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/store"
)

// Run runs the suite. open must return a store on a fresh database that no other
// test uses, migrated or not; Run migrates it and closes it when the test ends.
// Subtests run in parallel, each with a store of its own.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	fresh := func(t *testing.T) store.Store {
		t.Helper()
		t.Parallel()
		s := open(t)
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Basics", testBasics},
		{"Migrate", testMigrate},
		{"FlagsSetAndList", testFlagsSetAndList},
		{"FlagsDelete", testFlagsDelete},
		{"SettingsAbsent", testSettingsAbsent},
		{"PutSettingIfAbsent", testPutSettingIfAbsent},
		{"PutSettingIfAbsentConcurrent", testPutSettingIfAbsentConcurrent},
		{"UserCreateAndLookup", testUserCreateAndLookup},
		{"AuthState", testAuthState},
		{"AuthStateSession", testAuthStateSession},
		{"UserUpdateProfile", testUserUpdateProfile},
		{"UserUpdateProfileConditional", testUserUpdateProfileConditional},
		{"UserPasswordAndVersion", testUserPasswordAndVersion},
		{"UserAdminUpdate", testUserAdminUpdate},
		{"ListUsers", testListUsers},
		{"ListUsersLimits", testListUsersLimits},
		{"FamilyCreateAndLookup", testFamilyCreateAndLookup},
		{"RotateRefreshToken", testRotateRefreshToken},
		{"RotateRefreshTokenRace", testRotateRefreshTokenRace},
		{"OneHeadPerFamily", testOneHeadPerFamily},
		{"RevokeFamilies", testRevokeFamilies},
		{"ListFamilies", testListFamilies},
		{"DeleteUserCascades", testDeleteUserCascades},
		{"TutorMessageCount", testTutorMessageCount},
		{"DeleteExpiredRefreshTokens", testDeleteExpiredRefreshTokens},
		{"Audit", testAudit},
		{"AuditLimits", testAuditLimits},
		{"ItemRoundTrip", testItemRoundTrip},
		{"ItemUpdateDelete", testItemUpdateDelete},
		{"Topics", testTopics},
		{"ListItems", testListItems},
		{"ListItemsLimits", testListItemsLimits},
		{"ListItemsSummaries", testListItemsSummaries},
		{"ItemsByIDs", testItemsByIDs},
		{"ConcurrentNewTopics", testConcurrentNewTopics},
		{"ConcurrentConditionalUpdates", testConcurrentConditionalUpdates},
		{"Series", testSeries},
		{"SetEpisodes", testSetEpisodes},
		{"Follows", testFollows},
		{"Blocks", testBlocks},
		{"EventsHiddenItems", testEventsHiddenItems},
		{"DeleteUserContentData", testDeleteUserContentData},
		{"Search", testSearch},
		{"SearchFollowsWrites", testSearchFollowsWrites},
		{"SearchHostileTerms", testSearchHostileTerms},
		{"SearchDiacritics", testSearchDiacritics},
		{"EventsIngestDedup", testEventsIngestDedup},
		{"EventsIngestErrors", testEventsIngestErrors},
		{"EventsItemStats", testEventsItemStats},
		{"EventsLikes", testEventsLikes},
		{"EventsConcurrentIngest", testEventsConcurrentIngest},
		{"EventsAffinities", testEventsAffinities},
		{"EventsUserItems", testEventsUserItems},
		{"EventsHide", testEventsHide},
		{"EventsLog", testEventsLog},
		{"EventsForget", testEventsForget},
		{"EventsCaps", testEventsCaps},
		{"FeedCatalogueItems", testFeedCatalogueItems},
		{"FeedLearnerRecord", testFeedLearnerRecord},
		{"FeedActivity", testFeedActivity},
		{"FeedTrendingRollUp", testFeedTrendingRollUp},
		{"FeedTrainingEvents", testFeedTrainingEvents},
		{"FeedItemTexts", testFeedItemTexts},
		{"FeedSnapshots", testFeedSnapshots},
		{"ImportUsers", testImportUsers},
		{"ImportCatalogue", testImportCatalogue},
		{"ImportFollows", testImportFollows},
		{"Close", testClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, fresh(t)) })
	}
}

func testBasics(t *testing.T, s store.Store) {
	ctx := context.Background()
	if e := s.Engine(); e != "sqlite" && e != "postgres" {
		t.Errorf("Engine() = %q, want sqlite or postgres", e)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if _, err := s.ListFlagOverrides(ctx); err != nil { // makes the pool open a connection
		t.Fatalf("ListFlagOverrides: %v", err)
	}
	st := s.PoolStats()
	if st.MaxOpen <= 0 {
		t.Errorf("PoolStats().MaxOpen = %d, want > 0", st.MaxOpen)
	}
	if st.Open < 1 || st.Open > st.MaxOpen || st.InUse+st.Idle > st.Open {
		t.Errorf("PoolStats() = %+v: want 1 <= Open <= MaxOpen and InUse+Idle <= Open", st)
	}
}

func testMigrate(t *testing.T, s store.Store) {
	ctx := context.Background()
	before, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	after, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if len(after) == 0 {
		t.Fatal("MigrationStatus lists no migrations")
	}
	for i, m := range after {
		if m.Version != i+1 || m.Name == "" || m.AppliedAt == nil {
			t.Errorf("MigrationStatus()[%d] = {%d %q %v}, want version %d, a name, applied", i, m.Version, m.Name, m.AppliedAt, i+1)
		}
	}
	// Migrating again must change nothing, not even the applied times.
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("MigrationStatus changed after a second Migrate (-before +after):\n%s", diff)
	}
}

// at returns a time in a non-UTC zone, whole microseconds because PostgreSQL keeps no more.
func at(minute int) time.Time {
	return time.Date(2025, 3, 4, 5, minute, 7, 123456000, time.FixedZone("CET", 3600))
}

func testFlagsSetAndList(t *testing.T, s store.Store) {
	ctx := context.Background()
	got, err := s.ListFlagOverrides(ctx)
	if err != nil {
		t.Fatalf("ListFlagOverrides: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("ListFlagOverrides on a new database = %v, want none", got)
	}
	// Mixed case and punctuation: both engines must order by bytes, not by locale.
	for i, name := range []string{"b", "a_b", "B", "a", "tutor.gemini"} {
		o := flags.Override{Name: name, Enabled: i%2 == 0, UpdatedAt: at(i), UpdatedBy: "user-" + name}
		if err := s.SetFlagOverride(ctx, o); err != nil {
			t.Fatalf("SetFlagOverride(%s): %v", name, err)
		}
	}
	// Setting again replaces every field.
	if err := s.SetFlagOverride(ctx, flags.Override{Name: "a", Enabled: false, UpdatedAt: at(30), UpdatedBy: "cli"}); err != nil {
		t.Fatalf("SetFlagOverride(a) again: %v", err)
	}
	got, err = s.ListFlagOverrides(ctx)
	if err != nil {
		t.Fatalf("ListFlagOverrides: %v", err)
	}
	want := []flags.Override{
		{Name: "B", Enabled: true, UpdatedAt: at(2), UpdatedBy: "user-B"},
		{Name: "a", Enabled: false, UpdatedAt: at(30), UpdatedBy: "cli"},
		{Name: "a_b", Enabled: false, UpdatedAt: at(1), UpdatedBy: "user-a_b"},
		{Name: "b", Enabled: true, UpdatedAt: at(0), UpdatedBy: "user-b"},
		{Name: "tutor.gemini", Enabled: true, UpdatedAt: at(4), UpdatedBy: "user-tutor.gemini"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListFlagOverrides mismatch (-want +got):\n%s", diff)
	}
	for _, o := range got {
		if o.UpdatedAt.Location() != time.UTC {
			t.Errorf("%s: UpdatedAt in %v, want UTC", o.Name, o.UpdatedAt.Location())
		}
	}
}

func testFlagsDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, name := range []string{"keep", "drop"} {
		if err := s.SetFlagOverride(ctx, flags.Override{Name: name, Enabled: true, UpdatedAt: at(0), UpdatedBy: "cli"}); err != nil {
			t.Fatalf("SetFlagOverride(%s): %v", name, err)
		}
	}
	if err := s.DeleteFlagOverride(ctx, "drop"); err != nil {
		t.Fatalf("DeleteFlagOverride(drop): %v", err)
	}
	got, err := s.ListFlagOverrides(ctx)
	if err != nil {
		t.Fatalf("ListFlagOverrides: %v", err)
	}
	if len(got) != 1 || got[0].Name != "keep" {
		t.Errorf("after delete, ListFlagOverrides = %v, want only keep", got)
	}
	for _, name := range []string{"drop", "never-set"} {
		if err := s.DeleteFlagOverride(ctx, name); !errors.Is(err, flags.ErrNotFound) {
			t.Errorf("DeleteFlagOverride(%s) = %v, want flags.ErrNotFound", name, err)
		}
	}
}

func testSettingsAbsent(t *testing.T, s store.Store) {
	v, err := s.GetSetting(context.Background(), "jwt.signing_key")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSetting(absent) = %q, %v; want store.ErrNotFound", v, err)
	}
}

func testPutSettingIfAbsent(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := []byte{0, 1, 2, 0xfe, 0xff, 'k'} // binary, with NUL bytes
	got, err := s.PutSettingIfAbsent(ctx, "key", first)
	if err != nil {
		t.Fatalf("PutSettingIfAbsent: %v", err)
	}
	if !bytes.Equal(got, first) {
		t.Errorf("first PutSettingIfAbsent = %x, want %x", got, first)
	}
	got, err = s.PutSettingIfAbsent(ctx, "key", []byte("second"))
	if err != nil {
		t.Fatalf("second PutSettingIfAbsent: %v", err)
	}
	if !bytes.Equal(got, first) {
		t.Errorf("second PutSettingIfAbsent = %x, want the first value %x", got, first)
	}
	got, err = s.GetSetting(ctx, "key")
	if err != nil || !bytes.Equal(got, first) {
		t.Errorf("GetSetting = %x, %v; want %x", got, err, first)
	}

	// An empty value is a value, not an absence.
	if _, err := s.PutSettingIfAbsent(ctx, "empty", nil); err != nil {
		t.Fatalf("PutSettingIfAbsent(empty): %v", err)
	}
	got, err = s.GetSetting(ctx, "empty")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("GetSetting(empty) = %#v, %v; want an empty non-nil value", got, err)
	}
}

func testPutSettingIfAbsentConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 8
	results := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = s.PutSettingIfAbsent(ctx, "race", fmt.Appendf(nil, "node-%d", i))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v", i, err)
		}
	}
	stored, err := s.GetSetting(ctx, "race")
	if err != nil {
		t.Fatalf("GetSetting: %v", err)
	}
	if !bytes.HasPrefix(stored, []byte("node-")) {
		t.Fatalf("stored value %q was never put", stored)
	}
	for i, r := range results {
		if !bytes.Equal(r, stored) {
			t.Errorf("goroutine %d got %q, but %q is stored", i, r, stored)
		}
	}
}

func testClose(t *testing.T, s store.Store) {
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Error("Ping after Close succeeded")
	}
}
