package feed

import (
	"errors"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// The kinds of error the service returns; Mount maps each to a status.
var (
	// ErrNotFound: an unknown learner, series or topic.
	ErrNotFound = errors.New("not found")
	// ErrSessionExpired: the cursor names a feed session that has expired
	// (idle too long) or that this deployment no longer knows.
	ErrSessionExpired = errors.New("this feed session has expired; ask for the feed again without a cursor")
	// ErrForeignCursor: the cursor was made for another learner's feed.
	ErrForeignCursor = errors.New("this cursor belongs to another learner's feed")
	// ErrBadCursor: the cursor does not name a page of its session.
	ErrBadCursor = errors.New("this cursor does not name a page of its feed session")
)

// Position is where a cursor points: a page of one learner's feed session.
type Position struct {
	Session string `json:"s"`
	User    string `json:"u"`
	Page    int    `json:"p"`
}

// Query asks for one page of a feed.
type Query struct {
	Limit int       // 1–100
	Mode  rank.Mode // for a new session; a cursor's session keeps its own
	After *Position // nil starts a new session
}

// Page is one page of a feed.
type Page struct {
	Entries []Entry
	Next    *Position // nil on the last page
	Notice  *Notice
}

// Entry is one item of a page and why it is there.
type Entry struct {
	Item        *Summary
	Explanation string
	Source      string
}

// Notice is a wellbeing message delivered beside the items, never as one.
type Notice struct {
	Kind    string `json:"kind"` // break_reminder or daily_limit
	Message string `json:"message"`
	// UsedMinutes is the usage the notice is about: continuous use for a
	// break reminder, today's use for the daily limit.
	UsedMinutes  int `json:"used_minutes"`
	LimitMinutes int `json:"limit_minutes"`
}
