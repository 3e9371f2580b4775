// Package obs is how Lyo is watched: structured logs, Prometheus metrics, and the
// liveness and readiness answers a load balancer or orchestrator asks for.
package obs

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger makes the process logger: JSON for machines, text for people.
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
