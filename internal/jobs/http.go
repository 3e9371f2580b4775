package jobs

import (
	"errors"
	"net/http"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/httpx"
)

// ErrUnavailable is wrapped by reads of the queue's state that the database did
// not answer: the admin view answers 503, not a bare 500.
var ErrUnavailable = errors.New("the job queue's state cannot be read right now")

// Overview is the admin view of the queue: every node shares the counts and
// failures (they are read from the database); Node is the node that answered.
type Overview struct {
	Node       NodeState `json:"node"`
	Counts     []Count   `json:"counts"`
	Items      []Failure `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// NodeState says whether the answering node works jobs.
type NodeState struct {
	Workers int  `json:"workers"`
	Running bool `json:"running"`
}

type failureCursor struct {
	Before int64 `json:"b"`
}

// Mount registers the admin route of the job queue.
func Mount(rt *httpx.Router, q *Queue, cursors *cursor.Codec) {
	rt.Handle(httpx.Route{Method: "GET", Path: "/api/v1/admin/jobs", Access: httpx.Role(access.Admin),
		Handler: func(w http.ResponseWriter, r *http.Request) error { return overview(w, r, q, cursors) }})
	rt.MapError(ErrUnavailable, http.StatusServiceUnavailable, "jobs_unavailable")
}

func overview(w http.ResponseWriter, r *http.Request, q *Queue, cursors *cursor.Codec) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	var pos failureCursor
	if c := r.URL.Query().Get("cursor"); c != "" {
		if err := cursors.Decode("admin.jobs", c, &pos); err != nil {
			return err
		}
	}
	ctx := r.Context()
	counts, err := q.Counts(ctx)
	if err != nil {
		return err
	}
	fails, next, err := q.Failures(ctx, pos.Before, limit)
	if err != nil {
		return err
	}
	out := Overview{Node: NodeState{Workers: q.cfg.Workers, Running: q.Running()}, Counts: counts, Items: fails}
	if out.Counts == nil {
		out.Counts = []Count{}
	}
	if next != 0 {
		if out.NextCursor, err = cursors.Encode("admin.jobs", failureCursor{next}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}
