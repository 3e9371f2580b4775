package auth_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/httpx"
)

type outcome struct {
	status int
	code   string
}

// kinds is every sentinel the package declares, with the answer a client must
// get. It is written out by hand, not read from Mount's table, so a mapping
// that changes or goes missing fails here.
var kinds = map[string]struct {
	err  error
	want outcome
}{
	"ErrNotFound":           {auth.ErrNotFound, outcome{http.StatusNotFound, "not_found"}},
	"ErrEmailTaken":         {auth.ErrEmailTaken, outcome{http.StatusConflict, "email_taken"}},
	"ErrUsernameTaken":      {auth.ErrUsernameTaken, outcome{http.StatusConflict, "username_taken"}},
	"ErrConflict":           {auth.ErrConflict, outcome{http.StatusConflict, "conflict"}},
	"ErrInvalidCredentials": {auth.ErrInvalidCredentials, outcome{http.StatusUnauthorized, "invalid_credentials"}},
	"ErrInvalidGrant":       {auth.ErrInvalidGrant, outcome{http.StatusUnauthorized, "invalid_grant"}},
	"ErrUnauthenticated":    {auth.ErrUnauthenticated, outcome{http.StatusUnauthorized, "unauthenticated"}},
	"ErrForbidden":          {auth.ErrForbidden, outcome{http.StatusForbidden, "forbidden"}},
	"ErrDisabled":           {auth.ErrDisabled, outcome{http.StatusForbidden, "account_disabled"}},
	"ErrPreconditionFailed": {auth.ErrPreconditionFailed, outcome{http.StatusPreconditionFailed, "precondition_failed"}},
}

// faultCodes is every code the package refines a kind with, and its status.
var faultCodes = map[string]int{
	"self_lockout": http.StatusConflict,
	"forbidden":    http.StatusForbidden,
}

func mounted() *httpx.Router {
	rt := httpx.NewRouter(slog.New(slog.DiscardHandler), 1<<20, time.Second)
	auth.Mount(rt, nil, nil, nil)
	return rt
}

// TestEveryErrorHasADeliberateStatus walks every error the accounts domain can
// return (each sentinel, wrapped as stores and services wrap them, each fault
// code, and a validation error) through the router's mapping. The package's
// source is read to find them, so a new sentinel or code without a row here
// fails the test rather than reaching a client as a 500.
func TestEveryErrorHasADeliberateStatus(t *testing.T) {
	rt := mounted()
	sentinels, codes := declaredErrors(t)
	for _, name := range sentinels {
		k, ok := kinds[name]
		if !ok {
			t.Errorf("auth.%s has no expected answer in this test: add it, and map it in Mount", name)
			continue
		}
		for _, err := range []error{k.err, fmt.Errorf("load user 42: %w", k.err)} {
			status, code := rt.Outcome(err)
			if (outcome{status, code}) != k.want {
				t.Errorf("%s (%v) answers %d %s, want %d %s", name, err, status, code, k.want.status, k.want.code)
			}
		}
	}
	for name := range kinds {
		if !slices.Contains(sentinels, name) {
			t.Errorf("the test expects auth.%s, which the package no longer declares", name)
		}
	}
	for key, kind := range codes {
		code := key[strings.Index(key, "/")+1:]
		want, ok := faultCodes[code]
		if !ok {
			t.Errorf("fault code %q has no expected status in this test", code)
			continue
		}
		k, ok := kinds[kind]
		if !ok {
			t.Errorf("fault code %q refines %s, which is not an auth sentinel", code, kind)
			continue
		}
		err := fmt.Errorf("update: %w", fault.New(k.err, code, "a message safe to show"))
		if status, got := rt.Outcome(err); status != want || got != code {
			t.Errorf("fault %s answers %d %s, want %d %s", code, status, got, want, code)
		}
	}
	var bad fault.Invalid
	bad.Add("email", "not a valid email address")
	if status, code := rt.Outcome(fmt.Errorf("register: %w", bad.Err())); status != http.StatusUnprocessableEntity || code != "validation_failed" {
		t.Errorf("a validation error answers %d %s, want 422 validation_failed", status, code)
	}
	// The control: what nobody mapped is a 500, so the checks above can fail.
	if status, _ := rt.Outcome(errors.New("disk on fire")); status != http.StatusInternalServerError {
		t.Errorf("an unmapped error answers %d, want 500", status)
	}
}

// declaredErrors reads the package's non-test source for package-level Err…
// variables and for fault.New(kind, "code", …) calls, keyed "Kind/code".
func declaredErrors(t *testing.T) (sentinels []string, codes map[string]string) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes = map[string]string{}
	for _, f := range pkgs["auth"].Files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, spec := range g.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if strings.HasPrefix(n.Name, "Err") {
							sentinels = append(sentinels, n.Name)
						}
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "New" || fmt.Sprint(sel.X) != "fault" {
				return true
			}
			kind, _ := call.Args[0].(*ast.Ident)
			lit, ok := call.Args[1].(*ast.BasicLit)
			if kind == nil || !ok {
				t.Errorf("%s: fault.New with a kind or code that is not a plain name and literal", fset.Position(call.Pos()))
				return true
			}
			code, _ := strconv.Unquote(lit.Value)
			codes[kind.Name+"/"+code] = kind.Name
			return true
		})
	}
	if len(sentinels) == 0 || len(codes) == 0 {
		t.Fatalf("found %d sentinels and %d fault codes in the package; the scan is broken", len(sentinels), len(codes))
	}
	return sentinels, codes
}
