package app

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runDeps runs scripts/deps with PATH holding only the stubs given (shell
// scripts by name), so gcc, libvips and ffmpeg look missing whatever the
// machine has. It returns stderr, failing the test unless the script exits 0.
func runDeps(t *testing.T, stubs map[string]string) (stderr string, calls []string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "calls.log")
	for name, body := range stubs {
		script := "#!" + bash + "\necho \"" + name + " $*\" >>" + log + "\n" + body + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "../../scripts/deps")
	cmd.Env = []string{"PATH=" + dir, "HOME=" + dir}
	var out strings.Builder
	cmd.Stderr = &out
	err = cmd.Run() // stdin is /dev/null: a prompt would fail, not hang
	if ctx.Err() != nil {
		t.Fatalf("scripts/deps hung (a prompt?):\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("scripts/deps failed: %v\n%s", err, out.String())
	}
	if b, err := os.ReadFile(log); err == nil {
		calls = strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	return out.String(), calls
}

var allDeps = []string{"gcc", "libc6-dev", "pkg-config", "libvips-dev", "ffmpeg", "python3"}

// TestDepsNeverStopsTheBuild: where apt-get fails, or only sudo with a password
// could run it, scripts/deps exits 0 naming every package it could not install,
// without prompting, so the README's two commands go on to build with Go alone.
func TestDepsNeverStopsTheBuild(t *testing.T) {
	t.Run("apt-get fails as root", func(t *testing.T) {
		stderr, calls := runDeps(t, map[string]string{
			"id":      `echo 0`,
			"apt-get": `echo "E: Unable to locate package $*" >&2; exit 100`,
		})
		for _, p := range allDeps {
			if !strings.Contains(stderr, "deps:   "+p+":") {
				t.Errorf("%s is not named:\n%s", p, stderr)
			}
		}
		var sawLockTimeout bool
		for _, c := range calls {
			sawLockTimeout = sawLockTimeout || strings.Contains(c, "DPkg::Lock::Timeout=60")
			if strings.HasPrefix(c, "apt-get") && !strings.Contains(c, " -y ") {
				t.Errorf("apt-get called without -y: %s", c)
			}
		}
		if !sawLockTimeout {
			t.Errorf("apt-get never got a lock timeout: %v", calls)
		}
	})
	t.Run("sudo would ask for a password", func(t *testing.T) {
		stderr, calls := runDeps(t, map[string]string{
			"id":      `echo 1000`,
			"sudo":    `echo "sudo: a password is required" >&2; exit 1`,
			"apt-get": `exit 0`,
		})
		if !strings.Contains(stderr, "could not install: "+strings.Join(allDeps, " ")) {
			t.Errorf("the packages are not named:\n%s", stderr)
		}
		for _, c := range calls {
			if strings.HasPrefix(c, "apt-get") || (strings.HasPrefix(c, "sudo") && !strings.Contains(c, "-n")) {
				t.Errorf("ran %q without a password-free sudo", c)
			}
		}
	})
	t.Run("one package is not available", func(t *testing.T) {
		stderr, _ := runDeps(t, map[string]string{
			"id":      `echo 0`,
			"apt-get": `case " $* " in *" ffmpeg "*) echo "E: Package 'ffmpeg' has no installation candidate" >&2; exit 100;; esac; exit 0`,
		})
		if !strings.Contains(stderr, "could not install: ffmpeg\n") || strings.Contains(stderr, "deps:   gcc") {
			t.Errorf("want only ffmpeg named:\n%s", stderr)
		}
	})
}

// TestBuildsStampTheCommit: every way of building Lyo passes the commit in, so
// lyo version names it even where the build has no VCS stamping (a Docker
// build has no .git), and versionString shows it.
func TestBuildsStampTheCommit(t *testing.T) {
	const flag = "-X github.com/lyolearn/lyo/internal/app.Commit="
	for _, f := range []string{"../../scripts/run", "../../Makefile", "../../Dockerfile"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), flag) {
			t.Errorf("%s builds without %s…", filepath.Base(f), flag)
		}
	}
	old := Commit
	t.Cleanup(func() { Commit = old })
	Commit = "0123456789abcdef"
	if v := versionString(); !strings.Contains(v, "0123456789ab") {
		t.Errorf("versionString() = %q, want the commit passed in at link time", v)
	}
}

// TestDockerIgnoreKeepsDataOut: the build context never holds the SQLite
// database (accounts, the signing key), built binaries, secrets or the git store.
func TestDockerIgnoreKeepsDataOut(t *testing.T) {
	f, err := os.Open("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var patterns []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "!") {
			patterns = append(patterns, strings.Trim(line, "/"))
		}
	}
	ignored := func(p string) bool {
		for _, pat := range patterns {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
		return false
	}
	for _, p := range []string{"data", "bin", ".git", "node_modules", "secrets", "lyo"} {
		if !ignored(p) {
			t.Errorf(".dockerignore lets ./%s into the build context", p)
		}
	}
	for _, p := range []string{"go.mod", "cmd", "internal"} {
		if ignored(p) {
			t.Errorf(".dockerignore keeps ./%s, which the build needs, out", p)
		}
	}
}
