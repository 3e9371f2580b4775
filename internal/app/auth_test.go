package app

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
)

// authServer is a node whose clock the test controls.
func authServer(t *testing.T, dbURL string, clk *clock, overrides map[string]string) *server {
	t.Helper()
	cfg, err := loadConfig(testEnv(t, dbURL, overrides))
	if err != nil {
		t.Fatal(err)
	}
	return newTestServerAt(t, cfg, io.Discard, clk.Now)
}

func TestAccountLifecycle(t *testing.T) {
	spec := loadSpec(t)
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			clk := newClock()
			c := newClient(t, authServer(t, dbURL(t), clk, nil), spec)

			tk := c.register("  Ada.Lovelace+lyo@Example.COM ", "correct horse battery")
			if tk.TokenType != "Bearer" || tk.ExpiresIn != 900 || tk.User.Role != "learner" ||
				tk.User.Email != "ada.lovelace+lyo@example.com" || tk.User.Username != "ada_lovelace_lyo" {
				t.Errorf("register answered %+v", tk)
			}
			var p problem
			want(t, c.do("POST", "/api/v1/auth/register", map[string]string{"email": "ADA.LOVELACE+lyo@example.com", "password": "another password"}), 409, &p)
			if p.Code != "email_taken" {
				t.Errorf("duplicate email: %+v", p)
			}
			want(t, c.do("POST", "/api/v1/auth/register", map[string]string{"email": "ada2@example.com", "password": "another password", "username": "Ada_Lovelace_Lyo"}), 409, &p)
			if p.Code != "username_taken" {
				t.Errorf("duplicate username in other case: %+v", p)
			}
			want(t, c.do("POST", "/api/v1/auth/register", map[string]string{"email": "not-an-email", "password": "short"}), 422, &p)
			if len(p.Errors) != 2 {
				t.Errorf("bad email and short password: %+v", p)
			}

			me := c.as(tk.AccessToken)
			var u map[string]any
			want(t, me.do("GET", "/api/v1/me", nil), 200, &u)
			if u["id"] != tk.User.ID {
				t.Errorf("me: %v", u)
			}
			want(t, me.do("PATCH", "/api/v1/me", map[string]any{"display_name": "Ada", "birth_year": clk.Now().Year() - 15, "language": "pt-br", "daily_limit_minutes": 45}), 200, &u)
			if u["display_name"] != "Ada" || u["is_minor"] != true || u["language"] != "pt-BR" || u["daily_limit_minutes"] != float64(45) {
				t.Errorf("profile update: %v", u)
			}
			want(t, me.do("PATCH", "/api/v1/me", map[string]any{"birth_year": 1850, "break_reminder_minutes": -5}), 422, &p)
			if len(p.Errors) != 2 {
				t.Errorf("invalid profile: %+v", p)
			}

			// Login: unknown email and wrong password look the same.
			var bad1, bad2 problem
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.com", "password": "whatever123"}), 401, &bad1)
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada.lovelace+lyo@example.com", "password": "wrong password"}), 401, &bad2)
			if bad1.Code != "invalid_credentials" || bad1.Code != bad2.Code || bad1.Status != bad2.Status {
				t.Errorf("unknown user %+v and wrong password %+v differ", bad1, bad2)
			}
			var second tokens
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "Ada.Lovelace+lyo@example.com", "password": "correct horse battery"}), 200, &second)

			// Refresh rotates; a second use within the grace window answers an
			// access token but never a refresh token of its own.
			var r1, r2 tokens
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}), 200, &r1)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}), 200, &r2)
			if r1.RefreshToken == "" || r1.RefreshToken == tk.RefreshToken {
				t.Error("refresh did not rotate")
			}
			if r2.RefreshToken != "" || r2.AccessToken == "" {
				t.Errorf("a repeat within the grace window answered refresh token %q, access token %q; want none and one", r2.RefreshToken, r2.AccessToken)
			}
			// After the grace window, reuse revokes the whole family.
			clk.Advance(11 * time.Second)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}), 401, &p)
			if p.Code != "invalid_grant" {
				t.Errorf("reuse: %+v", p)
			}
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": r1.RefreshToken}), 401, &p)
			if p.Code != "invalid_grant" {
				t.Errorf("the family survived reuse: %+v", p)
			}
			// The other device's sign-in is untouched by that.
			var s2 tokens
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": second.RefreshToken}), 200, &s2)

			// Logout ends this device only; logout-all ends everything at once.
			want(t, c.as(s2.AccessToken).do("POST", "/api/v1/auth/logout", nil), 204, nil)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s2.RefreshToken}), 401, nil)
			var third tokens
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada.lovelace+lyo@example.com", "password": "correct horse battery"}), 200, &third)
			want(t, c.as(third.AccessToken).do("POST", "/api/v1/auth/logout-all", nil), 204, nil)
			want(t, c.as(third.AccessToken).do("GET", "/api/v1/me", nil), 401, &p)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": third.RefreshToken}), 401, nil)

			// Expired refresh tokens and access tokens.
			var fourth tokens
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada.lovelace+lyo@example.com", "password": "correct horse battery"}), 200, &fourth)
			clk.Advance(16 * time.Minute)
			want(t, c.as(fourth.AccessToken).do("GET", "/api/v1/me", nil), 401, nil)
			clk.Advance(31 * 24 * time.Hour)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": fourth.RefreshToken}), 401, &p)
			if p.Code != "invalid_grant" {
				t.Errorf("expired refresh token: %+v", p)
			}
		})
	}
}

func TestChangePasswordExportAndDelete(t *testing.T) {
	spec := loadSpec(t)
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			c := newClient(t, authServer(t, dbURL(t), newClock(), nil), spec)
			laptop := c.register("grace@example.com", "first password")
			var phone tokens
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "grace@example.com", "password": "first password"}), 200, &phone)

			var p problem
			want(t, c.as(laptop.AccessToken).do("POST", "/api/v1/me/password", map[string]string{"current_password": "nope nope", "new_password": "second password"}), 422, &p)
			var fresh tokens
			want(t, c.as(laptop.AccessToken).do("POST", "/api/v1/me/password", map[string]string{"current_password": "first password", "new_password": "second password"}), 200, &fresh)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": phone.RefreshToken}), 401, nil)
			want(t, c.as(phone.AccessToken).do("GET", "/api/v1/me", nil), 401, nil)
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "grace@example.com", "password": "first password"}), 401, nil)

			me := c.as(fresh.AccessToken)
			var export map[string]any
			want(t, me.do("GET", "/api/v1/me/export", nil), 200, &export)
			if acct, _ := export["account"].(map[string]any); acct["email"] != "grace@example.com" {
				t.Errorf("export account: %v", export)
			}
			if sess, _ := export["sessions"].([]any); len(sess) < 3 {
				t.Errorf("export lists %d sessions, want the three sign-ins", len(sess))
			}

			want(t, me.do("DELETE", "/api/v1/me", map[string]string{"current_password": "first password"}), 422, nil)
			want(t, me.do("DELETE", "/api/v1/me", nil), 400, nil)
			want(t, me.do("DELETE", "/api/v1/me", map[string]string{"current_password": "second password"}), 204, nil)
			want(t, me.do("GET", "/api/v1/me", nil), 401, nil)
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "grace@example.com", "password": "second password"}), 401, nil)
			// The address is free again.
			c.register("grace@example.com", "third password")
		})
	}
}

func TestMassAssignmentChangesNothing(t *testing.T) {
	forEachEngine(t, testMassAssignmentChangesNothing)
}

func testMassAssignmentChangesNothing(t *testing.T, dbURL string) {
	c := newClient(t, authServer(t, dbURL, newClock(), nil), loadSpec(t))
	tk := c.register("eve@example.com", "eve's password")
	me := c.as(tk.AccessToken)
	for _, body := range []string{`{"role":"admin"}`, `{"email_verified":true}`, `{"display_name":"x","role":"admin"}`, `{"email":"other@example.com"}`, `{"disabled":false}`} {
		var p problem
		want(t, me.do("PATCH", "/api/v1/me", body), 422, &p)
		if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Message != "unknown field" {
			t.Errorf("%s: %+v", body, p)
		}
	}
	var u map[string]any
	want(t, me.do("GET", "/api/v1/me", nil), 200, &u)
	if u["role"] != "learner" || u["email"] != "eve@example.com" || u["display_name"] != "" {
		t.Errorf("mass assignment changed the account: %v", u)
	}
	// Registration cannot pick a role either.
	var p problem
	want(t, c.do("POST", "/api/v1/auth/register", `{"email":"mallory@example.com","password":"mallory's pw","role":"admin"}`), 422, &p)
}

func TestRolesAndAdmin(t *testing.T) {
	spec := loadSpec(t)
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			s := authServer(t, dbURL(t), newClock(), nil)
			c := newClient(t, s, spec)
			admin := c.createUser("root@example.com", "admin password", "admin")
			learner := c.register("bob@example.com", "bob's password")

			var p problem
			want(t, c.do("GET", "/api/v1/admin/users", nil), 401, &p)
			want(t, c.as(learner.AccessToken).do("GET", "/api/v1/admin/users", nil), 403, &p)
			want(t, c.as(learner.AccessToken).do("PATCH", "/api/v1/admin/users/"+learner.User.ID, `{"role":"admin"}`), 403, &p)
			want(t, c.as(learner.AccessToken).do("PUT", "/api/v1/admin/flags/maintenance", `not even json`), 403, &p)

			a := c.as(admin.AccessToken)
			var page struct {
				Items []map[string]any `json:"items"`
				Next  string           `json:"next_cursor"`
			}
			want(t, a.do("GET", "/api/v1/admin/users?limit=1", nil), 200, &page)
			if len(page.Items) != 1 || page.Next == "" {
				t.Fatalf("first page: %+v", page)
			}
			next := page.Next
			page.Items, page.Next = nil, ""
			want(t, a.do("GET", "/api/v1/admin/users?limit=1&cursor="+next, nil), 200, &page)
			if len(page.Items) != 1 || page.Next != "" {
				t.Errorf("second page: %+v", page)
			}
			want(t, a.do("GET", "/api/v1/admin/users?cursor="+next+"forged", nil), 400, &p)
			want(t, a.do("GET", "/api/v1/admin/users?cursor=eyJhIjoienp6In0.AAAAAAAAAAAAAAAAAAAAAA", nil), 400, &p)
			if p.Code != "invalid_cursor" {
				t.Errorf("forged cursor: %+v", p)
			}
			page.Items = nil
			want(t, a.do("GET", "/api/v1/admin/users?q=BOB", nil), 200, &page)
			if len(page.Items) != 1 || page.Items[0]["email"] != "bob@example.com" {
				t.Errorf("search: %+v", page)
			}
			want(t, a.do("GET", "/api/v1/admin/users?limit=1000", nil), 400, &p)

			// Promote, then disable: the learner's token stops working at once.
			var u map[string]any
			want(t, a.do("PATCH", "/api/v1/admin/users/"+learner.User.ID, `{"role":"creator"}`), 200, &u)
			if u["role"] != "creator" {
				t.Errorf("promotion: %v", u)
			}
			want(t, c.as(learner.AccessToken).do("GET", "/api/v1/me", nil), 401, nil) // token version moved
			var relogin tokens
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "bob@example.com", "password": "bob's password"}), 200, &relogin)
			want(t, a.do("PATCH", "/api/v1/admin/users/"+learner.User.ID, `{"disabled":true}`), 200, &u)
			want(t, c.as(relogin.AccessToken).do("GET", "/api/v1/me", nil), 401, nil)
			want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": relogin.RefreshToken}), 401, nil)
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "bob@example.com", "password": "bob's password"}), 403, &p)
			if p.Code != "account_disabled" {
				t.Errorf("disabled login: %+v", p)
			}

			want(t, a.do("PATCH", "/api/v1/admin/users/"+admin.User.ID, `{"disabled":true}`), 409, &p)
			want(t, a.do("PATCH", "/api/v1/admin/users/"+admin.User.ID, `{"role":"learner"}`), 409, &p)
			want(t, a.do("PATCH", "/api/v1/admin/users/nobody", `{"role":"learner"}`), 404, &p)
			want(t, a.do("PATCH", "/api/v1/admin/users/"+learner.User.ID, `{"role":"overlord"}`), 422, &p)

			// Flags through the admin API, audited.
			var flag map[string]any
			want(t, a.do("PUT", "/api/v1/admin/flags/api_docs", `{"enabled":false}`), 200, &flag)
			if flag["enabled"] != false {
				t.Errorf("flag: %v", flag)
			}
			want(t, c.do("GET", "/docs", nil), 404, nil)
			want(t, a.do("DELETE", "/api/v1/admin/flags/api_docs", nil), 200, &flag)
			want(t, a.do("PUT", "/api/v1/admin/flags/addiction_score", `{"enabled":true}`), 404, &p)
			want(t, a.do("PUT", "/api/v1/admin/flags/api_docs", `{}`), 422, &p)

			var audit struct {
				Items []struct {
					ActorID  string `json:"actor_id"`
					Action   string `json:"action"`
					TargetID string `json:"target_id"`
				} `json:"items"`
			}
			want(t, a.do("GET", "/api/v1/admin/audit", nil), 200, &audit)
			var got []string
			for _, e := range audit.Items {
				got = append(got, e.Action+" "+e.TargetID)
			}
			wantActions := []string{"flag.reset api_docs", "flag.set api_docs", "user.update " + learner.User.ID, "user.update " + learner.User.ID, "user.create " + admin.User.ID}
			if strings.Join(got, "|") != strings.Join(wantActions, "|") {
				t.Errorf("audit:\n got %q\nwant %q", got, wantActions)
			}
		})
	}
}

// createUser makes an account with a role the way an operator does, then signs in.
func (c *client) createUser(email, pw, role string) tokens {
	c.t.Helper()
	u, err := c.s.auth.CreateUser(c.t.Context(), email, pw, "", access.Role(role))
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.s.auth.Record(c.t.Context(), "cli", "user.create", u.ID, nil); err != nil {
		c.t.Fatal(err)
	}
	var tk tokens
	want(c.t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw}), 200, &tk)
	return tk
}

// TestSigningKeyRotation follows the README's rotation steps on one database.
func TestSigningKeyRotation(t *testing.T) {
	k1, k2 := mustKeygen(t), mustKeygen(t)
	dir := t.TempDir()
	node := func(keys string) *client {
		env := testEnv(t, "", map[string]string{"LYO_DATA_DIR": dir, "LYO_AUTH_SIGNING_KEYS": keys})
		return newClient(t, newTestServer(t, env), nil)
	}
	old := node(k1)
	tk := old.register("rotating@example.com", "rotation password")
	for _, step := range []struct {
		keys string
		ok   bool
	}{{k1 + "," + k2, true}, {k2 + "," + k1, true}, {k2, false}} {
		w := node(step.keys).as(tk.AccessToken).do("GET", "/api/v1/me", nil)
		if (w.Code == 200) != step.ok {
			t.Errorf("keys %s: a token signed by the first key answered %d", step.keys, w.Code)
		}
	}
	// Tokens signed after the swap verify where both keys are known.
	var fresh tokens
	want(t, node(k2+","+k1).do("POST", "/api/v1/auth/login", map[string]string{"email": "rotating@example.com", "password": "rotation password"}), 200, &fresh)
	want(t, node(k1+","+k2).as(fresh.AccessToken).do("GET", "/api/v1/me", nil), 200, nil)
	want(t, node(k1).as(fresh.AccessToken).do("GET", "/api/v1/me", nil), 401, nil)
}

func mustKeygen(t *testing.T) string {
	t.Helper()
	out, err := runCLI(t, nil, "config", "keygen")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// TestFailedDeletionLeavesAccountUsable makes one domain fail to delete its
// part: the account must not end up disabled and half-deleted, out of its
// owner's reach.
func TestFailedDeletionLeavesAccountUsable(t *testing.T) {
	s := authServer(t, "", newClock(), nil)
	s.auth.RegisterData(auth.DataPart{Name: "flaky",
		Export: func(context.Context, string) (any, error) { return nil, nil },
		Delete: func(context.Context, string) error { return errors.New("object storage unreachable") }})
	c := newClient(t, s, nil)
	tk := c.register("keeper@example.com", "keeper password")
	want(t, c.as(tk.AccessToken).do("DELETE", "/api/v1/me", map[string]string{"current_password": "keeper password"}), 500, nil)
	var again tokens
	want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "keeper@example.com", "password": "keeper password"}), 200, &again)
	want(t, c.as(again.AccessToken).do("GET", "/api/v1/me", nil), 200, nil)
}
