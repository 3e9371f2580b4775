package flags

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/fault/faulttest"
	"github.com/lyolearn/lyo/internal/httpx"
)

// Every error the flags service can return answers a status chosen on purpose.
func TestErrorsAnswerDeliberateStatuses(t *testing.T) {
	rt := httpx.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), 1024, time.Second)
	Mount(rt, nil, nil, nil)
	faulttest.Check(t, ".", rt.Outcome, []faulttest.Case{
		{Name: "ErrUnknown", Err: fmt.Errorf("%w %q", ErrUnknown, "nope"), Status: http.StatusNotFound, Code: "unknown_flag"},
		{Name: "ErrNotFound", Err: ErrNotFound, Status: http.StatusNotFound, Code: "not_found"},
	})
}
