package llm

import (
	"encoding/json"
	"testing"
	"time"
)

func TestRetryDelays(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"13s": 13 * time.Second, "0.25s": 250 * time.Millisecond, "s": 0, "-3s": 0, "13": 0,
		"NaNs": 0, "Infs": 24 * time.Hour, "1e9s": 24 * time.Hour,
	} {
		if got := protoDuration(in); got != want {
			t.Errorf("protoDuration(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]time.Duration{
		"7": 7 * time.Second, " 0 ": 0, "-1": 0, "soon": 0,
		"Sun, 29 Nov 2026 12:00:30 GMT": 30 * time.Second, "Sun, 29 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfterHeader(in, now); got != want {
			t.Errorf("retryAfterHeader(%q) = %v, want %v", in, got, want)
		}
	}
	details := []map[string]any{
		{"@type": "type.googleapis.com/google.rpc.QuotaFailure"},
		{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "41s"},
	}
	if got := geminiRetryDelay(details); got != 41*time.Second {
		t.Errorf("geminiRetryDelay = %v", got)
	}
}

// FuzzRetryDelay feeds provider-chosen delays to the parsers: whatever a server
// sends, the chain never waits a negative time or more than a day.
func FuzzRetryDelay(f *testing.F) {
	for _, s := range []string{"13s", "0.5s", "1e400s", "-0s", "0x10s", "Sun, 29 Nov 2026 12:00:30 GMT", "120", "9999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []time.Duration{protoDuration(s), retryAfterHeader(s, now)} {
			if d < 0 || d > 24*time.Hour {
				t.Fatalf("%q gave %v", s, d)
			}
		}
	})
}

// FuzzGeminiErrorDetails reads the details of a Gemini error body as the SDK
// hands them over.
func FuzzGeminiErrorDetails(f *testing.F) {
	f.Add([]byte(`[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"13s"}]`))
	f.Add([]byte(`[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":13}]`))
	f.Add([]byte(`[{"@type":7},{}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var details []map[string]any
		if json.Unmarshal(b, &details) != nil {
			return
		}
		if d := geminiRetryDelay(details); d < 0 || d > 24*time.Hour {
			t.Fatalf("%s gave %v", b, d)
		}
	})
}
