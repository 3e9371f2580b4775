package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"sync"
	"time"

	"google.golang.org/genai"
)

// GeminiConfig configures one Gemini model. Nothing is read from the environment:
// the caller passes the key (Lyo reads GEMINI_API_KEY / GOOGLE_API_KEY and their
// _FILE forms) and everything else.
type GeminiConfig struct {
	// Name labels the provider in results and breaker keys; default "gemini".
	Name   string
	APIKey string
	Model  string // e.g. gemini-2.5-flash
	// BaseURL replaces Google's endpoint (a proxy, or a fake in tests).
	BaseURL string
	// Vertex sends the calls to Vertex AI in Project and Location, with the
	// application default credentials unless APIKey is set.
	Vertex            bool
	Project, Location string
	HTTPClient        *http.Client
}

// Gemini is a Provider for one Gemini model.
type Gemini struct {
	name, model string
	client      *genai.Client
}

var _ Provider = (*Gemini)(nil)

// NewGemini builds a Gemini provider; it makes no call.
func NewGemini(ctx context.Context, cfg GeminiConfig) (*Gemini, error) {
	if cfg.Model == "" {
		return nil, errors.New("gemini: model is required")
	}
	cc := &genai.ClientConfig{
		APIKey:     cfg.APIKey,
		Backend:    genai.BackendGeminiAPI,
		HTTPClient: httpClient(cfg.HTTPClient),
		// Retries are the Chain's business.
		HTTPOptions: genai.HTTPOptions{BaseURL: cfg.BaseURL},
	}
	if cfg.Vertex {
		cc.Backend = genai.BackendVertexAI
		cc.Project, cc.Location = cfg.Project, cfg.Location
		if cc.APIKey == "" && (cc.Project == "" || cc.Location == "") {
			return nil, errors.New("gemini: Vertex AI needs a project and a location, or an API key")
		}
		if cc.HTTPOptions.BaseURL == "" {
			cc.HTTPOptions.BaseURL = vertexURL(cfg.Location)
		}
	} else {
		if cc.APIKey == "" {
			return nil, errors.New("gemini: API key is required")
		}
		if cc.HTTPOptions.BaseURL == "" {
			// Named so that the SDK does not pick up GOOGLE_GEMINI_BASE_URL.
			cc.HTTPOptions.BaseURL = "https://generativelanguage.googleapis.com/"
		}
	}
	client, err := genai.NewClient(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("gemini client: %w", err)
	}
	name := cfg.Name
	if name == "" {
		name = "gemini"
	}
	return &Gemini{name: name, model: cfg.Model, client: client}, nil
}

func vertexURL(location string) string {
	if location == "" || location == "global" {
		return "https://aiplatform.googleapis.com/"
	}
	return "https://" + location + "-aiplatform.googleapis.com/"
}

func (g *Gemini) Name() string  { return g.name }
func (g *Gemini) Model() string { return g.model }

// Stream starts a streamed generation; the HTTP call goes out on the first Next.
func (g *Gemini) Stream(ctx context.Context, req Request) (Stream, error) {
	cfg, err := geminiConfig(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	ctx, note := withRetryNote(ctx)
	seq := g.client.Models.GenerateContentStream(ctx, g.model, geminiContents(req.Messages), cfg)
	next, stop := iter.Pull2(seq)
	return &geminiStream{g: g, cancel: cancel, next: next, stop: stop, note: note,
		res: Result{Provider: g.name, Model: g.model}}, nil
}

func geminiConfig(req Request) (*genai.GenerateContentConfig, error) {
	cfg := &genai.GenerateContentConfig{
		Temperature:    req.Temperature,
		SafetySettings: safetySettings(req.Strict),
	}
	if req.System != "" {
		cfg.SystemInstruction = &genai.Content{Parts: []*genai.Part{{Text: req.System}}}
	}
	if req.MaxOutputTokens > 0 {
		cfg.MaxOutputTokens = int32(req.MaxOutputTokens)
	}
	if req.Schema != nil {
		s, err := geminiSchema(req.Schema)
		if err != nil {
			return nil, err
		}
		cfg.ResponseMIMEType = "application/json"
		cfg.ResponseSchema = s
	}
	return cfg, nil
}

func geminiContents(msgs []Message) []*genai.Content {
	out := make([]*genai.Content, 0, len(msgs))
	for _, m := range msgs {
		c := &genai.Content{Role: genai.RoleUser}
		if m.Role == RoleModel {
			c.Role = genai.RoleModel
		}
		for _, p := range m.Parts {
			if p.IsImage() {
				c.Parts = append(c.Parts, &genai.Part{InlineData: &genai.Blob{MIMEType: p.MIME, Data: p.Data}})
			} else if p.Text != "" {
				c.Parts = append(c.Parts, &genai.Part{Text: p.Text})
			}
		}
		out = append(out, c)
	}
	return out
}

// Learners' chats block at medium probability and above, minors' at low.
func safetySettings(strict bool) []*genai.SafetySetting {
	th := genai.HarmBlockThresholdBlockMediumAndAbove
	if strict {
		th = genai.HarmBlockThresholdBlockLowAndAbove
	}
	cats := []genai.HarmCategory{genai.HarmCategoryHarassment, genai.HarmCategoryHateSpeech,
		genai.HarmCategorySexuallyExplicit, genai.HarmCategoryDangerousContent}
	out := make([]*genai.SafetySetting, len(cats))
	for i, c := range cats {
		out[i] = &genai.SafetySetting{Category: c, Threshold: th}
	}
	return out
}

// geminiSchema turns a JSON schema into Gemini's OpenAPI-flavoured Schema, whose
// type names are upper case; keywords it does not know are dropped.
func geminiSchema(s map[string]any) (*genai.Schema, error) {
	b, err := json.Marshal(upperTypes(s))
	if err != nil {
		return nil, fmt.Errorf("gemini schema: %w", err)
	}
	var out genai.Schema
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("gemini schema: %w", err)
	}
	return &out, nil
}

func upperTypes(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if t, ok := x.(string); ok && k == "type" {
				out[k] = strings.ToUpper(t)
				continue
			}
			out[k] = upperTypes(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = upperTypes(x)
		}
		return out
	}
	return v
}

type geminiStream struct {
	g      *Gemini
	cancel context.CancelFunc
	note   *retryNote

	mu      sync.Mutex // serialises next and stop
	next    func() (*genai.GenerateContentResponse, error, bool)
	stop    func()
	done    bool
	err     error // returned again once the stream has failed or been closed
	res     Result
	pending []string
	closed  sync.Once
}

func (s *geminiStream) Next() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if len(s.pending) > 0 {
			t := s.pending[0]
			s.pending = s.pending[1:]
			return t, nil
		}
		if s.done {
			return "", s.err
		}
		resp, err, ok := s.pull()
		if !ok {
			s.done, s.err = true, io.EOF
			if s.res.FinishReason == "" {
				// The body ended without a finish reason: the answer was cut off.
				s.err = io.ErrUnexpectedEOF
			}
			return "", s.err
		}
		if err != nil {
			s.done, s.err = true, s.wrap(err)
			return "", s.err
		}
		s.take(resp)
	}
}

// pull is next with the SDK's panics on malformed bodies (a field of an
// unexpected JSON type) turned into errors: a provider's bytes must not crash Lyo.
func (s *geminiStream) pull() (resp *genai.GenerateContentResponse, err error, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			resp, err, ok = nil, fmt.Errorf("malformed response: %v", r), true
		}
	}()
	return s.next()
}

func (s *geminiStream) take(resp *genai.GenerateContentResponse) {
	if u := resp.UsageMetadata; u != nil {
		s.res.Usage = Usage{InputTokens: int(u.PromptTokenCount),
			OutputTokens: int(u.CandidatesTokenCount + u.ThoughtsTokenCount)}
	}
	if pf := resp.PromptFeedback; pf != nil && pf.BlockReason != "" {
		s.res.Blocked, s.res.FinishReason = true, string(pf.BlockReason)
	}
	if len(resp.Candidates) == 0 {
		return
	}
	c := resp.Candidates[0]
	if c.FinishReason != "" && c.FinishReason != genai.FinishReasonUnspecified {
		s.res.FinishReason = string(c.FinishReason)
		switch c.FinishReason {
		case genai.FinishReasonSafety, genai.FinishReasonBlocklist, genai.FinishReasonProhibitedContent,
			genai.FinishReasonSPII, genai.FinishReasonImageSafety, genai.FinishReasonRecitation:
			s.res.Blocked = true
		}
	}
	if c.Content == nil {
		return
	}
	for _, p := range c.Content.Parts {
		if p.Text != "" && !p.Thought {
			s.pending = append(s.pending, p.Text)
		}
	}
}

func (s *geminiStream) wrap(err error) error {
	var ae genai.APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("%s %s: %w", s.g.name, s.g.model, err)
	}
	se := &StatusError{Provider: s.g.name, Model: s.g.model, Status: ae.Code, Message: ae.Message,
		RetryAfter: geminiRetryDelay(ae.Details)}
	if se.RetryAfter == 0 {
		se.RetryAfter = s.note.get()
	}
	if se.Status == 0 {
		// An error event inside a 200 stream carries no HTTP code: a server failure.
		se.Status = 500
	}
	return se
}

// geminiRetryDelay reads google.rpc.RetryInfo from an error's details.
func geminiRetryDelay(details []map[string]any) time.Duration {
	for _, d := range details {
		if t, _ := d["@type"].(string); !strings.HasSuffix(t, "google.rpc.RetryInfo") {
			continue
		}
		if v, ok := d["retryDelay"].(string); ok {
			return protoDuration(v)
		}
	}
	return 0
}

func (s *geminiStream) Result() Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res
}

func (s *geminiStream) Close() error {
	s.closed.Do(func() {
		s.cancel()
		s.mu.Lock()
		s.stop()
		if !s.done {
			s.done, s.err = true, context.Canceled
		}
		s.pending = nil
		s.mu.Unlock()
	})
	return nil
}
