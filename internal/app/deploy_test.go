package app

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/lyolearn/lyo/internal/config"
)

// No Docker engine runs in CI, so the deployment files are checked here for what
// can be checked without one: they parse, and they name only settings Lyo has.

func TestComposeFileNamesRealSettings(t *testing.T) {
	b, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, name := range []string{"api", "postgres", "redis", "s3"} {
		if _, ok := compose.Services[name]; !ok {
			t.Errorf("compose.yaml has no %s service", name)
		}
	}
	var known []string
	for _, s := range config.Settings() {
		known = append(known, s.Name, s.Name+"_FILE")
	}
	providers := compose.Services["api"].Environment["LYO_STORAGE_PROVIDERS"]
	if providers == "" {
		providers = "main"
	}
	for _, p := range strings.Split(providers, ",") {
		for _, s := range config.StorageSettings() {
			known = append(known, config.StorageVar(p, s.Suffix), config.StorageVar(p, s.Suffix)+"_FILE")
		}
	}
	for name := range compose.Services["api"].Environment {
		if strings.HasPrefix(name, "LYO_") && !slices.Contains(known, name) {
			t.Errorf("compose.yaml sets %s, which Lyo does not read", name)
		}
	}
	env := compose.Services["api"].Environment
	if env["LYO_ENV"] != "production" || env["LYO_AUTH_SIGNING_KEYS_FILE"] == "" {
		t.Errorf("the api service is not a production setup: %v", env)
	}
}

func TestDockerfileIsMultiStageAndNonRoot(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(df, -1)); n < 2 {
		t.Errorf("%d stages, want a build stage and a runtime stage", n)
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(df)
	if user == nil || user[1] == "root" || strings.HasPrefix(user[1], "0") {
		t.Errorf("the image does not switch to a non-root user: %v", user)
	}
	if !strings.Contains(df, "GOTOOLCHAIN=go1.27.3") || !strings.Contains(df, "-tags vips") {
		t.Error("the image is not built with the pinned toolchain and the vips tag")
	}
}
