package tutor

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// Grounding is the text of what a conversation is about: a content item, or a
// series' episodes.
type Grounding struct {
	Title    string
	Language string
	Text     string
}

// Library answers the tutor's questions about the catalogue.
type Library interface {
	// Grounding returns the text of an item (contentID) or a series (seriesID)
	// the caller may see; ErrNotFound when absent or hidden from them.
	Grounding(ctx context.Context, caller access.Caller, contentID, seriesID string) (Grounding, error)
}

// Learners tells the tutor who it speaks to.
type Learners interface {
	// IsMinor reports whether the learner is under age: stricter safety.
	IsMinor(ctx context.Context, userID string) (bool, error)
}

// Media hands the tutor the images a learner attaches, by media ID. ErrNotFound
// for a media ID that is not the learner's; a *fault.Error of ErrInvalidMedia
// for one that is not an image or is too large.
type Media interface {
	Image(ctx context.Context, userID, mediaID string) (mime string, data []byte, err error)
}

// ErrInvalidMedia is an attachment the tutor cannot read.
var ErrInvalidMedia = errors.New("the attachment is not an image the tutor can read")

// Models gives the provider (usually an llm chain) that serves a task; nil
// when nothing serves it.
type Models interface {
	Provider(task string) llm.Provider
}

// Moderator checks a prompt or an answer before it goes further; an error
// wrapping ErrRefused stops it. Strict is for minors.
type Moderator interface {
	Check(ctx context.Context, text string, strict bool) error
}

// ErrRefused is a message the moderation hook would not let through.
var ErrRefused = errors.New("the tutor cannot help with this message")

// Options tune the service; zero values take the defaults.
type Options struct {
	MaxMessageChars int   // longest question, in characters (default 4000)
	MaxImages       int   // images a question may attach (default 4)
	ContextTokens   int   // budget of recent turns sent to the model (default 3000)
	KeepRecent      int   // turns never folded into the summary (default 8)
	MaxAnswerChars  int   // an answer is cut here (default 16000)
	MaxOutputTokens int   // asked of the model (default 1024)
	DailyTokens     int64 // a learner's tokens per UTC day; 0: no quota
	DailyCostMicros int64 // the deployment's cost per UTC day; 0: no cap
	Prices          map[string]Price
	Heartbeat       time.Duration // comment sent when nothing else was (default 15s)
	IdleTimeout     time.Duration // longest gap between chunks (default 30s)
	TotalTimeout    time.Duration // longest answer (default 2m)
	Now             func() time.Time
	Logger          *slog.Logger
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxMessageChars, 4000)
	def(&o.MaxImages, 4)
	def(&o.ContextTokens, 3000)
	def(&o.KeepRecent, 8)
	def(&o.MaxAnswerChars, 16000)
	def(&o.MaxOutputTokens, 1024)
	for _, d := range []struct {
		v *time.Duration
		d time.Duration
	}{{&o.Heartbeat, 15 * time.Second}, {&o.IdleTimeout, 30 * time.Second}, {&o.TotalTimeout, 2 * time.Minute}} {
		if *d.v <= 0 {
			*d.v = d.d
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Enqueuer schedules the tutor's background work (summaries).
type Enqueuer interface {
	Summarize(ctx context.Context, conversationID string) error
}

// Service is the tutor.
type Service struct {
	store     Store
	library   Library
	learners  Learners
	media     Media // nil: images are refused
	models    Models
	moderator Moderator // nil: no hook
	enqueue   Enqueuer  // nil: summaries are never folded
	opts      Options
}

// Deps are the service's collaborators; Media, Moderator and Enqueuer may be nil.
type Deps struct {
	Store     Store
	Library   Library
	Learners  Learners
	Media     Media
	Models    Models
	Moderator Moderator
	Enqueuer  Enqueuer
}

// NewService builds the tutor.
func NewService(d Deps, opts Options) *Service {
	return &Service{store: d.Store, library: d.Library, learners: d.Learners, media: d.Media, models: d.Models,
		moderator: d.Moderator, enqueue: d.Enqueuer, opts: opts.withDefaults()}
}

// SetEnqueuer installs the job queue once it is built (it needs the service).
func (s *Service) SetEnqueuer(e Enqueuer) { s.enqueue = e }

// SetMedia installs the media domain once it is built (it needs the queue).
func (s *Service) SetMedia(m Media) { s.media = m }

// NewConversation is what a learner may say when starting a conversation.
type NewConversation struct {
	ContentID string
	SeriesID  string
}

// Create starts a conversation, tied to an item or a series the learner can see.
func (s *Service) Create(ctx context.Context, caller access.Caller, in NewConversation) (Conversation, error) {
	if in.ContentID != "" && in.SeriesID != "" {
		return Conversation{}, fault.Invalidf("series_id", "give content_id or series_id, not both")
	}
	c := Conversation{UserID: caller.UserID, ContentID: in.ContentID, SeriesID: in.SeriesID}
	if in.ContentID != "" || in.SeriesID != "" {
		g, err := s.library.Grounding(ctx, caller, in.ContentID, in.SeriesID)
		if errors.Is(err, ErrNotFound) {
			field := "content_id"
			if in.SeriesID != "" {
				field = "series_id"
			}
			return Conversation{}, fault.Invalidf(field, "no such item or series")
		}
		if err != nil {
			return Conversation{}, err
		}
		c.Title = cut(g.Title, 200)
	}
	now := s.opts.Now().UTC()
	c.ID, c.CreatedAt, c.UpdatedAt = id.New(now), now, now
	if err := s.store.CreateConversation(ctx, c); err != nil {
		return Conversation{}, err
	}
	return c, nil
}

// Get returns the learner's own conversation; someone else's is ErrNotFound.
func (s *Service) Get(ctx context.Context, userID, conversationID string) (Conversation, error) {
	c, err := s.store.ConversationByID(ctx, conversationID)
	if err != nil {
		return Conversation{}, err
	}
	if c.UserID != userID {
		return Conversation{}, ErrNotFound
	}
	return c, nil
}

// List pages the learner's conversations, newest first.
func (s *Service) List(ctx context.Context, userID, beforeID string, limit int) ([]Conversation, bool, error) {
	cs, err := s.store.ListConversations(ctx, userID, beforeID, limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(cs) > limit
	if more {
		cs = cs[:limit]
	}
	return cs, more, nil
}

// Messages pages a conversation's messages, newest first.
func (s *Service) Messages(ctx context.Context, userID, conversationID, beforeID string, limit int) ([]Message, bool, error) {
	if _, err := s.Get(ctx, userID, conversationID); err != nil {
		return nil, false, err
	}
	ms, err := s.store.Messages(ctx, conversationID, beforeID, limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(ms) > limit
	if more {
		ms = ms[:limit]
	}
	return ms, more, nil
}

// Delete removes the learner's conversation and its messages.
func (s *Service) Delete(ctx context.Context, userID, conversationID string) error {
	if _, err := s.Get(ctx, userID, conversationID); err != nil {
		return err
	}
	return s.store.DeleteConversation(ctx, conversationID)
}

// Question is what a learner sends.
type Question struct {
	Text     string
	MediaIDs []string
}

func (s *Service) validate(q Question) error {
	bad := &fault.Invalid{}
	text := strings.TrimSpace(q.Text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		bad.Add("text", "is required: the question to ask")
	case n > s.opts.MaxMessageChars:
		bad.Add("text", "is longer than %d characters", s.opts.MaxMessageChars)
	}
	if len(q.MediaIDs) > 0 && s.media == nil {
		bad.Add("media_ids", "this server does not take images yet")
	} else if len(q.MediaIDs) > s.opts.MaxImages {
		bad.Add("media_ids", "at most %d images a question", s.opts.MaxImages)
	} else {
		seen := map[string]bool{}
		for i, m := range q.MediaIDs {
			if !id.Valid(m) {
				bad.Add("media_ids", "item %d is not a media ID", i)
			} else if seen[m] {
				bad.Add("media_ids", "item %d repeats %s", i, m)
			}
			seen[m] = true
		}
	}
	return bad.Err()
}

// cut shortens s to at most n characters, at a character boundary.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Day is the UTC day t falls on, as usage is counted.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// nextDay is when t's UTC day ends.
func nextDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// UsageView is a learner's tutor usage today, with the limits that apply.
type UsageView struct {
	Usage
	DailyTokens int64     // 0: no quota
	ResetAt     time.Time // when today's usage starts again from zero
}

// UsageOf is the learner's usage today.
func (s *Service) UsageOf(ctx context.Context, userID string) (UsageView, error) {
	now := s.opts.Now()
	u, err := s.store.UsageOf(ctx, userID, Day(now))
	if err != nil {
		return UsageView{}, err
	}
	return UsageView{Usage: u, DailyTokens: s.opts.DailyTokens, ResetAt: nextDay(now)}, nil
}

// checkQuota refuses a question when the learner's tokens or the deployment's
// spending for today are used up.
func (s *Service) checkQuota(ctx context.Context, userID string) error {
	now := s.opts.Now()
	day := Day(now)
	if s.opts.DailyTokens > 0 {
		u, err := s.store.UsageOf(ctx, userID, day)
		if err != nil {
			return err
		}
		if u.Tokens >= s.opts.DailyTokens {
			return &QuotaError{Scope: "learner", ResetAt: nextDay(now)}
		}
	}
	if s.opts.DailyCostMicros > 0 {
		cost, err := s.store.DeploymentCost(ctx, day)
		if err != nil {
			return err
		}
		if cost >= s.opts.DailyCostMicros {
			return &QuotaError{Scope: "deployment", ResetAt: nextDay(now)}
		}
	}
	return nil
}
