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
// says something about access the route table does not: a public route must say
// `security: []`, a signed-in one the bearer scheme, a role route the role (OAS
// 3.1 lets a non-OAuth requirement list roles) and its 403.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	spec := loadSpec(t)
	s := newTestServer(t, testEnv(t, "", nil))
	routes := s.router.Routes()
	registered := map[string]httpx.Route{}
	for _, r := range routes {
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
		if err := checkAccess(spec.doc, op, r.Access); err != nil {
			t.Errorf("%s (access %s): %v", key, r.Access, err)
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

// docPath is a ServeMux pattern's path as OpenAPI writes it.
func docPath(p string) string {
	if p = strings.TrimSuffix(p, "{$}"); p == "" {
		return "/"
	}
	return p
}

// checkAccess compares what an operation says about who may call it with the route's access.
func checkAccess(doc *openapi3.T, op *openapi3.Operation, a httpx.Access) error {
	if a.IsPublic() {
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
	if role := a.RoleName(); role != "" {
		want = []string{string(role)}
	}
	if len(*sec) != 1 || (*sec)[0]["bearerAuth"] == nil || !slices.Equal((*sec)[0]["bearerAuth"], want) {
		return fmt.Errorf("security %v, want [{bearerAuth: %v}]", *sec, want)
	}
	need := []string{"401"}
	if a.RoleName() != "" {
		need = append(need, "403")
	}
	for _, status := range need {
		if op.Responses.Value(status) == nil {
			return fmt.Errorf("no %s response documented", status)
		}
	}
	return nil
}
