package app

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext ends when the process is asked to stop (SIGTERM from an
// orchestrator, SIGINT from a terminal).
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
