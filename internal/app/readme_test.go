package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEWalkthrough runs the README's walk-through, command by command, as a
// shell would: its curl requests go to a real server (real middleware, router
// and SQLite, checked against the OpenAPI document), its `bin/lyo` commands run
// the command line against the same database, jq picks fields out of answers
// into variables, and a `# → a … b` line after a command names fragments its
// answer must hold. A request that answers anything but 2xx fails the test, so
// the README cannot show a request the server refuses.
func TestREADMEWalkthrough(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := parseWalkthrough(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) < 10 {
		t.Fatalf("the walk-through has %d commands; is its marker gone?", len(cmds))
	}
	getenv := testEnv(t, "", nil)
	sh := &shell{t: t, s: newTestServer(t, getenv), spec: loadSpec(t), getenv: getenv, vars: map[string]string{}}
	for _, c := range cmds {
		out := sh.run(c)
		for _, fragment := range c.expect {
			if !strings.Contains(out, fragment) {
				t.Errorf("README line %d: the answer lacks %s:\n%s", c.line, fragment, out)
			}
		}
	}
}

var walkthroughBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// parseWalkthrough finds the sh blocks between the walk-through's markers and
// splits them into commands.
func parseWalkthrough(readme string) ([]shellCmd, error) {
	start := strings.Index(readme, "<!-- walkthrough:")
	end := strings.Index(readme, "<!-- walkthrough end -->")
	if start < 0 || end < start {
		return nil, fmt.Errorf("README.md has no walk-through markers")
	}
	var cmds []shellCmd
	for _, m := range walkthroughBlock.FindAllStringSubmatchIndex(readme[start:end], -1) {
		block := readme[start+m[2] : start+m[3]]
		firstLine := strings.Count(readme[:start+m[2]], "\n") + 1
		cs, err := parseShell(block, firstLine)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, cs...)
	}
	return cmds, nil
}

// shell runs parsed commands: the few programs the walk-through uses, and
// nothing else, so the README cannot grow a step the test does not check.
type shell struct {
	t      *testing.T
	s      *server
	spec   *apiSpec
	getenv func(string) string
	vars   map[string]string
}

func (sh *shell) run(c shellCmd) string {
	sh.t.Helper()
	var out string
	for i, stage := range c.pipeline {
		stdin := out
		if i == 0 && c.heredoc != nil {
			stdin = sh.expand(c.heredoc)
		}
		args := make([]string, len(stage))
		for j, w := range stage {
			args[j] = sh.expand(w)
		}
		out = sh.exec(c.line, args, stdin)
	}
	if c.assign != "" {
		sh.vars[c.assign] = strings.TrimRight(out, "\n")
	}
	return out
}

func (sh *shell) expand(w word) string {
	var b strings.Builder
	for _, p := range w {
		if !p.expand {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(varRef.ReplaceAllStringFunc(p.text, func(ref string) string {
			name := strings.Trim(ref, "${}")
			v, ok := sh.vars[name]
			if !ok {
				sh.t.Fatalf("the walk-through uses $%s before setting it", name)
			}
			return v
		}))
	}
	return b.String()
}

var varRef = regexp.MustCompile(`\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)

func (sh *shell) exec(line int, args []string, stdin string) string {
	sh.t.Helper()
	switch args[0] {
	case "curl":
		return sh.curl(line, args[1:], stdin)
	case "jq":
		return jqField(sh.t, line, args[1:], stdin)
	case "printf":
		if len(args) != 3 || args[1] != `%s\n` {
			sh.t.Fatalf("README line %d: only printf '%%s\\n' ARG is understood: %q", line, args)
		}
		return args[2] + "\n"
	case "bin/lyo":
		var out bytes.Buffer
		if err := run(sh.t.Context(), args[1:], sh.getenv, strings.NewReader(stdin), &out); err != nil {
			sh.t.Fatalf("README line %d: lyo %v: %v\n%s", line, args[1:], err, &out)
		}
		return out.String()
	}
	sh.t.Fatalf("README line %d: the test cannot run %q; teach it or use curl, jq, printf or bin/lyo", line, args[0])
	return ""
}

// curl does what curl does with the options the walk-through uses: -s, -X,
// -H and -d (a POST, form-encoded unless a Content-Type is given; @- reads
// standard input without its line breaks).
func (sh *shell) curl(line int, args []string, stdin string) string {
	sh.t.Helper()
	method, url, body := "", "", ""
	hasBody := false
	header := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 >= len(args) {
				sh.t.Fatalf("README line %d: %s without a value", line, a)
			}
			i++
			return args[i]
		}
		switch {
		case a == "-s" || a == "--silent":
		case a == "-X" || a == "--request":
			method = next()
		case a == "-H" || a == "--header":
			k, v, _ := strings.Cut(next(), ":")
			header[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case a == "-d" || a == "--data":
			body, hasBody = next(), true
			if body == "@-" {
				body = strings.NewReplacer("\r", "", "\n", "").Replace(stdin)
			}
		case strings.HasPrefix(a, "-"):
			sh.t.Fatalf("README line %d: the test does not know curl's %s", line, a)
		default:
			url = a
		}
	}
	if method == "" {
		method = "GET"
		if hasBody {
			method = "POST"
		}
	}
	if hasBody && header["Content-Type"] == "" {
		header["Content-Type"] = "application/x-www-form-urlencoded"
	}
	path, ok := strings.CutPrefix(strings.TrimPrefix(url, "http://"), "localhost:8000")
	if !ok {
		sh.t.Fatalf("README line %d: %q is not on localhost:8000", line, url)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.80:5000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	sh.s.handler.ServeHTTP(w, req)
	if w.Code < 200 || w.Code > 299 {
		sh.t.Fatalf("README line %d: %s %s answered %d: %s", line, method, path, w.Code, w.Body)
	}
	req.Body = io.NopCloser(strings.NewReader(body))
	sh.spec.check(sh.t, req, w)
	return w.Body.String()
}

// jqField does `jq -r .a.b[0].c`, the one form of jq the walk-through uses.
func jqField(t *testing.T, line int, args []string, stdin string) string {
	t.Helper()
	if len(args) != 2 || args[0] != "-r" || !strings.HasPrefix(args[1], ".") {
		t.Fatalf("README line %d: only jq -r .path is understood: %q", line, args)
	}
	var v any
	if err := json.Unmarshal([]byte(stdin), &v); err != nil {
		t.Fatalf("README line %d: jq reads no JSON: %v", line, err)
	}
	for _, step := range strings.FieldsFunc(strings.ReplaceAll(args[1], "[", ".["), func(r rune) bool { return r == '.' }) {
		if n, ok := strings.CutPrefix(step, "["); ok {
			i, _ := strconv.Atoi(strings.TrimSuffix(n, "]"))
			list, _ := v.([]any)
			if i >= len(list) {
				t.Fatalf("README line %d: %s: no element %d", line, args[1], i)
			}
			v = list[i]
			continue
		}
		obj, _ := v.(map[string]any)
		v = obj[step]
	}
	s, ok := v.(string)
	if !ok || s == "" {
		t.Fatalf("README line %d: %s is %v in %s", line, args[1], v, stdin)
	}
	return s + "\n"
}
