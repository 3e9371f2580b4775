//go:build !vips

package imaging

// New is the pure-Go processor with the default limits: this build has no libvips.
func New() Processor { return NewGo(Limits{}) }

// NewWithLimits is New with other header limits.
func NewWithLimits(lim Limits) Processor { return NewGo(lim) }

func canDecode(f Format) bool { return f != HEIC && f != AVIF }
