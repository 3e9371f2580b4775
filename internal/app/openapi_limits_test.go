package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// limitCase is one bound the document states for a request field: the value at
// the bound must be accepted by the document and by the server, the value one
// past it refused by both (the server with a 422 naming field).
type limitCase struct {
	method, docPath string   // the operation, as the document names it
	schema          []string // property names from the body schema to the field; "[]" steps into array items
	keyword         string   // maxLength, minLength, maxItems, minItems, maximum or minimum
	field           string   // the field the server's 422 names
	body            func(n int) any
}

// TestDocumentedLimitsAreTheServers reads bounds from the served document and
// sends the values at and just past each, so the document and the validation
// code cannot drift apart: a client generated from the document never sends
// what the server refuses, and never holds back what it accepts.
func TestDocumentedLimitsAreTheServers(t *testing.T) {
	spec := loadSpec(t)
	s := authServer(t, "", newClock(), map[string]string{"LYO_RATE_LIMIT": "false"})
	c := newClient(t, s, spec)
	creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
	me := c.as(c.register("someone@example.com", "someone password").AccessToken)
	var photo struct{ ID string }
	want(t, creator.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(32, 32))), 201, &photo)

	str := func(n int) string { return strings.Repeat("a", n) }
	item := func(set func(m map[string]any)) map[string]any {
		m := map[string]any{"kind": "article", "title": "Bounds"}
		set(m)
		return m
	}
	quiz := func(questions, choices, prompt int) map[string]any {
		qs := make([]any, questions)
		for i := range qs {
			cs := make([]any, choices)
			for j := range cs {
				cs[j] = map[string]any{"text": "choice " + strconv.Itoa(j)}
			}
			qs[i] = map[string]any{"prompt": str(prompt), "choices": cs, "answer": "1"}
		}
		return map[string]any{"kind": "quiz", "title": "Bounds", "quiz": map[string]any{"questions": qs}}
	}
	names := 0
	register := func(field string, value func(n int) string) func(int) any {
		return func(n int) any {
			names++ // every sign-up needs an address of its own
			m := map[string]any{"email": fmt.Sprintf("bound%d@example.com", names), "password": "a good password"}
			m[field] = value(n)
			return m
		}
	}
	username := func(n int) string { return "u" + str(n-1) }
	cases := []struct {
		who *client
		limitCase
	}{
		{c, limitCase{"POST", "/api/v1/auth/register", []string{"username"}, "maxLength", "username",
			register("username", username)}},
		{c, limitCase{"POST", "/api/v1/auth/register", []string{"username"}, "minLength", "username",
			register("username", username)}},
		{c, limitCase{"POST", "/api/v1/auth/register", []string{"password"}, "maxLength", "password",
			register("password", str)}},
		{c, limitCase{"POST", "/api/v1/auth/register", []string{"password"}, "minLength", "password",
			register("password", str)}},
		{me, limitCase{"PATCH", "/api/v1/me", []string{"display_name"}, "maxLength", "display_name",
			func(n int) any { return map[string]any{"display_name": str(n)} }}},
		{me, limitCase{"PATCH", "/api/v1/me", []string{"bio"}, "maxLength", "bio",
			func(n int) any { return map[string]any{"bio": str(n)} }}},
		{me, limitCase{"PATCH", "/api/v1/me", []string{"birth_year"}, "minimum", "birth_year",
			func(n int) any { return map[string]any{"birth_year": n} }}},
		{me, limitCase{"PATCH", "/api/v1/me", []string{"daily_limit_minutes"}, "maximum", "daily_limit_minutes",
			func(n int) any { return map[string]any{"daily_limit_minutes": n} }}},
		{me, limitCase{"PATCH", "/api/v1/me", []string{"break_reminder_minutes"}, "maximum", "break_reminder_minutes",
			func(n int) any { return map[string]any{"break_reminder_minutes": n} }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"title"}, "maxLength", "title",
			func(n int) any { return item(func(m map[string]any) { m["title"] = str(n) }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"description"}, "maxLength", "description",
			func(n int) any { return item(func(m map[string]any) { m["description"] = str(n) }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"body"}, "maxLength", "body",
			func(n int) any { return item(func(m map[string]any) { m["body"] = str(n) }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"topics"}, "maxItems", "topics",
			func(n int) any {
				return item(func(m map[string]any) {
					topics := make([]string, n)
					for i := range topics {
						topics[i] = "topic-" + strconv.Itoa(i)
					}
					m["topics"] = topics
				})
			}}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"topics", "[]"}, "maxLength", "topics",
			func(n int) any { return item(func(m map[string]any) { m["topics"] = []string{str(n)} }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"difficulty"}, "maximum", "difficulty",
			func(n int) any { return item(func(m map[string]any) { m["difficulty"] = n }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"episode"}, "maximum", "episode",
			func(n int) any { return item(func(m map[string]any) { m["episode"] = n }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"duration_ms"}, "maximum", "duration_ms",
			func(n int) any { return item(func(m map[string]any) { m["duration_ms"] = n }) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"media_ids"}, "maxItems", "media_ids",
			func(n int) any {
				return item(func(m map[string]any) { m["media_ids"] = slices.Repeat([]string{photo.ID}, n) })
			}}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"quiz", "questions"}, "maxItems", "quiz.questions",
			func(n int) any { return quiz(n, 2, 10) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"quiz", "questions", "[]", "choices"}, "maxItems", "quiz.questions[0].choices",
			func(n int) any { return quiz(1, n, 10) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"quiz", "questions", "[]", "choices"}, "minItems", "quiz.questions[0].choices",
			func(n int) any { return quiz(1, n, 10) }}},
		{creator, limitCase{"POST", "/api/v1/content", []string{"quiz", "questions", "[]", "prompt"}, "maxLength", "quiz.questions[0].prompt",
			func(n int) any { return quiz(1, 2, n) }}},
		{creator, limitCase{"POST", "/api/v1/series", []string{"description"}, "maxLength", "description",
			func(n int) any { return map[string]any{"title": "Bounds", "description": str(n)} }}},
	}
	for _, tt := range cases {
		name := fmt.Sprintf("%s %s %s %s", tt.method, tt.docPath, strings.Join(tt.schema, "."), tt.keyword)
		t.Run(name, func(t *testing.T) {
			bound, past := documentedBound(t, spec.doc, tt.limitCase)
			at, over := tt.body(bound), tt.body(past)
			if err := validateRequest(spec, tt.method, tt.docPath, at); err != nil {
				t.Errorf("the document refuses its own bound %d: %v", bound, err)
			}
			if err := validateRequest(spec, tt.method, tt.docPath, over); err == nil {
				t.Errorf("the document accepts %d, past its bound %d", past, bound)
			}
			if w := tt.who.do(tt.method, tt.docPath, at); w.Code >= 300 {
				t.Errorf("the server refuses the documented bound %d: %d %s", bound, w.Code, w.Body)
			}
			var p problem
			want(t, tt.who.do(tt.method, tt.docPath, over), 422, &p)
			if !slices.ContainsFunc(p.Errors, func(e struct {
				Field   string `json:"field"`
				Message string `json:"message"`
			}) bool {
				return e.Field == tt.field
			}) {
				t.Errorf("%d past the bound %d: the 422 names %+v, not %s", past, bound, p.Errors, tt.field)
			}
		})
	}
}

// documentedBound reads the case's keyword from the operation's request body
// schema, and the first value past it.
func documentedBound(t *testing.T, doc *openapi3.T, tc limitCase) (bound, past int) {
	t.Helper()
	op := doc.Paths.Find(tc.docPath).GetOperation(tc.method)
	s := op.RequestBody.Value.Content.Get("application/json").Schema.Value
	for _, p := range tc.schema {
		if p == "[]" {
			s = s.Items.Value
		} else {
			s = s.Properties[p].Value
		}
		if s == nil {
			t.Fatalf("the body schema has no %v", tc.schema)
		}
	}
	v, up := keyword(s, tc.keyword)
	for _, alt := range s.AnyOf { // e.g. birth_year: 0, or from 1900
		if v == nil || *v == 0 {
			v, up = keyword(alt.Value, tc.keyword)
		}
	}
	if v == nil || (*v == 0 && !up) {
		t.Fatalf("the document states no %s for %v", tc.keyword, tc.schema)
	}
	if up {
		return int(*v), int(*v) + 1
	}
	return int(*v), int(*v) - 1
}

// keyword is the value of a bound keyword of s, and whether it bounds from above.
func keyword(s *openapi3.Schema, name string) (v *float64, up bool) {
	up = true
	switch name {
	case "maxLength":
		v = uintPtr(s.MaxLength)
	case "maxItems":
		v = uintPtr(s.MaxItems)
	case "maximum":
		v = s.Max
	case "minLength":
		v, up = uintPtr(&s.MinLength), false
	case "minItems":
		v, up = uintPtr(&s.MinItems), false
	case "minimum":
		v, up = s.Min, false
	}
	return v, up
}

func uintPtr(u *uint64) *float64 {
	if u == nil {
		return nil
	}
	f := float64(*u)
	return &f
}

// validateRequest checks a request body against the document alone.
func validateRequest(spec *apiSpec, method, path string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	route, params, err := spec.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("find route: %w", err)
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
}

// TestDocumentedLimitsOfPagesAndBatches does the same for the bounds that are
// not a 422: a page's limit (400), a batch's size (413), an event's id (that
// event alone is rejected).
func TestDocumentedLimitsOfPagesAndBatches(t *testing.T) {
	spec := loadSpec(t)
	s := authServer(t, "", newClock(), map[string]string{"LYO_RATE_LIMIT": "false"})
	c := newClient(t, s, spec)
	creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
	it := creator.createItem(`{"kind":"article","title":"Something to watch","status":"published"}`)

	limit := spec.doc.Components.Parameters["Limit"].Value.Schema.Value
	if limit.Max == nil || limit.Min == nil {
		t.Fatal("the document states no bounds for limit")
	}
	for n, status := range map[int]int{int(*limit.Min): 200, int(*limit.Max): 200, int(*limit.Min) - 1: 400, int(*limit.Max) + 1: 400} {
		if w := creator.do("GET", "/api/v1/content?limit="+strconv.Itoa(n), nil); w.Code != status {
			t.Errorf("limit=%d: %d, want %d", n, w.Code, status)
		}
	}

	batch := func(n int, id func(i int) string) map[string]any {
		evs := make([]any, n)
		for i := range evs {
			evs[i] = map[string]any{"id": id(i), "type": "impression", "item_id": it.ID}
		}
		return map[string]any{"events": evs}
	}
	byIndex := func(i int) string { return "e" + strconv.Itoa(i) }
	eventSchema := spec.doc.Components.Schemas["EventBatch"].Value.Properties["events"].Value
	maxBatch := int(*eventSchema.MaxItems)
	if err := validateRequest(spec, "POST", "/api/v1/events", batch(maxBatch, byIndex)); err != nil {
		t.Errorf("the document refuses its own batch size %d: %v", maxBatch, err)
	}
	if err := validateRequest(spec, "POST", "/api/v1/events", batch(maxBatch+1, byIndex)); err == nil {
		t.Errorf("the document accepts %d events, past its bound", maxBatch+1)
	}
	want(t, creator.do("POST", "/api/v1/events", batch(maxBatch, byIndex)), 200, nil)
	var p problem
	want(t, creator.do("POST", "/api/v1/events", batch(maxBatch+1, byIndex)), 413, &p)
	if p.Code != "batch_too_large" {
		t.Errorf("a batch past the bound: code %q", p.Code)
	}

	maxID := int(*eventSchema.Items.Value.Properties["id"].Value.MaxLength)
	for n, status := range map[int]string{maxID: "accepted", maxID + 1: "rejected"} {
		id := func(int) string { return strings.Repeat("i", n) }
		if err := validateRequest(spec, "POST", "/api/v1/events", batch(1, id)); (err == nil) != (status == "accepted") {
			t.Errorf("an event id of %d characters: the document says %v", n, err)
		}
		var res eventResults
		want(t, creator.do("POST", "/api/v1/events", batch(1, id)), 200, &res)
		if res.Results[0].Status != status {
			t.Errorf("an event id of %d characters: %+v, want %s", n, res.Results[0], status)
		}
	}
}
