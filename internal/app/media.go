package app

import (
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/blob/signed"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/media/imaging"
	"github.com/lyolearn/lyo/internal/ratelimit"
)

// wireMedia builds the media service on the storage providers and the queue,
// registers its workers and joins it to the account registry.
func (s *server) wireMedia(q *jobs.Queue) error {
	mc := s.cfg.Media
	creator := mc.QuotaCreator
	s.media = media.NewService(s.db, s.storage.providers, q,
		imaging.NewWithLimits(imaging.Limits{MaxPixels: mc.MaxPixels, MaxFrames: int(mc.MaxFrames)}),
		media.NewSigner(s.cfg.PublicBaseURL, mc.URLExpiry, s.now),
		media.Options{
			MaxBytes:     map[media.Kind]int64{media.Image: mc.MaxImageBytes, media.Video: mc.MaxVideoBytes},
			Quotas:       map[access.Role]int64{access.Learner: mc.QuotaLearner, access.Creator: creator, access.Moderator: creator, access.Admin: creator},
			MaxPixels:    mc.MaxPixels,
			MaxFrames:    int(mc.MaxFrames),
			URLExpiry:    mc.URLExpiry,
			UploadExpiry: mc.UploadURLExpiry,
			PartSize:     mc.PartBytes,
			Now:          s.now,
			Logger:       s.log,
		})
	if err := jobs.Register(q, media.NewProcessWorker(s.media)); err != nil {
		return err
	}
	if err := jobs.Register(q, media.NewPurgeWorker(s.media)); err != nil {
		return err
	}
	if err := jobs.Register(q, media.NewSweepWorker(s.media)); err != nil {
		return err
	}
	if err := q.Every(time.Hour, media.SweepArgs{}, nil); err != nil {
		return err
	}
	s.content.SetMediaRefs(s.media)
	s.auth.SetMediaRefs(s.media)
	s.auth.RegisterData(auth.DataPart{Name: "media", Export: s.media.Export, Delete: s.media.DeleteUserData})
	return nil
}

// uploadPolicies are the upload routes' own limits, per user and per address.
func (s *server) uploadPolicies() (user, ip ratelimit.Policy) {
	n := int(max(s.cfg.Media.UploadsPerMin, 1))
	user = ratelimit.Policy{Name: "uploads-user", Limit: n, Period: time.Minute, Burst: max(n/2, 1)}
	ip = ratelimit.Policy{Name: "uploads", Limit: 2 * n, Period: time.Minute, Burst: n}
	return user, ip
}

// signedObjects finds the handler of a local provider's signed URLs.
func (s *server) signedObjects(provider string) (*signed.Handler, bool) {
	return s.storage.signedHandler(provider)
}
