// Package feed serves the learner's feeds: For You (and binge mode, which
// favours continuing series), trending, the next episode of a series, the
// learner's own interest profile, and, for admins, why a ranking is what it is.
// Ranking itself is package rank's pure function; this package feeds it the
// catalogue and the learner, keeps feed sessions, and speaks HTTP.
//
// # A request
//
// GET /api/v1/feed without a cursor starts a feed session: the learner's state
// is loaded (from this node's cache when nothing changed since, else from the
// database in a few prepared statements), ranked against the current catalogue
// index, and the page is kept in the session. A cursor names the session and
// the next page; that page is ranked with the earlier pages excluded, so pages
// never repeat, and a hide reported meanwhile keeps the item out of it (and out
// of a kept page served again). Only events filter across sessions: an item
// served but never reported may come back in a new session.
//
// # What lives where
//
//   - The catalogue index (every item with its totals, trending scores and the
//     model snapshot bound to it) is built by each node from the database and
//     swapped in atomically: every few seconds, soon after this node's content
//     changes, and when a new snapshot is loaded. A request keeps the index it
//     started with.
//   - Model snapshots (package model: co-engagement neighbours, latent factors,
//     content similarity) are trained from the event log by a periodic River
//     job, unique per period so one node trains at a time, and stored versioned
//     in the database (the newest three are kept). Every node loads the newest
//     at start and whenever its periodic rebuild finds a newer one, and binds it
//     into its next index.
//   - Trending counters are hourly buckets in the database, rolled up from the
//     event log by a periodic job; every node reads them when it rebuilds its
//     index. The roll-up locks its mark, so two nodes never count an event twice.
//     The mark is a time and a place in the log: events stored with a received
//     time behind it (a seed or an import beside a running node) count too.
//   - Learners' state is the database's (events, aggregates, follows, hidden
//     items, profile preferences). A node caches loaded learners, each with the
//     version of the learner it read before loading; every change (ingestion,
//     unhide, follow, block, profile edit) bumps the version after it commits
//     and before the client's 2xx, and a request whose learner's version moved
//     reloads. Versions live in Redis when it is configured, so a change made
//     through one node reaches the learner's next page on every node; without
//     Redis they live in this process (one node).
//   - Feed sessions live in Redis when configured (a hash per session, expiring
//     after 30 minutes idle), else in this process (bounded, least recently used
//     out first, same idle expiry).
package feed
