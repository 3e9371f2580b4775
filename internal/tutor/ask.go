package tutor

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// Sink is where an answer goes as it arrives (the HTTP layer's event stream).
// Open is called once a model has accepted the question, before any token;
// errors before it are the request's own (answered as problems), after it they
// end the stream with Fail.
type Sink interface {
	Open() error
	Token(text string) error
	Heartbeat() error
	Done(d Done) error
	Fail(code, message string) error
}

// Done is the end of an answer.
type Done struct {
	MessageID string
	Usage     llm.Usage
	Provider  string
	Model     string
	Degraded  bool
	Sources   []llm.Source
}

// Codes of a stream that ends with an error.
const (
	FailUpstream = "upstream_error" // the model failed mid-answer
	FailIdle     = "idle_timeout"   // the model sent nothing for too long
	FailTotal    = "total_timeout"  // the answer took too long
	FailBlocked  = "blocked"        // a safety filter stopped the answer
)

// Ask answers a question in the learner's conversation, streaming the answer
// into sink, and stores the question and the answer (complete, partial when
// the client went away, error when the model failed).
func (s *Service) Ask(ctx context.Context, caller access.Caller, conversationID string, q Question, sink Sink) error {
	conv, err := s.Get(ctx, caller.UserID, conversationID)
	if err != nil {
		return err
	}
	if err := s.validate(q); err != nil {
		return err
	}
	q.Text = strings.TrimSpace(q.Text)
	minor, err := s.learners.IsMinor(ctx, caller.UserID)
	if err != nil {
		return err
	}
	if s.moderator != nil {
		if err := s.moderator.Check(ctx, q.Text, minor); err != nil {
			return err
		}
	}
	images, err := s.images(ctx, caller.UserID, q.MediaIDs)
	if err != nil {
		return err
	}
	if err := s.checkQuota(ctx, caller.UserID); err != nil {
		return err
	}
	ground, err := s.grounding(ctx, caller, conv)
	if err != nil {
		return err
	}
	now := s.opts.Now().UTC()
	question := Message{ID: id.New(now), ConversationID: conv.ID, UserID: caller.UserID, Role: RoleUser, Text: q.Text,
		MediaIDs: q.MediaIDs, Status: Complete, CreatedAt: now}
	req, err := s.request(ctx, conv, question, images, ground, minor)
	if err != nil {
		return err
	}
	provider := s.models.Provider(llm.TaskChat)
	if provider == nil {
		return ErrUnavailable
	}
	started := time.Now()
	// The model's call lives as long as the request (the client) does; the
	// stream's own limits end it sooner.
	callCtx, cancel := context.WithCancel(WithLanguage(ctx, ground.Language))
	defer cancel()
	stream, err := provider.Stream(callCtx, req)
	if err != nil {
		// Nothing is stored: a question no model took would dangle in the
		// conversation, unanswered, and ride along in the next turn's context.
		if ctx.Err() != nil {
			return ctx.Err() // the client went away
		}
		return unavailable(err)
	}
	defer stream.Close()
	if err := sink.Open(); err != nil {
		return err
	}
	// The question is stored while the answer streams: the write stays off
	// the time to the first token, and is done before the answer is stored.
	saved := make(chan error, 1)
	go func() { saved <- s.store.AddMessage(context.WithoutCancel(ctx), question) }()
	answer := Message{ID: id.New(s.opts.Now()), ConversationID: conv.ID, UserID: caller.UserID, Role: RoleTutor}
	status, code, text := s.pump(ctx, stream, sink)
	res := stream.Result()
	stream.Close()
	cancel()
	answer.Text, answer.Status = text, status
	answer.Provider, answer.Model, answer.Degraded, answer.Sources = res.Provider, res.Model, res.Degraded, res.Sources
	if !res.Degraded { // offline answers cost nothing
		u := charged(res.Usage, req, text)
		answer.InputTokens, answer.OutputTokens = u.InputTokens, u.OutputTokens
	}
	answer.CostMicros = s.opts.Prices[res.Model].Cost(llm.Usage{InputTokens: answer.InputTokens, OutputTokens: answer.OutputTokens})
	answer.LatencyMS = time.Since(started).Milliseconds()
	answer.CreatedAt = s.opts.Now().UTC()
	if res.Blocked && status == Complete {
		answer.Status, code = Failed, FailBlocked
	}
	// The client may be gone: what was said is stored all the same.
	saveCtx := context.WithoutCancel(ctx)
	if err := <-saved; err != nil {
		// An answer is never stored without its question: the conversation
		// would read as the tutor speaking unasked.
		s.opts.Logger.ErrorContext(ctx, "store tutor question; its answer is not stored", "conversation", conv.ID, "error", err)
	} else if err := s.store.AddMessage(saveCtx, answer); err != nil {
		s.opts.Logger.ErrorContext(ctx, "store tutor answer", "conversation", conv.ID, "error", err)
	}
	if tokens := int64(answer.InputTokens + answer.OutputTokens); tokens > 0 || answer.CostMicros > 0 {
		if err := s.store.AddUsage(saveCtx, caller.UserID, Day(answer.CreatedAt), tokens, answer.CostMicros); err != nil {
			s.opts.Logger.ErrorContext(ctx, "count tutor usage", "user", caller.UserID, "error", err)
		}
	}
	s.maybeSummarize(saveCtx, conv)
	switch answer.Status {
	case Partial:
		return nil // nobody is listening
	case Failed:
		return sink.Fail(code, failMessage(code))
	}
	return sink.Done(Done{MessageID: answer.ID, Usage: llm.Usage{InputTokens: answer.InputTokens, OutputTokens: answer.OutputTokens},
		Provider: answer.Provider, Model: answer.Model, Degraded: answer.Degraded, Sources: answer.Sources})
}

func failMessage(code string) string {
	switch code {
	case FailIdle:
		return "the model stopped answering; ask again"
	case FailTotal:
		return "the answer took too long and was cut short; ask again or ask for less"
	case FailBlocked:
		return "the answer was stopped by a safety filter"
	}
	return "the model failed while answering; ask again"
}

type chunk struct {
	text string
	err  error
}

// pump moves the answer from stream to sink until it ends, the client goes
// away, or a limit is reached, with heartbeats while the model is silent. It
// returns how the answer ended and the text that reached the client.
func (s *Service) pump(ctx context.Context, stream llm.Stream, sink Sink) (Status, string, string) {
	chunks := make(chan chunk)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			t, err := stream.Next()
			select {
			case chunks <- chunk{t, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	total := time.NewTimer(s.opts.TotalTimeout)
	defer total.Stop()
	idle := time.NewTimer(s.opts.IdleTimeout)
	defer idle.Stop()
	beat := time.NewTicker(s.opts.Heartbeat)
	defer beat.Stop()
	var text strings.Builder
	for {
		select {
		case <-ctx.Done():
			return Partial, "", text.String()
		case <-total.C:
			return Failed, FailTotal, text.String()
		case <-idle.C:
			return Failed, FailIdle, text.String()
		case <-beat.C:
			if err := sink.Heartbeat(); err != nil {
				return Partial, "", text.String()
			}
		case c := <-chunks:
			if errors.Is(c.err, io.EOF) {
				return Complete, "", text.String()
			}
			if c.err != nil {
				if ctx.Err() != nil {
					return Partial, "", text.String()
				}
				s.opts.Logger.WarnContext(ctx, "tutor answer failed mid-stream", "error", c.err)
				return Failed, FailUpstream, text.String()
			}
			if room := s.opts.MaxAnswerChars - text.Len(); len(c.text) > room {
				c.text = cutBytes(c.text, room)
				if c.text != "" {
					text.WriteString(c.text)
					if err := sink.Token(c.text); err != nil {
						return Partial, "", text.String()
					}
				}
				return Complete, "", text.String() // the cap: the rest is dropped
			}
			if c.text == "" {
				continue
			}
			text.WriteString(c.text)
			if err := sink.Token(c.text); err != nil {
				return Partial, "", text.String()
			}
			if !idle.Stop() {
				select {
				case <-idle.C:
				default:
				}
			}
			idle.Reset(s.opts.IdleTimeout)
		}
	}
}

// cutBytes is the longest prefix of s of at most n bytes that ends at a
// character boundary.
func cutBytes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
