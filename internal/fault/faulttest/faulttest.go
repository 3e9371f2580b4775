// Package faulttest checks that every error a domain can return answers a status
// chosen on purpose. It reads the domain's source for what it can return, so an
// error added later without a mapping fails the domain's test instead of reaching
// a client as a 500.
package faulttest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Case is one error and the answer it must get. Name is what Returns reports for
// it: a sentinel's name ("ErrNotFound"), a refined kind as "Kind code"
// ("ErrConflict removed"), or "invalid" for per-field validation errors.
type Case struct {
	Name   string
	Err    error
	Status int
	Code   string
}

// Returns lists what the package in dir can return, read from its non-test
// files: each package-level `var ErrX = errors.New(…)` or `fmt.Errorf(…)`, each
// fault.New(Kind, "code", …) and, once, "invalid" for fault.Invalid and
// fault.Invalidf.
func Returns(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if strings.HasPrefix(n.Name, "Err") && i < len(vs.Values) && isCall(vs.Values[i], "errors", "New", "fmt", "Errorf") {
						seen[n.Name] = true
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			switch {
			case isCall(call, "fault", "New") && len(call.Args) >= 2:
				code := "?"
				if lit, ok := call.Args[1].(*ast.BasicLit); ok {
					code, _ = strconv.Unquote(lit.Value)
				}
				seen[exprName(call.Args[0])+" "+code] = true
			case isCall(call, "fault", "Invalidf"):
				seen["invalid"] = true
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && isIdent(sel.X, "fault") && sel.Sel.Name == "Invalid" {
				seen["invalid"] = true
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check runs every case through outcome (a router's Outcome, after the domain's
// Mount) and fails when an answer differs from the case, when a case answers a
// 5xx, or when dir can return something no case covers.
func Check(t *testing.T, dir string, outcome func(error) (int, string), cases []Case) {
	t.Helper()
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.Name] = true
		status, code := outcome(c.Err)
		if status != c.Status || code != c.Code {
			t.Errorf("%s answers %d %s, want %d %s", c.Name, status, code, c.Status, c.Code)
		}
		if c.Status >= http.StatusInternalServerError {
			t.Errorf("%s is meant to answer %d: a domain error is never a server failure", c.Name, c.Status)
		}
	}
	for _, name := range Returns(t, dir) {
		if !covered[name] {
			t.Errorf("the package can return %q, which no case covers: map it in Mount and add a case", name)
		}
	}
}

func isCall(e ast.Expr, pkgFunc ...string) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	for i := 0; i+1 < len(pkgFunc); i += 2 {
		if isIdent(sel.X, pkgFunc[i]) && sel.Sel.Name == pkgFunc[i+1] {
			return true
		}
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func exprName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprName(x.X) + "." + x.Sel.Name
	}
	return "?"
}
