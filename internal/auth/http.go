package auth

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/httpx"
)

// Throttle limits password guesses. Accounts are named by their normalised
// email, whether or not one exists, so refusals reveal nothing. It must answer
// even when the store behind it is down: a throttle that lets guesses through
// unchecked is none.
type Throttle interface {
	// Admit decides, before any password is hashed, whether addr may try to
	// sign in to account; its error (a 429) is the answer when not.
	Admit(ctx context.Context, account string, addr netip.Addr) error
	// Failed records a wrong password for account from addr.
	Failed(ctx context.Context, account string, addr netip.Addr)
}

// Handlers serves the account routes.
type Handlers struct {
	svc           *Service
	cursors       *cursor.Codec
	loginThrottle Throttle
}

// Mount registers the account and admin routes and maps the service's errors.
// It leaves the router's authorizer alone: the wiring installs Authorizer, so
// every domain's routes are guarded by one explicit step.
func Mount(rt *httpx.Router, svc *Service, cursors *cursor.Codec, loginThrottle Throttle) {
	h := &Handlers{svc: svc, cursors: cursors, loginThrottle: loginThrottle}
	routes := []httpx.Route{
		{Method: "POST", Path: "/api/v1/auth/register", Access: httpx.Public, Limit: "auth", Handler: h.register},
		{Method: "POST", Path: "/api/v1/auth/login", Access: httpx.Public, Limit: "auth", Handler: h.login},
		{Method: "POST", Path: "/api/v1/auth/refresh", Access: httpx.Public, Limit: "auth", Handler: h.refresh},
		{Method: "POST", Path: "/api/v1/auth/logout", Access: httpx.AnyUser, Handler: h.logout},
		{Method: "POST", Path: "/api/v1/auth/logout-all", Access: httpx.AnyUser, Handler: h.logoutAll},
		{Method: "GET", Path: "/api/v1/me", Access: httpx.AnyUser, Handler: h.me},
		{Method: "PATCH", Path: "/api/v1/me", Access: httpx.AnyUser, Handler: h.updateMe},
		{Method: "DELETE", Path: "/api/v1/me", Access: httpx.AnyUser, Limit: "auth", Handler: h.deleteMe},
		{Method: "POST", Path: "/api/v1/me/password", Access: httpx.AnyUser, Limit: "auth", Handler: h.changePassword},
		{Method: "GET", Path: "/api/v1/me/export", Access: httpx.AnyUser, Handler: h.export},
		{Method: "GET", Path: "/api/v1/admin/users", Access: httpx.Role(access.Admin), Handler: h.listUsers},
		{Method: "PATCH", Path: "/api/v1/admin/users/{id}", Access: httpx.Role(access.Admin), Handler: h.adminUpdate},
		{Method: "GET", Path: "/api/v1/admin/audit", Access: httpx.Role(access.Admin), Handler: h.audit},
	}
	for i := range routes {
		routes[i].Handler = challenged(rt, routes[i].Handler)
	}
	rt.Handle(routes...)
	for _, m := range errorStatus {
		rt.MapError(m.kind, m.status, m.code)
	}
}

// errorStatus is the one table of what each kind of auth error answers.
var errorStatus = []struct {
	kind   error
	status int
	code   string
}{
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrEmailTaken, http.StatusConflict, "email_taken"},
	{ErrUsernameTaken, http.StatusConflict, "username_taken"},
	{ErrConflict, http.StatusConflict, "conflict"},
	{ErrInvalidCredentials, http.StatusUnauthorized, "invalid_credentials"},
	{ErrInvalidGrant, http.StatusUnauthorized, "invalid_grant"},
	{ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated"},
	{ErrForbidden, http.StatusForbidden, "forbidden"},
	{ErrDisabled, http.StatusForbidden, "account_disabled"},
	{ErrPreconditionFailed, http.StatusPreconditionFailed, "precondition_failed"},
}

// Authorizer is the router's access check backed by this service: it reads the
// bearer token and decides access before any body is read.
func (s *Service) Authorizer() httpx.Authorizer { return s.authorize }

func (s *Service) authorize(r *http.Request, a httpx.Access) (*http.Request, error) {
	raw, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return nil, unauthenticated(`Bearer realm="lyo"`, "send an access token: Authorization: Bearer <token>")
	}
	c, err := s.Authenticate(r.Context(), raw)
	if errors.Is(err, ErrUnauthenticated) {
		return nil, unauthenticated(challenge(err)+`, error_description="the access token is invalid, expired or revoked"`,
			"the access token is invalid, expired or revoked; refresh it or sign in again")
	}
	if err != nil {
		return nil, err
	}
	if need := a.RoleName(); need != "" && !c.Role.AtLeast(need) {
		return nil, fault.New(ErrForbidden, "forbidden", "this route needs the %s role", need)
	}
	return r.WithContext(httpx.WithCaller(r.Context(), c)), nil
}

// challenged adds the WWW-Authenticate challenge every 401 must carry (RFC 9110
// §11.6.1) to the errors of next that answer 401.
func challenged(rt *httpx.Router, next httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := next(w, r)
		if err != nil {
			if status, _ := rt.Outcome(err); status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", challenge(err))
			}
		}
		return err
	}
}

// challenge is the Bearer challenge for a 401. Refused credentials and refresh
// tokens are the token endpoint's invalid_grant (RFC 6749 §5.2); a refused access
// token is invalid_token (RFC 6750 §3.1); a request with no credentials gets the
// bare challenge.
func challenge(err error) string {
	switch {
	case errors.Is(err, ErrInvalidCredentials), errors.Is(err, ErrInvalidGrant):
		return `Bearer realm="lyo", error="invalid_grant"`
	case errors.Is(err, ErrUnauthenticated):
		return `Bearer realm="lyo", error="invalid_token"`
	}
	return `Bearer realm="lyo"`
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func unauthenticated(challenge, detail string) *httpx.Error {
	return &httpx.Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Detail: detail,
		Header: http.Header{"Www-Authenticate": {challenge}}}
}

// writeTokens answers a token pair, which no cache may keep (RFC 6749 §5.1).
func (h *Handlers) writeTokens(w http.ResponseWriter, status int, sess Session) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	return httpx.WriteJSON(w, status, newTokenView(sess, h.svc.now()))
}

func caller(r *http.Request) httpx.Caller {
	c, _ := httpx.CallerFrom(r.Context())
	return c
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Username string `json:"username"`
}

func (h *Handlers) register(w http.ResponseWriter, r *http.Request) error {
	var in credentials
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := h.svc.Register(r.Context(), in.Email, in.Password, in.Username, r.UserAgent())
	if err != nil {
		return err
	}
	return h.writeTokens(w, http.StatusCreated, sess)
}

func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	// Throttled before any hashing, so a flood of guesses costs the server
	// almost nothing; only wrong passwords count against an account.
	account, addr := NormalizeEmail(in.Email), httpx.ClientIP(r.Context())
	if h.loginThrottle != nil {
		if err := h.loginThrottle.Admit(r.Context(), account, addr); err != nil {
			return err
		}
	}
	sess, err := h.svc.Login(r.Context(), in.Email, in.Password, r.UserAgent())
	if errors.Is(err, ErrInvalidCredentials) && h.loginThrottle != nil {
		// Recorded even when the client has gone: a guess is a guess.
		h.loginThrottle.Failed(context.WithoutCancel(r.Context()), account, addr)
	}
	if err != nil {
		return err
	}
	return h.writeTokens(w, http.StatusOK, sess)
}

func (h *Handlers) refresh(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := h.svc.Refresh(r.Context(), in.RefreshToken)
	if err != nil {
		return err
	}
	return h.writeTokens(w, http.StatusOK, sess)
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Logout(r.Context(), caller(r).SessionID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) logoutAll(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.LogoutAll(r.Context(), caller(r).UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// userTag is the strong ETag of the caller's account as /me shows it at now:
// the row's version, and minor status, which the date alone can change.
func userTag(u User, now time.Time) string {
	return httpx.ETag(u.ID, strconv.FormatInt(u.Version, 10), strconv.FormatBool(u.Profile.IsMinor(now)))
}

func (h *Handlers) me(w http.ResponseWriter, r *http.Request) error {
	u, err := h.svc.Me(r.Context(), caller(r).UserID)
	if err != nil {
		return err
	}
	now := h.svc.now()
	return httpx.WriteResource(w, r, http.StatusOK, userTag(u, now), NewUserView(u, now))
}

// updateMe honours If-Match: the update is written only while the account is
// still the version the tag names, checked and written atomically by the store.
func (h *Handlers) updateMe(w http.ResponseWriter, r *http.Request) error {
	var p ProfilePatch
	if err := httpx.DecodeJSON(r, &p); err != nil {
		return err
	}
	var check func(User) error
	if httpx.HasIfMatch(r) {
		check = func(u User) error { return httpx.IfMatch(r, userTag(u, h.svc.now())) }
	}
	u, err := h.svc.UpdateMe(r.Context(), caller(r).UserID, p, check)
	if err != nil {
		return err
	}
	now := h.svc.now()
	return httpx.WriteResource(w, r, http.StatusOK, userTag(u, now), NewUserView(u, now))
}

func (h *Handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := h.svc.ChangePassword(r.Context(), caller(r).UserID, in.Current, in.New, r.UserAgent())
	if err != nil {
		return err
	}
	return h.writeTokens(w, http.StatusOK, sess)
}

func (h *Handlers) export(w http.ResponseWriter, r *http.Request) error {
	out, err := h.svc.Export(r.Context(), caller(r).UserID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="lyo-export.json"`)
	w.Header().Set("Cache-Control", "no-store")
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// deleteMe asks for the password again: a stolen access token alone must not be
// enough to erase an account.
func (h *Handlers) deleteMe(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Current string `json:"current_password"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c := caller(r)
	if err := h.svc.CheckPassword(r.Context(), c.UserID, in.Current); err != nil {
		return err
	}
	if err := h.svc.Delete(r.Context(), c.UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
