package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/obs"
)

func TestHTTPScenarios(t *testing.T) {
	spec := loadSpec(t)
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			s := newTestServer(t, testEnv(t, dbURL(t), map[string]string{"LYO_CORS_ORIGINS": "https://app.example"}))
			tests := []struct {
				name, method, path, body string
				header                   map[string]string
				status                   int
				contains                 string
			}{
				{"liveness", "GET", "/healthz", "", nil, 200, `"status":"ok"`},
				{"readiness shows the database", "GET", "/readyz", "", nil, 200, `{"name":"database","status":"ok"`},
				{"version", "GET", "/api/v1/version", "", nil, 200, `"name":"lyo"`},
				{"openapi document", "GET", "/openapi.json", "", nil, 200, `"openapi": "3.1.0"`},
				{"docs browser", "GET", "/docs", "", nil, 200, `<script src="/docs/docs.js">`},
				{"docs script", "GET", "/docs/docs.js", "", nil, 200, `fetch("/openapi.json")`},
				{"docs unknown asset", "GET", "/docs/passwd", "", nil, 404, `"code":"not_found"`},
				{"landing links docs and readiness", "GET", "/", "", nil, 200, `href="/readyz"`},
				{"metrics", "GET", "/metrics", "", nil, 200, "go_goroutines"},
				{"unknown api route", "GET", "/api/v1/nope", "", nil, 404, `"code":"not_found"`},
				{"unknown api route, any method", "DELETE", "/api/v2/x/y", "", nil, 404, `"code":"not_found"`},
				{"unknown page", "GET", "/nope.html", "", nil, 404, `"code":"not_found"`},
				{"wrong method", "POST", "/healthz", "{}", nil, 405, `"code":"method_not_allowed"`},
				{"unclean path", "GET", "//api//v1/version", "", nil, 400, `"code":"invalid_path"`},
				{"dot-dot path", "GET", "/api/v1/../../etc/passwd", "", nil, 400, `"code":"invalid_path"`},
				{"garbage request id replaced", "GET", "/healthz", "", map[string]string{"X-Request-ID": "<script>"}, 200, ""},
				{"cors preflight", "OPTIONS", "/api/v1/version", "", map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}, 204, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
					for k, v := range tt.header {
						req.Header.Set(k, v)
					}
					w := httptest.NewRecorder()
					s.handler.ServeHTTP(w, req)
					if w.Code != tt.status {
						t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
					}
					if !strings.Contains(w.Body.String(), tt.contains) {
						t.Errorf("body lacks %q:\n%.500s", tt.contains, w.Body)
					}
					if id := w.Header().Get("X-Request-ID"); id == "" || strings.ContainsAny(id, "<>") {
						t.Errorf("request id %q", id)
					}
					if w.Code >= 400 && w.Header().Get("Content-Type") != "application/problem+json" {
						t.Errorf("error answered as %q, not problem+json", w.Header().Get("Content-Type"))
					}
					if tt.method != "OPTIONS" {
						spec.check(t, req, w)
					}
				})
			}
		})
	}
}

func TestReadinessHidesInternalErrors(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", nil))
	s.health.Add(obs.Check{Name: "object storage", Run: func(context.Context) error {
		return context.DeadlineExceeded
	}})
	s.health.Add(obs.Check{Name: "broken", Run: func(context.Context) error {
		return &json.SyntaxError{} // any internal error
	}})
	s.db.Close()
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 503 {
		t.Fatalf("status %d with a closed database, want 503", w.Code)
	}
	var rep obs.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "unready" || rep.Checks[0].Name != "database" || rep.Checks[0].Status != "failing" {
		t.Errorf("report %+v", rep)
	}
	if strings.Contains(w.Body.String(), "sql") || strings.Contains(w.Body.String(), "closed") {
		t.Errorf("internal error text in readiness: %s", w.Body)
	}
}

func TestFlagsSwitchCode(t *testing.T) {
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			s := newTestServer(t, testEnv(t, dbURL(t), nil))
			get := func(method, path string) *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				s.handler.ServeHTTP(w, httptest.NewRequest(method, path, strings.NewReader("{}")))
				return w
			}
			ctx := context.Background()
			if w := get("POST", "/api/v1/anything"); w.Code != 404 {
				t.Fatalf("before maintenance: %d", w.Code)
			}
			if err := s.flags.Set(ctx, flags.Maintenance, true, "test"); err != nil {
				t.Fatal(err)
			}
			if w := get("POST", "/api/v1/anything"); w.Code != 503 || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"code":"maintenance"`) {
				t.Errorf("write during maintenance: %d %v %s", w.Code, w.Header(), w.Body)
			}
			if w := get("GET", "/api/v1/version"); w.Code != 200 {
				t.Errorf("read during maintenance: %d", w.Code)
			}
			if err := s.flags.Set(ctx, flags.APIDocs, false, "test"); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"/docs", "/openapi.json"} {
				if w := get("GET", p); w.Code != 404 {
					t.Errorf("%s with api_docs off: %d", p, w.Code)
				}
			}
			if err := s.flags.Reset(ctx, flags.APIDocs); err != nil {
				t.Fatal(err)
			}
			if w := get("GET", "/openapi.json"); w.Code != 200 {
				t.Errorf("openapi after reset: %d", w.Code)
			}
			if err := s.flags.Set(ctx, "addictive_mode", true, "test"); err == nil {
				t.Error("an unknown flag was accepted")
			}
		})
	}
}

func TestMetricsCountByRoute(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", nil))
	for _, p := range []string{"/healthz", "/healthz", "/api/v1/missing/1", "/api/v1/missing/2"} {
		s.handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`lyo_http_requests_total{method="GET",route="/healthz",status="2xx"} 2`,
		`lyo_http_requests_total{method="GET",route="unmatched",status="4xx"} 2`,
		`lyo_http_errors_total{category="not_found",code="not_found"} 2`,
		`lyo_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="2xx",le="+Inf"} 2`,
		`lyo_db_connections_max{engine="sqlite"}`,
		`lyo_http_requests_in_flight 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/api/v1/missing/1") {
		t.Error("a raw path became a label")
	}
}

func TestMetricsOnSeparateListener(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_METRICS_ADDR": "127.0.0.1:0"}))
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("/metrics on the API listener answered %d although it has its own", w.Code)
	}
}

func TestReadinessChecksRedis(t *testing.T) {
	redisURL := testRedisURL(t)
	for url, want := range map[string]string{redisURL: `{"name":"redis","status":"ok"`, "redis://127.0.0.1:1/0": `{"name":"redis","status":"failing"`} {
		s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_REDIS_URL": url}))
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		// Redis down leaves the node serving (limits per node): still 200.
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("redis %s: readiness %d %s, want 200 with %s", url, w.Code, w.Body, want)
		}
	}
}
