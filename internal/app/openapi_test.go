package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/lyolearn/lyo/internal/httpx"
)

// TestOpenAPIMatchesRoutes fails when a registered route is undocumented, when
// the document names a route the server does not have, and when an operation
// says something the route table contradicts: who may call it, whether it is
// rate limited, whether it reads a body.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	spec := loadSpec(t)
	s := newTestServer(t, testEnv(t, "", nil))
	registered := map[string]httpx.Route{}
	for _, r := range s.router.Routes() {
		registered[r.Method+" "+docPath(r.Path)] = r
	}
	documented := map[string]*openapi3.Operation{}
	for path, item := range spec.doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = op
		}
	}
	for key, r := range registered {
		op, ok := documented[key]
		if !ok {
			t.Errorf("route %s is not in the OpenAPI document", key)
			continue
		}
		for _, check := range []func(*openapi3.T, *openapi3.Operation, httpx.Route) error{checkAccess, checkLimits, checkBody, checkConditional} {
			if err := check(spec.doc, op, r); err != nil {
				t.Errorf("%s (access %s): %v", key, r.Access, err)
			}
		}
	}
	for key := range documented {
		if _, ok := registered[key]; !ok {
			t.Errorf("the OpenAPI document names %s, which no route serves", key)
		}
	}
	if len(registered) < 8 {
		t.Errorf("only %d routes registered", len(registered))
	}
}

// TestOpenAPIOperationsAreComplete holds every operation to what a reader and a
// client generator need: a summary, a description, defined tags, an
// operationId, the request ID on every answer, and problem documents for errors.
func TestOpenAPIOperationsAreComplete(t *testing.T) {
	doc := loadSpec(t).doc
	tags := map[string]bool{}
	for _, tag := range doc.Tags {
		tags[tag.Name] = true
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			if op.Summary == "" || op.Description == "" || op.OperationID == "" || len(op.Tags) == 0 {
				t.Errorf("%s: summary %q, description %q, operationId %q, tags %v: each must be set", key, op.Summary, op.Description, op.OperationID, op.Tags)
			}
			for _, tag := range op.Tags {
				if !tags[tag] {
					t.Errorf("%s: tag %q is not defined", key, tag)
				}
			}
			for status, ref := range op.Responses.Map() {
				if err := checkResponse(key, status, ref.Value); err != nil {
					t.Error(err)
				}
			}
		}
	}
}

// docPath is a ServeMux pattern's path as OpenAPI writes it.
func docPath(p string) string {
	if p = strings.TrimSuffix(p, "{$}"); p == "" {
		return "/"
	}
	return strings.ReplaceAll(p, "...}", "}") // a {key...} wildcard is one parameter
}

// checkAccess compares what an operation says about who may call it with the
// route's access: a public route says `security: []`, a signed-in one the bearer
// scheme, a role route the role (OAS 3.1 lets a non-OAuth requirement list
// roles) and its 403. Every signed-in route documents its 401.
func checkAccess(doc *openapi3.T, op *openapi3.Operation, r httpx.Route) error {
	if r.Access.IsPublic() {
		if op.Security == nil || len(*op.Security) != 0 {
			return fmt.Errorf("a public route must say security: [] (it says %v)", op.Security)
		}
		return nil
	}
	sec := op.Security
	if sec == nil {
		sec = &doc.Security
	}
	want := []string{}
	if role := r.Access.RoleName(); role != "" {
		want = []string{string(role)}
	}
	if len(*sec) != 1 || (*sec)[0]["bearerAuth"] == nil || !slices.Equal((*sec)[0]["bearerAuth"], want) {
		return fmt.Errorf("security %v, want [{bearerAuth: %v}]", *sec, want)
	}
	need := []string{"401"}
	if r.Access.RoleName() != "" {
		need = append(need, "403")
	}
	return documents(op, need...)
}

// checkLimits: a rate-limited route documents its 429 and the RateLimit headers
// of its successes; a route that is never limited documents neither.
func checkLimits(_ *openapi3.T, op *openapi3.Operation, r httpx.Route) error {
	limited := policyGroup(r) != noLimit
	if got := op.Responses.Value("429") != nil; got != limited {
		return fmt.Errorf("rate limited %v, but a 429 documented: %v", limited, got)
	}
	for status, ref := range op.Responses.Map() {
		if !strings.HasPrefix(status, "2") {
			continue
		}
		for _, h := range []string{"RateLimit", "RateLimit-Policy"} {
			if got := ref.Value.Headers[h] != nil; got != limited {
				return fmt.Errorf("rate limited %v, but its %s declares %s: %v", limited, status, h, got)
			}
		}
	}
	return nil
}

// checkBody: an operation that reads a JSON body documents what decoding one
// can answer.
func checkBody(_ *openapi3.T, op *openapi3.Operation, _ httpx.Route) error {
	if op.RequestBody == nil {
		return nil
	}
	content := op.RequestBody.Value.Content
	switch {
	case content.Get("multipart/form-data") != nil:
		// An upload: a malformed form, a file too large, of a type not taken.
		return documents(op, "400", "413", "415")
	case content.Get("application/octet-stream") != nil:
		return documents(op, "400", "413")
	case content.Get("application/json") == nil:
		return fmt.Errorf("the request body is neither JSON, a multipart upload nor bytes")
	}
	return documents(op, "400", "413", "415", "422")
}

// checkConditional: a read that takes If-None-Match documents its 304, a write
// that takes If-Match its 412, and both declare the ETag they answer.
func checkConditional(_ *openapi3.T, op *openapi3.Operation, _ httpx.Route) error {
	for _, p := range op.Parameters {
		var need string
		switch p.Value.Name {
		case "If-None-Match":
			need = "304"
		case "If-Match":
			need = "412"
		default:
			continue
		}
		if err := documents(op, need); err != nil {
			return fmt.Errorf("takes %s: %w", p.Value.Name, err)
		}
		ok := op.Responses.Value("200")
		if ok == nil || ok.Value.Headers["ETag"] == nil {
			return fmt.Errorf("takes %s but its 200 declares no ETag", p.Value.Name)
		}
	}
	return nil
}

func documents(op *openapi3.Operation, statuses ...string) error {
	for _, status := range statuses {
		if op.Responses.Value(status) == nil {
			return fmt.Errorf("no %s response documented", status)
		}
	}
	return nil
}

// checkResponse: every answer declares X-Request-ID, an error answers a problem
// document (a 422 one that lists the fields), and a 401 its challenge.
func checkResponse(key, status string, resp *openapi3.Response) error {
	if resp.Headers["X-Request-ID"] == nil {
		return fmt.Errorf("%s %s: X-Request-ID is not declared", key, status)
	}
	if status < "400" || key == "GET /readyz" {
		return nil // readiness answers its report with 503 too
	}
	media := resp.Content.Get("application/problem+json")
	if media == nil || len(resp.Content) != 1 {
		return fmt.Errorf("%s %s: an error must answer application/problem+json alone", key, status)
	}
	want := "#/components/schemas/Problem"
	if status == "422" {
		want = "#/components/schemas/ValidationProblem"
	}
	if media.Schema.Ref != want {
		return fmt.Errorf("%s %s: schema %q, want %s", key, status, media.Schema.Ref, want)
	}
	if status == "401" && resp.Headers["WWW-Authenticate"] == nil {
		return fmt.Errorf("%s 401: WWW-Authenticate is not declared", key)
	}
	return nil
}
