package apidoc

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testBase = `
openapi: 3.1.0
info: {title: T, version: "1"}
tags:
- name: ops
paths:
  /healthz:
    get: {operationId: liveness, responses: {"200": {description: ok}}}
components:
  schemas:
    Problem: {type: object}
`

const itemsPart = `
tags:
- name: items
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200": {description: ok}
        "400": {$ref: '#/components/responses/Bad'}
components:
  responses:
    Bad:
      description: bad
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
  schemas:
    Item:
      type: object
      properties:
        n: {type: integer, maximum: 100, default: 20}
        ok: {type: boolean, default: true}
        ratio: {type: number, maximum: 0.5}
        none: {default: null}
        text: {type: string, example: "1.0"}
        when: {type: string, example: 2026-01-02}
        html: {type: string, example: "<b>&</b>"}
`

func TestAssembleMergesInOrder(t *testing.T) {
	doc, err := Assemble(testBase, Part{Name: "items", YAML: itemsPart})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas   map[string]any `json:"schemas"`
			Responses map[string]any `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if len(got.Tags) != 2 || got.Tags[0].Name != "ops" || got.Tags[1].Name != "items" {
		t.Errorf("tags %+v, want ops then items", got.Tags)
	}
	if len(got.Paths) != 2 || got.Paths["/items"] == nil || got.Paths["/healthz"] == nil {
		t.Errorf("paths %v", got.Paths)
	}
	if got.Components.Schemas["Problem"] == nil || got.Components.Responses["Bad"] == nil {
		t.Errorf("components %+v", got.Components)
	}
	// Sections keep the order they were written in: openapi first, paths in part order.
	text := string(doc)
	for _, pair := range [][2]string{{`"openapi"`, `"info"`}, {`"info"`, `"paths"`}, {`"/healthz"`, `"/items"`}, {`"/items"`, `"components"`}} {
		if strings.Index(text, pair[0]) > strings.Index(text, pair[1]) {
			t.Errorf("%s comes after %s", pair[0], pair[1])
		}
	}
	item := got.Components.Schemas["Item"].(map[string]any)["properties"].(map[string]any)
	want := map[string]any{
		"n":     map[string]any{"type": "integer", "maximum": 100.0, "default": 20.0},
		"ok":    map[string]any{"type": "boolean", "default": true},
		"ratio": map[string]any{"type": "number", "maximum": 0.5},
		"none":  map[string]any{"default": nil},
		"text":  map[string]any{"type": "string", "example": "1.0"},
		"when":  map[string]any{"type": "string", "example": "2026-01-02"},
		"html":  map[string]any{"type": "string", "example": "<b>&</b>"},
	}
	if d := cmp.Diff(want, item); d != "" {
		t.Errorf("scalar types (-want +got):\n%s", d)
	}
	if strings.Contains(text, `\u003c`) {
		t.Error("HTML characters escaped in a document that is never HTML")
	}
}

func TestAssembleRefuses(t *testing.T) {
	tests := []struct {
		name, part, want string
	}{
		{"a path the base has", "paths: {/healthz: {get: {operationId: x, responses: {}}}}", `path "/healthz" is defined by both base and bad`},
		{"a path another part has", "paths: {/items: {post: {operationId: x, responses: {}}}}", `path "/items" is defined by both items and bad`},
		{"a schema another part has", "components: {schemas: {Item: {type: string}}}", `schema "Item" is defined by both items and bad`},
		{"a schema the base has", "components: {schemas: {Problem: {type: string}}}", `schema "Problem" is defined by both base and bad`},
		{"a response another part has", "components: {responses: {Bad: {description: x}}}", `response "Bad" is defined by both items and bad`},
		{"a tag another part has", "tags: [{name: items}]", `tag "items" is defined by both items and bad`},
		{"an operationId another part has", "paths: {/other: {get: {operationId: listItems, responses: {}}}}", `operationId "listItems" is defined by both items and bad`},
		{"a key given twice in one part", "paths:\n  /a: {get: {operationId: a, responses: {}}}\n  /a: {get: {operationId: b, responses: {}}}", `path "/a" is defined twice in bad`},
		{"a key given twice in a schema", "components: {schemas: {C: {type: string, type: integer}}}", `"type" is given twice`},
		{"a reference to nothing", "paths: {/b: {get: {operationId: b, responses: {\"200\": {$ref: '#/components/responses/Nope'}}}}}", "#/components/responses/Nope (line 1 of its part) refers to nothing"},
		{"a top-level key a part may not set", "info: {title: mine}", `top-level "info"`},
		{"an unknown components section", "components: {widgets: {a: {}}}", `unknown components section "widgets"`},
		{"a YAML alias", "components: {schemas: {A: &a {type: string}, B: *a}}", "aliases are not allowed"},
		{"a list where a mapping belongs", "paths: [a]", "paths is not a mapping"},
		{"not YAML", "paths: {", "openapi part bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Assemble(testBase, Part{Name: "items", YAML: itemsPart}, Part{Name: "bad", YAML: tt.part})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDocumentAnswersNotModified(t *testing.T) {
	d, err := New(Part{Name: "items", YAML: itemsPart})
	if err != nil {
		t.Fatalf("assemble: %v", err)
	}
	w := httptest.NewRecorder()
	if err := d.ServeDocument(w, httptest.NewRequest("GET", "/openapi.json", nil)); err != nil {
		t.Fatal(err)
	}
	tag := w.Header().Get("ETag")
	if w.Code != 200 || !json.Valid(w.Body.Bytes()) || !strings.Contains(w.Body.String(), `"/items"`) || tag == "" {
		t.Fatalf("first answer: %d, ETag %q, %.200s", w.Code, tag, w.Body)
	}
	req := httptest.NewRequest("GET", "/openapi.json", nil)
	req.Header.Set("If-None-Match", tag)
	w = httptest.NewRecorder()
	if err := d.ServeDocument(w, req); err != nil {
		t.Fatal(err)
	}
	if w.Code != 304 || w.Body.Len() != 0 {
		t.Errorf("with the tag in If-None-Match: %d and %d bytes, want a bare 304", w.Code, w.Body.Len())
	}
	other, err := New()
	if err != nil {
		t.Fatal(err)
	}
	w = httptest.NewRecorder()
	_ = other.ServeDocument(w, httptest.NewRequest("GET", "/openapi.json", nil))
	if w.Header().Get("ETag") == tag {
		t.Error("two different documents share a tag")
	}
}
