package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTutorKeysAndAmbientVariables(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "gemini")
	os.WriteFile(secret, []byte("from-a-file\n"), 0o600)
	for _, tc := range []struct {
		name string
		env  map[string]string
		key  string
	}{
		{"none", map[string]string{}, ""},
		{"the older name", map[string]string{"GOOGLE_API_KEY": "old"}, "old"},
		{"the Gemini name wins", map[string]string{"GOOGLE_API_KEY": "old", "GEMINI_API_KEY": "new"}, "new"},
		{"an empty key is unset", map[string]string{"GEMINI_API_KEY": "  ", "GOOGLE_API_KEY": "old"}, "old"},
		{"from a file", map[string]string{"GEMINI_API_KEY_FILE": secret}, "from-a-file"},
	} {
		c, err := Load(env(tc.env))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Tutor.GeminiAPIKey != tc.key {
			t.Errorf("%s: key %q, want %q", tc.name, c.Tutor.GeminiAPIKey, tc.key)
		}
	}
	c, err := Load(env(map[string]string{"OPENAI_API_KEY": "sk-ambient", "OPENAI_BASE_URL": "http://ambient:1/v1", "OLLAMA_HOST": "ambient:11434"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Tutor.OpenAIBaseURL != "" || c.Tutor.OpenAIAPIKey != "" {
		t.Errorf("ambient variables of other tools were read: %+v", c.Tutor)
	}
	if !slices.Equal(c.Tutor.Chains["chat"], []string{"gemini-flash", "gemini-pro", "local", "offline"}) {
		t.Errorf("default chat chain %v", c.Tutor.Chains["chat"])
	}
	for _, bad := range []map[string]string{
		{"LYO_TUTOR_CHAIN_CHAT": "gemini-flash,gpt-7"},
		{"LYO_TUTOR_OPENAI_BASE_URL": "ollama:11434"},
		{"LYO_TUTOR_DAILY_COST_CAP": "-1"},
		{"LYO_TUTOR_PRICES": "gemini-2.5-flash=cheap"},
		{"LYO_TUTOR_MAX_MESSAGE_CHARS": "0"},
	} {
		if _, err := Load(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	c, err = Load(env(map[string]string{"LYO_TUTOR_CHAIN_TAGGING": "none", "LYO_TUTOR_PRICES": "m=0.5/2", "LYO_TUTOR_DAILY_COST_CAP": "2.5"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Tutor.Chains["tagging"]) != 0 || c.Tutor.Prices["m"] != [2]int64{500_000, 2_000_000} || c.Tutor.DailyCostMicros != 2_500_000 {
		t.Errorf("tutor settings %+v", c.Tutor)
	}
	if s := c.String(); !slices.ContainsFunc(splitLines(s), func(l string) bool { return l == "LYO_TUTOR_CHAIN_TAGGING=none" }) {
		t.Errorf("the printed configuration:\n%s", s)
	}
}

func splitLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		out = append(out, strings.TrimSuffix(l, "\n"))
	}
	return out
}
