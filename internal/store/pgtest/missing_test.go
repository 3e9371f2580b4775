package pgtest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/store/pgtest"
)

// childEnv marks the run of this test binary that TestMissingURL starts.
const childEnv = "LYO_PGTEST_CHILD"

// TestChildWantsPostgres only asks for a database, in the child run.
func TestChildWantsPostgres(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestMissingURL")
	}
	pgtest.URL(t)
}

// TestMissingURL: without LYO_TEST_POSTGRES_URL a PostgreSQL test skips and
// says why, except in CI, where the same test fails: a silent skip there would
// drop a whole engine from the suite.
func TestMissingURL(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("the child run")
	}
	run := func(ci bool) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildWantsPostgres$", "-test.v", "-test.count=1")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, pgtest.EnvURL+"=") && !strings.HasPrefix(kv, "CI=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, childEnv+"=1")
		if ci {
			cmd.Env = append(cmd.Env, "CI=true")
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(false)
	if err != nil || !strings.Contains(out, "--- SKIP: TestChildWantsPostgres") || !strings.Contains(out, pgtest.EnvURL+" is not set") {
		t.Errorf("without %s and CI: %v\n%s\nwant a skip naming the variable", pgtest.EnvURL, err, out)
	}
	out, err = run(true)
	if err == nil || !strings.Contains(out, "--- FAIL: TestChildWantsPostgres") || !strings.Contains(out, "CI is set") {
		t.Errorf("without %s in CI: %v\n%s\nwant a failure", pgtest.EnvURL, err, out)
	}
}
