package app

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The small part of the shell language the README's walk-through is written in:
// words in single quotes (literal) and double quotes or bare ($VAR expands),
// backslash line continuations, pipelines, NAME=$(pipeline), here-documents
// (<<EOF expands, <<'EOF' does not) and comments. Anything else is an error, so
// the README cannot say something this test would read differently from bash.

// part is a piece of a word; expand says whether $VAR in it is replaced.
type part struct {
	text   string
	expand bool
}

type word []part

type shellCmd struct {
	line     int    // in README.md, for messages
	assign   string // NAME of NAME=$(…), or ""
	pipeline [][]word
	heredoc  word     // standard input of the first stage, or nil
	expect   []string // fragments a `# → a … b` line after the command says its answer holds
}

var assignment = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=\$\(`)

type lexer struct {
	src  string
	pos  int
	line int
}

func (lx *lexer) peek() byte {
	if lx.pos < len(lx.src) {
		return lx.src[lx.pos]
	}
	return 0
}

func (lx *lexer) next() byte {
	c := lx.src[lx.pos]
	lx.pos++
	if c == '\n' {
		lx.line++
	}
	return c
}

func (lx *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("README line %d: %s", lx.line, fmt.Sprintf(format, args...))
}

// restOfLine consumes up to and including the next newline.
func (lx *lexer) restOfLine() string {
	start := lx.pos
	for lx.pos < len(lx.src) && lx.peek() != '\n' {
		lx.pos++
	}
	s := lx.src[start:lx.pos]
	if lx.pos < len(lx.src) {
		lx.next()
	}
	return s
}

// parseShell splits a block into commands; firstLine is the block's first line in the file.
func parseShell(src string, firstLine int) ([]shellCmd, error) {
	lx := &lexer{src: src, line: firstLine}
	var cmds []shellCmd
	for lx.pos < len(lx.src) {
		switch c := lx.peek(); {
		case c == ' ' || c == '\t' || c == '\n':
			lx.next()
		case c == '#':
			line := lx.line
			text := strings.TrimSpace(strings.TrimPrefix(lx.restOfLine(), "#"))
			if fragments, ok := strings.CutPrefix(text, "→"); ok {
				if len(cmds) == 0 {
					return nil, fmt.Errorf("README line %d: an expected answer before any command", line)
				}
				for _, f := range strings.Split(fragments, "…") {
					if f = strings.TrimSpace(f); f != "" {
						cmds[len(cmds)-1].expect = append(cmds[len(cmds)-1].expect, f)
					}
				}
			}
		default:
			cmd, err := lx.command()
			if err != nil {
				return nil, err
			}
			cmds = append(cmds, cmd)
		}
	}
	return cmds, nil
}

// command reads one command line (with its continuations and here-document).
func (lx *lexer) command() (shellCmd, error) {
	cmd := shellCmd{line: lx.line}
	inSubst := false
	if m := assignment.FindStringSubmatch(lx.src[lx.pos:]); m != nil {
		cmd.assign, inSubst = m[1], true
		lx.pos += len(m[0])
	}
	var stage []word
	var delim string
	expandDoc := true
	for {
		c := lx.peek()
		switch {
		case c == 0 || c == '\n' || c == '#':
			if inSubst {
				return cmd, lx.errorf("$( is not closed on its line")
			}
			if c == '#' {
				lx.restOfLine()
			} else if c == '\n' {
				lx.next()
			}
			if len(stage) == 0 {
				return cmd, lx.errorf("an empty command")
			}
			cmd.pipeline = append(cmd.pipeline, stage)
			if delim != "" {
				if err := lx.heredoc(&cmd, delim, expandDoc); err != nil {
					return cmd, err
				}
			}
			return cmd, nil
		case c == ' ' || c == '\t':
			lx.next()
		case c == '\\' && lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '\n':
			lx.next()
			lx.next()
		case c == ')' && inSubst:
			lx.next()
			inSubst = false
		case c == '|':
			lx.next()
			if len(stage) == 0 {
				return cmd, lx.errorf("a pipe with nothing before it")
			}
			cmd.pipeline = append(cmd.pipeline, stage)
			stage = nil
		case strings.HasPrefix(lx.src[lx.pos:], "<<"):
			lx.pos += 2
			w, err := lx.word(inSubst)
			if err != nil {
				return cmd, err
			}
			for _, p := range w {
				delim += p.text
				expandDoc = expandDoc && p.expand
			}
		case !inSubst && cmd.assign != "":
			return cmd, lx.errorf("something follows $(…)")
		default:
			w, err := lx.word(inSubst)
			if err != nil {
				return cmd, err
			}
			stage = append(stage, w)
		}
	}
}

// heredoc reads the lines after the command up to the delimiter.
func (lx *lexer) heredoc(cmd *shellCmd, delim string, expand bool) error {
	var body strings.Builder
	for lx.pos < len(lx.src) {
		line := lx.restOfLine()
		if line == delim {
			cmd.heredoc = word{{text: body.String(), expand: expand}}
			return nil
		}
		body.WriteString(line + "\n")
	}
	return lx.errorf("the here-document never reaches %s", delim)
}

// word reads one word: quoted and bare pieces up to a blank or an operator.
func (lx *lexer) word(inSubst bool) (word, error) {
	var w word
	var bare strings.Builder
	flush := func() {
		if bare.Len() > 0 {
			w = append(w, part{text: bare.String(), expand: true})
			bare.Reset()
		}
	}
	for {
		c := lx.peek()
		switch {
		case c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '|' || (c == ')' && inSubst):
			flush()
			return w, nil
		case c == '\'':
			flush()
			lx.next()
			start := lx.pos
			for lx.peek() != '\'' {
				if lx.peek() == 0 {
					return nil, lx.errorf("a ' is not closed")
				}
				lx.next()
			}
			w = append(w, part{text: lx.src[start:lx.pos]})
			lx.next()
		case c == '"':
			flush()
			lx.next()
			var b strings.Builder
			for lx.peek() != '"' {
				switch c := lx.peek(); {
				case c == 0:
					return nil, lx.errorf(`a " is not closed`)
				case c == '\\' && strings.ContainsRune("\"\\$`", rune(lx.src[lx.pos+1])):
					lx.next()
					b.WriteByte(lx.next())
				case c == '$' && strings.HasPrefix(lx.src[lx.pos:], "$("), c == '`':
					return nil, lx.errorf("command substitution inside quotes is not understood")
				default:
					b.WriteByte(lx.next())
				}
			}
			lx.next()
			w = append(w, part{text: b.String(), expand: true})
		case c == '\\':
			lx.next()
			flush()
			w = append(w, part{text: string(lx.next())})
		case c == '`' || c == ';' || c == '&' || c == '>' || c == '<' || c == '(' || c == ')' || strings.HasPrefix(lx.src[lx.pos:], "$("):
			return nil, lx.errorf("%q is not understood here", c)
		default:
			bare.WriteByte(lx.next())
		}
	}
}

func TestParseShell(t *testing.T) {
	src := `# a comment
A=$(curl -s 'x y' -H "Authorization: Bearer $T" \
  -d '{"a":
 1}' | jq -r .id)
# → one … two
printf '%s\n' 'pw' | bin/lyo user create --email e
curl -d @- <<EOF
{"id": "$A"}
EOF
curl x # a trailing comment
`
	cmds, err := parseShell(src, 10)
	if err != nil {
		t.Fatal(err)
	}
	lit := func(s string) word { return word{{text: s}} }
	bare := func(s string) word { return word{{text: s, expand: true}} }
	want := []shellCmd{
		{line: 11, assign: "A", pipeline: [][]word{
			{bare("curl"), bare("-s"), lit("x y"), bare("-H"), {{text: "Authorization: Bearer $T", expand: true}}, bare("-d"), lit("{\"a\":\n 1}")},
			{bare("jq"), bare("-r"), bare(".id")},
		}, expect: []string{"one", "two"}},
		{line: 15, pipeline: [][]word{{bare("printf"), lit(`%s\n`), lit("pw")}, {bare("bin/lyo"), bare("user"), bare("create"), bare("--email"), bare("e")}}},
		{line: 16, pipeline: [][]word{{bare("curl"), bare("-d"), bare("@-")}}, heredoc: word{{text: "{\"id\": \"$A\"}\n", expand: true}}},
		{line: 19, pipeline: [][]word{{bare("curl"), bare("x")}}},
	}
	if d := cmp.Diff(want, cmds, cmp.AllowUnexported(part{}, shellCmd{})); d != "" {
		t.Errorf("parse (-want +got):\n%s", d)
	}
	for _, bad := range []string{"curl 'x", `curl "x`, "curl x; rm y", "curl $(date)", "A=$(curl x) y", "cat <<EOF\nno end\n", "curl x > f", "A=$(curl\n)"} {
		if _, err := parseShell(bad, 1); err == nil {
			t.Errorf("%q parsed, but bash would read it differently or the test cannot run it", bad)
		}
	}
}
