package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/store/pgtest"
)

// engines are the databases every HTTP scenario runs against. The PostgreSQL
// run skips, saying so, when LYO_TEST_POSTGRES_URL is unset, and fails in CI,
// which always sets it (pgtest.URL decides).
func engines(t *testing.T) map[string]func(t testing.TB) string {
	t.Helper()
	return map[string]func(t testing.TB) string{"sqlite": func(testing.TB) string { return "" }, "postgres": pgtest.URL}
}

// testRedisURL is LYO_TEST_REDIS_URL; without it the test skips, saying so, or
// fails when CI is set, since CI always sets it.
func testRedisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LYO_TEST_REDIS_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but LYO_TEST_REDIS_URL is not: the Redis tests cannot be skipped in CI")
		}
		t.Skip("Redis skipped: LYO_TEST_REDIS_URL is not set")
	}
	return u
}

// forEachEngine runs test once per database engine, each with a database of its own.
func forEachEngine(t *testing.T, test func(t *testing.T, dbURL string)) {
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) { test(t, dbURL(t)) })
	}
}

// testEnv is a configuration for a throwaway node: its own data directory and
// database, quiet logs, and any overrides the test sets.
func testEnv(t testing.TB, dbURL string, overrides map[string]string) func(string) string {
	t.Helper()
	m := map[string]string{
		"LYO_DATA_DIR":            t.TempDir(),
		"LYO_DATABASE_URL":        dbURL,
		"LYO_HTTP_ADDR":           "127.0.0.1:0",
		"LYO_LOG_LEVEL":           "error",
		"LYO_PASSWORD_MEMORY_KIB": "64",
		"LYO_PASSWORD_ITERATIONS": "1",
	}
	for k, v := range overrides {
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// newTestServer builds a fully wired, migrated node.
func newTestServer(t testing.TB, getenv func(string) string) *server {
	t.Helper()
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	return newTestServerFromConfig(t, cfg, io.Discard)
}

func newTestServerFromConfig(t testing.TB, cfg *config.Config, logs io.Writer) *server {
	t.Helper()
	return newTestServerAt(t, cfg, logs, time.Now)
}

func newTestServerAt(t testing.TB, cfg *config.Config, logs io.Writer, now func() time.Time) *server {
	t.Helper()
	s, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})), true, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	return s
}

// clock is a test's time: it stands still until the test moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// apiSpec is the served OpenAPI document, loaded for validation.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
}

// loadSpec returns the served document, loaded and validated once per test
// binary: loading it takes a while under the race detector, and nothing changes
// it after loading.
func loadSpec(t *testing.T) *apiSpec {
	t.Helper()
	spec, err := sharedSpec()
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

var sharedSpec = sync.OnceValues(func() (*apiSpec, error) {
	docs, err := apiDocs()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(docs.Document())
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is invalid: %w", err)
	}
	closeResponses(doc)
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &apiSpec{doc: doc, router: r}, nil
})

// closeResponses makes every object an answer describes refuse properties it
// does not list, in the tests' copy of the document only: a field the server
// starts sending fails every test that sees it until the document names it,
// while the served document still lets clients ignore fields they do not know.
func closeResponses(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef, inAllOf bool)
	walk = func(ref *openapi3.SchemaRef, inAllOf bool) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && !inAllOf && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			closed := false
			s.AdditionalProperties.Has = &closed
		}
		for _, p := range s.Properties {
			walk(p, false)
		}
		walk(s.Items, false)
		walk(s.AdditionalProperties.Schema, false)
		for _, sub := range s.AllOf {
			walk(sub, true) // each part of an allOf sees only its own properties
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				for _, media := range resp.Value.Content {
					walk(media.Schema, false)
				}
			}
		}
	}
}

// check validates a response against the document: the route must be documented,
// the status listed, and a JSON body must match its schema.
func (s *apiSpec) check(t testing.TB, req *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		if w.Code == http.StatusNotFound || w.Code == http.StatusMethodNotAllowed || w.Code == http.StatusBadRequest {
			return // unknown routes are answered by the generic problem contract
		}
		t.Errorf("%s %s is not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return
	}
	ct := w.Header().Get("Content-Type")
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 w.Code,
		Header:                 w.Header(),
		Body:                   io.NopCloser(bytes.NewReader(w.Body.Bytes())),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			ExcludeResponseBody:   !strings.Contains(ct, "json"),
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s answered %d, which the document does not describe: %v", req.Method, req.URL.Path, w.Code, err)
	}
}
