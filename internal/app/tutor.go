package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/tutor"
)

// newTutor builds the tutor on the catalogue, the accounts and the models the
// configuration names.
func (s *server) newTutor() error {
	cfg := s.cfg.Tutor
	offline := tutor.NewOffline(tutorCatalogue{s.db}, s.cfg.PublicBaseURL, 5)
	models, err := newTutorModels(context.Background(), s.cfg, offline, s.log)
	if err != nil {
		return err
	}
	prices := tutor.DefaultPrices
	if cfg.Prices != nil {
		prices = map[string]tutor.Price{}
		for m, p := range cfg.Prices {
			prices[m] = tutor.Price{InputMicros: p[0], OutputMicros: p[1]}
		}
	}
	s.tutor = tutor.NewService(tutor.Deps{
		Store:    s.db,
		Library:  tutorLibrary{s.content},
		Learners: tutorLearners{s.auth, s.now},
		Models:   models,
	}, tutor.Options{
		MaxMessageChars: cfg.MaxMessageChars,
		DailyTokens:     cfg.DailyTokens,
		DailyCostMicros: cfg.DailyCostMicros,
		Prices:          prices,
		Heartbeat:       cfg.Heartbeat,
		IdleTimeout:     cfg.StreamIdle,
		TotalTimeout:    cfg.StreamTotal,
		Now:             s.now,
		Logger:          s.log,
	})
	s.auth.RegisterData(auth.DataPart{Name: "tutor", Export: s.tutor.Export, Delete: s.tutor.DeleteUserData})
	return nil
}

// tutorCatalogue is the offline mode's search: the catalogue's own full-text
// search, any word counting.
type tutorCatalogue struct {
	db interface {
		Search(ctx context.Context, q content.SearchQuery) ([]content.SearchHit, error)
	}
}

func (c tutorCatalogue) SearchAny(ctx context.Context, words []string, limit int) ([]tutor.Hit, error) {
	hits, err := c.db.Search(ctx, content.SearchQuery{Terms: words, Any: true, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]tutor.Hit, len(hits))
	for i, h := range hits {
		out[i] = tutor.Hit{ID: h.Item.ID, Title: h.Item.Title, Snippet: content.CutSnippet(h.Snippet), Language: h.Item.Language}
	}
	return out, nil
}

// tutorLibrary gives the tutor the texts a conversation is about, as the
// learner may see them.
type tutorLibrary struct{ content *content.Service }

// maxSeriesEpisodes bounds how many episodes of a series ground a conversation.
const maxSeriesEpisodes = 20

func (l tutorLibrary) Grounding(ctx context.Context, caller access.Caller, contentID, seriesID string) (tutor.Grounding, error) {
	if contentID != "" {
		it, err := l.content.Get(ctx, caller, contentID)
		if err != nil {
			return tutor.Grounding{}, tutorNotFound(err)
		}
		return tutor.Grounding{Title: it.Title, Language: it.Language,
			Text: joinNonEmpty("\n\n", it.Title, it.Description, it.Body, it.Transcript)}, nil
	}
	sr, err := l.content.GetSeries(ctx, caller, seriesID)
	if err != nil {
		return tutor.Grounding{}, tutorNotFound(err)
	}
	eps, _, err := l.content.List(ctx, caller, content.ItemQuery{SeriesID: sr.ID, Limit: maxSeriesEpisodes})
	if err != nil {
		return tutor.Grounding{}, err
	}
	parts := []string{sr.Title, sr.Description}
	lang := ""
	for _, e := range eps {
		parts = append(parts, fmt.Sprintf("Episode %d: %s. %s", e.Episode, e.Title, e.Description))
		if lang == "" {
			lang = e.Language
		}
	}
	return tutor.Grounding{Title: sr.Title, Language: lang, Text: joinNonEmpty("\n\n", parts...)}, nil
}

func tutorNotFound(err error) error {
	if errors.Is(err, content.ErrNotFound) {
		return tutor.ErrNotFound
	}
	return err
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// tutorLearners tells the tutor a learner's age group from their profile.
type tutorLearners struct {
	auth *auth.Service
	now  func() time.Time
}

func (l tutorLearners) IsMinor(ctx context.Context, userID string) (bool, error) {
	u, err := l.auth.Me(ctx, userID)
	if err != nil {
		return false, err
	}
	return u.Profile.IsMinor(l.now()), nil
}

// wireTutorJobs registers the tutor's workers: summaries of long conversations
// and the catalogue's tags.
func (s *server) wireTutorJobs(q *jobs.Queue) error {
	if err := jobs.Register(q, tutor.NewSummarizeWorker(s.tutor)); err != nil {
		return err
	}
	s.tutor.SetEnqueuer(tutor.QueueEnqueuer{Queue: q})
	if s.media != nil {
		s.tutor.SetMedia(tutorMedia{media: s.media, providers: s.storage.providers})
	}
	if err := jobs.Register(q, tutor.NewTagWorker(s.tutor)); err != nil {
		return err
	}
	if err := jobs.Register(q, tutor.NewTagSweepWorker(s.tutor, q)); err != nil {
		return err
	}
	return q.Every(s.cfg.Tutor.TagEvery, tutor.TagSweepArgs{}, nil)
}
