package llm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"

	openai "github.com/sashabaranov/go-openai"
)

// OpenAIConfig configures one model on an OpenAI-compatible server (Ollama, vLLM,
// llama.cpp, LM Studio). Nothing is read from the environment: OPENAI_* and
// OLLAMA_HOST mean nothing here unless Lyo's own settings pass their values in.
type OpenAIConfig struct {
	// Name labels the provider in results and breaker keys; default "openai".
	Name    string
	BaseURL string // e.g. http://127.0.0.1:11434/v1
	// APIKey is sent as a bearer token; empty sends none.
	APIKey     string
	Model      string
	HTTPClient *http.Client
}

// OpenAI is a Provider for one model behind the chat completions API.
type OpenAI struct {
	name, model string
	client      *openai.Client
}

var _ Provider = (*OpenAI)(nil)

// NewOpenAI builds an OpenAI-compatible provider; it makes no call.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if cfg.BaseURL == "" || cfg.Model == "" {
		return nil, errors.New("openai: base URL and model are required")
	}
	cc := openai.DefaultConfig(strings.TrimSpace(cfg.APIKey))
	cc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cc.HTTPClient = httpClient(cfg.HTTPClient)
	name := cfg.Name
	if name == "" {
		name = "openai"
	}
	return &OpenAI{name: name, model: cfg.Model, client: openai.NewClientWithConfig(cc)}, nil
}

func (o *OpenAI) Name() string  { return o.name }
func (o *OpenAI) Model() string { return o.model }

// Stream sends the request and returns once the server has accepted it.
func (o *OpenAI) Stream(ctx context.Context, req Request) (Stream, error) {
	creq, err := openAIRequest(o.model, req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	ctx, note := withRetryNote(ctx)
	st, err := o.client.CreateChatCompletionStream(ctx, creq)
	if err != nil {
		cancel()
		return nil, o.wrap(err, note)
	}
	return &openAIStream{o: o, st: st, cancel: cancel, note: note,
		res: Result{Provider: o.name, Model: o.model}}, nil
}

func openAIRequest(model string, req Request) (openai.ChatCompletionRequest, error) {
	out := openai.ChatCompletionRequest{
		Model:         model,
		Stream:        true,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
		MaxTokens:     req.MaxOutputTokens,
	}
	if req.Temperature != nil {
		out.Temperature = *req.Temperature
		if out.Temperature == 0 {
			// The client omits a zero temperature and servers then use their own
			// default; the smallest positive float is sent instead.
			out.Temperature = math.SmallestNonzeroFloat32
		}
	}
	if req.System != "" {
		out.Messages = append(out.Messages, openai.ChatCompletionMessage{
			Role: openai.ChatMessageRoleSystem, Content: req.System})
	}
	for _, m := range req.Messages {
		out.Messages = append(out.Messages, openAIMessage(m))
	}
	if req.Schema != nil {
		b, err := json.Marshal(req.Schema)
		if err != nil {
			return out, fmt.Errorf("openai schema: %w", err)
		}
		name := req.Task
		if name == "" {
			name = "answer"
		}
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				// Not strict: OpenAI's strict mode refuses schemas that leave properties
				// optional, and local servers constrain the output either way.
				Name: name, Schema: json.RawMessage(b)},
		}
	}
	return out, nil
}

func openAIMessage(m Message) openai.ChatCompletionMessage {
	role := openai.ChatMessageRoleUser
	if m.Role == RoleModel {
		role = openai.ChatMessageRoleAssistant
	}
	hasImage := false
	for _, p := range m.Parts {
		hasImage = hasImage || p.IsImage()
	}
	if !hasImage {
		var b strings.Builder
		for _, p := range m.Parts {
			b.WriteString(p.Text)
		}
		return openai.ChatCompletionMessage{Role: role, Content: b.String()}
	}
	out := openai.ChatCompletionMessage{Role: role}
	for _, p := range m.Parts {
		if p.IsImage() {
			url := "data:" + p.MIME + ";base64," + base64.StdEncoding.EncodeToString(p.Data)
			out.MultiContent = append(out.MultiContent, openai.ChatMessagePart{
				Type: openai.ChatMessagePartTypeImageURL, ImageURL: &openai.ChatMessageImageURL{URL: url}})
		} else if p.Text != "" {
			out.MultiContent = append(out.MultiContent, openai.ChatMessagePart{
				Type: openai.ChatMessagePartTypeText, Text: p.Text})
		}
	}
	return out
}

func (o *OpenAI) wrap(err error, note *retryNote) error {
	var ae *openai.APIError
	var re *openai.RequestError
	se := &StatusError{Provider: o.name, Model: o.model}
	switch {
	case errors.As(err, &ae):
		se.Status, se.Message = ae.HTTPStatusCode, ae.Message
		if se.Status == 0 {
			// An error object inside a 200 stream: the server failed mid-answer.
			se.Status = 500
		}
	case errors.As(err, &re) && re.HTTPStatusCode != 0:
		se.Status, se.Message = re.HTTPStatusCode, re.HTTPStatus
	default:
		return fmt.Errorf("%s %s: %w", o.name, o.model, err)
	}
	se.RetryAfter = note.get()
	return se
}

type openAIStream struct {
	o      *OpenAI
	st     *openai.ChatCompletionStream
	cancel context.CancelFunc
	note   *retryNote

	mu       sync.Mutex
	done     bool
	err      error // returned again once the stream has ended, failed or been closed
	finished bool
	res      Result
	closed   sync.Once
}

func (s *openAIStream) Next() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.done {
		r, err := s.st.Recv()
		if errors.Is(err, io.EOF) {
			s.done, s.err = true, io.EOF
			if !s.finished {
				// The body ended before any finish reason: the answer was cut off.
				s.err = io.ErrUnexpectedEOF
			}
			return "", s.err
		}
		if err != nil {
			s.done, s.err = true, s.o.wrap(err, s.note)
			return "", s.err
		}
		if r.Usage != nil {
			s.res.Usage = Usage{InputTokens: r.Usage.PromptTokens, OutputTokens: r.Usage.CompletionTokens}
		}
		if len(r.Choices) == 0 {
			continue
		}
		c := r.Choices[0]
		if c.FinishReason != "" {
			s.finished = true
			s.res.FinishReason = string(c.FinishReason)
			s.res.Blocked = c.FinishReason == openai.FinishReasonContentFilter
		}
		if c.Delta.Content != "" {
			return c.Delta.Content, nil
		}
	}
	return "", s.err
}

func (s *openAIStream) Result() Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res
}

func (s *openAIStream) Close() error {
	s.closed.Do(func() {
		s.cancel()
		s.mu.Lock()
		s.st.Close()
		if !s.done {
			s.done, s.err = true, context.Canceled
		}
		s.mu.Unlock()
	})
	return nil
}
