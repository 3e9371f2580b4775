package content

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

// Every error the catalogue can return answers a status chosen on purpose.
func TestErrorsAnswerDeliberateStatuses(t *testing.T) {
	rt := httpx.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), 1024, time.Second)
	Mount(rt, nil, nil)
	faulttest.Check(t, ".", rt.Outcome, []faulttest.Case{
		{Name: "ErrNotFound", Err: ErrNotFound, Status: http.StatusNotFound, Code: "not_found"},
		{Name: "ErrForbidden", Err: ErrForbidden, Status: http.StatusForbidden, Code: "forbidden"},
		{Name: "ErrConflict", Err: ErrConflict, Status: http.StatusConflict, Code: "conflict"},
		{Name: "ErrNotFound not_found", Err: errNotCreator, Status: http.StatusNotFound, Code: "not_found"},
		{Name: "ErrForbidden forbidden", Err: fault.New(ErrForbidden, "forbidden", "no"), Status: http.StatusForbidden, Code: "forbidden"},
		{Name: "ErrConflict removed", Err: fault.New(ErrConflict, "removed", "gone"), Status: http.StatusConflict, Code: "removed"},
		{Name: "ErrPreconditionFailed", Err: ErrPreconditionFailed, Status: http.StatusPreconditionFailed, Code: "precondition_failed"},
		{Name: "ErrConflict edit_conflict", Err: fault.New(ErrConflict, "edit_conflict", "again"), Status: http.StatusConflict, Code: "edit_conflict"},
		{Name: "invalid", Err: fault.Invalidf("title", "is required"), Status: http.StatusUnprocessableEntity, Code: "validation_failed"},
	})
}
