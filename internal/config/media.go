package config

import (
	"fmt"
	"strconv"
	"time"
)

// Media is the upload and processing limits.
type Media struct {
	MaxImageBytes   int64
	MaxVideoBytes   int64
	MaxPixels       int64
	MaxFrames       int64
	QuotaLearner    int64 // bytes of originals a learner may hold; 0: no quota
	QuotaCreator    int64 // creators, moderators and admins
	URLExpiry       time.Duration
	UploadsPerMin   int64
	UploadURLExpiry time.Duration
	PartBytes       int64
}

// int64Setting is a whole number within [lo, hi].
func int64Setting(name, def, doc string, lo, hi int64, field func(*Config) *int64) Setting {
	return Setting{Name: name, Default: def, Doc: doc,
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("want a whole number from %d to %d", lo, hi)
			}
			*field(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(*field(c), 10) }}
}

const maxMediaBytes = 5 << 40 // S3's largest object

var mediaSettings = []Setting{
	int64Setting("LYO_MEDIA_MAX_IMAGE_BYTES", "52428800", "largest image upload, in bytes (a larger one is a 413)", 1024, maxMediaBytes, func(c *Config) *int64 { return &c.Media.MaxImageBytes }),
	int64Setting("LYO_MEDIA_MAX_VIDEO_BYTES", "2147483648", "largest video upload, in bytes", 1024, maxMediaBytes, func(c *Config) *int64 { return &c.Media.MaxVideoBytes }),
	int64Setting("LYO_MEDIA_MAX_PIXELS", "50000000", "most pixels an image's header may claim (more is a 422, read before anything is decoded)", 1, 1<<40, func(c *Config) *int64 { return &c.Media.MaxPixels }),
	int64Setting("LYO_MEDIA_MAX_FRAMES", "100", "most frames an animated image may have (more is a 422)", 1, 100000, func(c *Config) *int64 { return &c.Media.MaxFrames }),
	int64Setting("LYO_MEDIA_QUOTA_LEARNER", "1073741824", "bytes of uploads a learner may keep; `0` for no quota (beyond it, a 413)", 0, maxMediaBytes, func(c *Config) *int64 { return &c.Media.QuotaLearner }),
	int64Setting("LYO_MEDIA_QUOTA_CREATOR", "53687091200", "bytes of uploads a creator (moderator, admin) may keep; `0` for no quota", 0, maxMediaBytes, func(c *Config) *int64 { return &c.Media.QuotaCreator }),
	int64Setting("LYO_MEDIA_UPLOADS_PER_MINUTE", "60", "uploads a user may start a minute (the upload routes' own rate limit)", 1, 100000, func(c *Config) *int64 { return &c.Media.UploadsPerMin }),
	int64Setting("LYO_MEDIA_PART_BYTES", "16777216", "size of a direct upload's parts (5 MiB to 5 GiB); a file no larger goes in one PUT", 5<<20, 5<<30, func(c *Config) *int64 { return &c.Media.PartBytes }),
	positiveDuration("LYO_MEDIA_URL_TTL", "1h", "how long the signed URLs of private media stay valid", func(c *Config) *time.Duration { return &c.Media.URLExpiry }),
	positiveDuration("LYO_MEDIA_UPLOAD_TTL", "1h", "how long a direct upload's presigned requests stay valid", func(c *Config) *time.Duration { return &c.Media.UploadURLExpiry }),
}
