package events

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/fault/faulttest"
	"github.com/lyolearn/lyo/internal/httpx"
)

// Every error ingestion can return answers a status chosen on purpose.
func TestErrorsAnswerDeliberateStatuses(t *testing.T) {
	rt := httpx.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), 1024, time.Second)
	Mount(rt, nil, nil)
	faulttest.Check(t, ".", rt.Outcome, []faulttest.Case{
		{Name: "ErrNotFound", Err: ErrNotFound, Status: http.StatusNotFound, Code: "not_found"},
		{Name: "ErrTooLarge", Err: ErrTooLarge, Status: http.StatusRequestEntityTooLarge, Code: "batch_too_large"},
		{Name: "ErrTooLarge batch_too_large", Err: fault.New(ErrTooLarge, "batch_too_large", "split it"), Status: http.StatusRequestEntityTooLarge, Code: "batch_too_large"},
	})
}
