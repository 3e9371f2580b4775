package config

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tutor is the AI tutor's settings.
type Tutor struct {
	// GeminiAPIKey is GEMINI_API_KEY, or GOOGLE_API_KEY (the older name)
	// when it is unset; both are read from NAME_FILE too. Empty: no Gemini.
	GeminiAPIKey string
	googleAPIKey string
	// GeminiBaseURL replaces Google's endpoint (a proxy, a test's fake).
	GeminiBaseURL string
	// Vertex AI instead of the Gemini API, when a project is named.
	VertexProject  string
	VertexLocation string
	FastModel      string
	StrongModel    string
	// An OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio): only
	// these Lyo settings name it, never the ambient OPENAI_* or OLLAMA_HOST.
	OpenAIBaseURL string
	OpenAIAPIKey  string
	OpenAIModel   string
	// Chains are the providers each task tries, in order.
	Chains map[string][]string
	// DailyTokens is each learner's token quota a UTC day; 0: none.
	DailyTokens int64
	// DailyCostMicros caps the deployment's estimated spend a UTC day, in
	// micro-dollars; 0: no cap.
	DailyCostMicros int64
	// Prices per model, micro-dollars per million tokens (input, output);
	// nil keeps the built-in list prices.
	Prices          map[string][2]int64
	StreamIdle      time.Duration
	StreamTotal     time.Duration
	Heartbeat       time.Duration
	MaxMessageChars int
	TagEvery        time.Duration
}

// TutorProviders are the names a chain may list.
var TutorProviders = []string{"gemini-flash", "gemini-pro", "local", "offline"}

// TutorTasks are the tasks that have a chain of their own.
var TutorTasks = []string{"chat", "quiz", "tagging", "summary"}

func chainSetting(task, def, doc string) Setting {
	name := "LYO_TUTOR_CHAIN_" + strings.ToUpper(task)
	return Setting{Name: name, Default: def, Doc: doc,
		set: func(c *Config, v string) error {
			names := splitList(v)
			if v == "none" {
				names = nil
			}
			for _, n := range names {
				if !slices.Contains(TutorProviders, n) {
					return fmt.Errorf("%q is not a provider; want a comma-separated list of %s (or none)", n, strings.Join(TutorProviders, ", "))
				}
			}
			if c.Tutor.Chains == nil {
				c.Tutor.Chains = map[string][]string{}
			}
			c.Tutor.Chains[task] = names
			return nil
		},
		get: func(c *Config) string {
			if len(c.Tutor.Chains[task]) == 0 {
				return "none"
			}
			return strings.Join(c.Tutor.Chains[task], ",")
		}}
}

func stringSetting(name, def string, secret bool, doc string, field func(*Config) *string) Setting {
	return Setting{Name: name, Default: def, Secret: secret, Doc: doc,
		set: func(c *Config, v string) error { *field(c) = strings.TrimSpace(v); return nil },
		get: func(c *Config) string { return *field(c) }}
}

func urlSetting(name, doc string, field func(*Config) *string) Setting {
	st := stringSetting(name, "", false, doc, field)
	st.set = func(c *Config, v string) error {
		v = strings.TrimSpace(v)
		*field(c) = v
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("want an http:// or https:// URL")
		}
		return nil
	}
	return st
}

var tutorSettings = []Setting{
	stringSetting("GEMINI_API_KEY", "", true, "Gemini API key; the tutor answers with Gemini when it is set (empty counts as unset)", func(c *Config) *string { return &c.Tutor.GeminiAPIKey }),
	stringSetting("GOOGLE_API_KEY", "", true, "the same key under the name older deployments set; `GEMINI_API_KEY` wins when both are set", func(c *Config) *string { return &c.Tutor.googleAPIKey }),
	urlSetting("LYO_TUTOR_GEMINI_BASE_URL", "another endpoint for the Gemini API (a proxy); empty: Google's", func(c *Config) *string { return &c.Tutor.GeminiBaseURL }),
	stringSetting("LYO_TUTOR_VERTEX_PROJECT", "", false, "a Google Cloud project: Gemini through Vertex AI (with the machine's Google credentials) instead of an API key", func(c *Config) *string { return &c.Tutor.VertexProject }),
	stringSetting("LYO_TUTOR_VERTEX_LOCATION", "us-central1", false, "the Vertex AI region", func(c *Config) *string { return &c.Tutor.VertexLocation }),
	stringSetting("LYO_TUTOR_FAST_MODEL", "gemini-2.5-flash", false, "the Gemini model chains call `gemini-flash`", func(c *Config) *string { return &c.Tutor.FastModel }),
	stringSetting("LYO_TUTOR_STRONG_MODEL", "gemini-2.5-pro", false, "the Gemini model chains call `gemini-pro`", func(c *Config) *string { return &c.Tutor.StrongModel }),
	urlSetting("LYO_TUTOR_OPENAI_BASE_URL", "an OpenAI-compatible server a school runs (Ollama, vLLM, llama.cpp, LM Studio), e.g. `http://127.0.0.1:11434/v1`; chains call it `local`. `OPENAI_*` and `OLLAMA_HOST` are never read", func(c *Config) *string { return &c.Tutor.OpenAIBaseURL }),
	stringSetting("LYO_TUTOR_OPENAI_API_KEY", "", true, "the key of that server, if it wants one", func(c *Config) *string { return &c.Tutor.OpenAIAPIKey }),
	stringSetting("LYO_TUTOR_OPENAI_MODEL", "", false, "the model to ask that server for, e.g. `llama3.1:8b`", func(c *Config) *string { return &c.Tutor.OpenAIModel }),
	chainSetting("chat", "gemini-flash,gemini-pro,local,offline", "providers a learner's question tries in order (`gemini-flash`, `gemini-pro`, `local`, `offline`); those not configured are skipped"),
	chainSetting("quiz", "gemini-pro,gemini-flash,local", "providers quiz generation tries in order"),
	chainSetting("tagging", "gemini-flash,local", "providers tagging the catalogue tries in order; with none, tags are the top TF-IDF terms"),
	chainSetting("summary", "gemini-flash,local", "providers that fold a long conversation's older turns into its summary; with none, the summary quotes the learner's questions"),
	{Name: "LYO_TUTOR_DAILY_TOKENS", Default: "200000", Doc: "tokens a learner may spend on the tutor a UTC day (`0`: no quota); offline answers cost none",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("want a whole number, 0 or more")
			}
			c.Tutor.DailyTokens = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(c.Tutor.DailyTokens, 10) }},
	{Name: "LYO_TUTOR_DAILY_COST_CAP", Default: "20", Doc: "US dollars the whole deployment may spend on models a UTC day, by the estimate of `LYO_TUTOR_PRICES` (`0`: no cap)",
		set: func(c *Config, v string) error {
			n, err := dollars(v)
			c.Tutor.DailyCostMicros = n
			return err
		},
		get: func(c *Config) string { return strconv.FormatFloat(float64(c.Tutor.DailyCostMicros)/1e6, 'f', -1, 64) }},
	{Name: "LYO_TUTOR_PRICES", Default: "", Doc: "model prices in US dollars per million tokens, `model=input/output,…`, e.g. `gemini-2.5-flash=0.30/2.50`; empty: list prices of the default Gemini models",
		set: func(c *Config, v string) error {
			c.Tutor.Prices = nil
			for _, item := range splitList(v) {
				model, rest, ok := strings.Cut(item, "=")
				in, out, ok2 := strings.Cut(rest, "/")
				pi, err1 := dollars(in)
				po, err2 := dollars(out)
				if !ok || !ok2 || strings.TrimSpace(model) == "" || err1 != nil || err2 != nil {
					return fmt.Errorf("%q: want model=input/output in dollars per million tokens", item)
				}
				if c.Tutor.Prices == nil {
					c.Tutor.Prices = map[string][2]int64{}
				}
				c.Tutor.Prices[strings.TrimSpace(model)] = [2]int64{pi, po}
			}
			return nil
		},
		get: func(c *Config) string {
			var out []string
			for m, p := range c.Tutor.Prices {
				out = append(out, fmt.Sprintf("%s=%g/%g", m, float64(p[0])/1e6, float64(p[1])/1e6))
			}
			slices.Sort(out)
			return strings.Join(out, ",")
		}},
	positiveDuration("LYO_TUTOR_STREAM_IDLE", "30s", "an answer whose model sends nothing for this long ends with an error event", func(c *Config) *time.Duration { return &c.Tutor.StreamIdle }),
	positiveDuration("LYO_TUTOR_STREAM_TOTAL", "2m", "longest a streamed answer may take", func(c *Config) *time.Duration { return &c.Tutor.StreamTotal }),
	positiveDuration("LYO_TUTOR_HEARTBEAT", "15s", "a stream sends a comment line after this long without an event, so idle proxies keep it open", func(c *Config) *time.Duration { return &c.Tutor.Heartbeat }),
	{Name: "LYO_TUTOR_MAX_MESSAGE_CHARS", Default: "4000", Doc: "longest question a learner may send, in characters",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 32000 {
				return fmt.Errorf("want a whole number from 1 to 32000")
			}
			c.Tutor.MaxMessageChars = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.Tutor.MaxMessageChars) }},
	positiveDuration("LYO_TUTOR_TAG_EVERY", "10m", "how often a background job looks for new or changed items to tag (topics, difficulty, summary, quiz questions)", func(c *Config) *time.Duration { return &c.Tutor.TagEvery }),
}

func init() { settings = append(settings, tutorSettings...) }

// dollars reads a non-negative amount of US dollars as micro-dollars.
func dollars(s string) (int64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e9 {
		return 0, fmt.Errorf("%q is not an amount of dollars", s)
	}
	return int64(f*1e6 + 0.5), nil
}

// finishTutor applies what depends on several settings: the older key name.
func (c *Config) finishTutor() {
	if c.Tutor.GeminiAPIKey == "" {
		c.Tutor.GeminiAPIKey = c.Tutor.googleAPIKey
	}
}
