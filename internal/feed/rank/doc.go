// Package rank is the pure ranking core of the feed: given a catalogue index
// (with the model snapshot bound to it), one learner's state and a request, Rank
// returns the ranked, explained page. Serving (GET /api/v1/feed and its old
// paths, the admin explain route) and offline evaluation (lyo eval) call the
// very same function, so the figures eval reports are those of the served
// engine. No I/O, no clock (Request.Now), no global randomness (Request.Seed).
//
// # Pipeline
//
// Candidate sources, each tagging what it offers: followed creators' recent
// items; co-engagement neighbours (item-KNN, and EASE when trained) of the
// learner's recent positive items and of what they watched, the history
// weighted by position from its end (HistoryDecay); latent factors (ALS:
// precomputed for a learner trained as they are, folded in otherwise);
// content similarity (TF-IDF) to the learner's items; the best items of their
// topics; trending items, overall and in their topics; fresh items that need
// exposure; the next episodes of series in progress; topic-balanced quality.
// Cold start is deliberate: a learner with no events gets the best items of
// every topic in turn (of the topics they chose, first) and fresh items, not
// one global popular list; an item with no events reaches learners through the
// fresh list (exploration) and content similarity.
//
// Filters: every item the learner has an event for (Learner.Items), hidden
// items, blocked creators, items not visible (drafts, removed) or for adults
// only (minors), muted topics, and items already served in this feed session.
//
// Ranking: per candidate, Features (source scores, affinities, smoothed item
// quality, freshness, difficulty fit, session context) feed one logistic model
// per target (complete, like, save, share, skip, quiz answered right); the score
// is the Config.Weights-weighted sum of the predictions. The coefficients are
// plain numbers in Config, documented in DefaultConfig and replaceable by
// trained ones.
//
// Re-ranking: greedy MMR under creator and topic caps (relaxed only when the
// page would otherwise be short), exploration slots filled by Thompson sampling
// over the fresh candidates (Beta posterior of completion, seeded), and series
// sequencing: an episode never precedes its predecessor unless the learner
// skipped ahead; binge mode offers the next few episodes and exempts them from
// the caps.
//
// Explanations: the source whose features contributed most names the reason:
// "Because you finished “…”", "New from …, whom you follow", "Trending in …",
// "Next in “…”", "Popular in … with learners like you", "New in …", … with
// titles and names from the catalogue index (Entry.Reason is the structured
// form).
//
// # Building the inputs (serving)
//
//   - Snapshot: a River job reads the event log, turns every event into a
//     model.Row weighted by TrainingWeight (the same weights eval uses), calls
//     model.Train with the catalogue's texts, and stores Snapshot.Encode's
//     bytes; every node model.Decode's the newest (an error keeps the old one).
//   - Catalogue: NewCatalogue(items, snapshot, CatalogueOptions{Now: now}) from
//     every item (drafts and removed ones with Visible false), their aggregate
//     Counts (events' per-item totals) and their Trending score (Trending over
//     the trending counters, 24h window). It is immutable and shared; rebuild
//     and swap it (an atomic.Pointer) when a new snapshot loads and
//     periodically for counts and new items (every few seconds to a minute:
//     the build is a few sorts of the catalogue). A new item reaches feeds at
//     the next rebuild.
//   - Learner: per request, from the learner's stored state: Recent (their last
//     few hundred events, oldest first, views with WatchRatio), Items (every
//     item with an event: the per-learner item rows plus hidden items), Topics
//     and Creators (affinities scaled to now), Follows, Blocked, Hidden, the
//     profile's Muted/Boosted/Chosen topics, Series progress, Minor. Factors
//     may hold the vector Output.Factors returned earlier for the same
//     snapshot (FactorsVersion = Snapshot.Version(); cache it with the
//     learner's state and drop it when they act). A learner the snapshot
//     trained, with no event since, needs none: their candidates were
//     precomputed.
//   - Request: Limit, Mode (ForYou; Binge for the binge-mode path), Now from
//     the injected clock, a Seed per feed session (e.g. a hash of the session
//     ID, so a session's pages are consistent), Served (the items on the
//     session's earlier pages), Explain for the admin route only.
//
// For eval: build the Catalogue from the training rows (Counts and Trending
// from the rows at their own time, Now the last training timestamp), each
// Learner from their training rows replayed as Interactions, and call Rank with
// a fixed Seed.
//
// # Where things live on many nodes
//
// Rank holds no state between calls. The snapshot (package model) is rebuilt by
// a River job and stored in the database; every node loads the newest and binds
// it into a new Catalogue. Per-learner state and feed sessions live where
// serving keeps them (Redis when configured, in process otherwise); Rank only
// reads the copy it is handed.
//
// # Cost
//
// A call touches a bounded candidate set (Config.MaxCandidates, a few hundred):
// precomputed neighbour lists, per-topic lists sorted by quality, per-creator
// lists sorted by date, precomputed latent candidates. Scratch memory is pooled
// per Catalogue, so a call allocates about 25 times (8–14 KB), mostly the
// page it returns. The benchmarks in this package measure one call's CPU time
// on its thread (go test -run '^$' -bench Rank ./internal/feed/rank; set
// LYO_FEED_BENCH_CACHE to a directory to keep the trained snapshots between
// runs). On a 2-core machine running other suites at a load average of about
// 22, a page of 20 cost, median (99th percentile): 0.20 ms (0.41) on a
// MovieLens-100K-sized set (943 learners, 1,682 items, 100k events) and
// 0.29 ms (0.52) when the learner is folded in; 0.40 ms (0.80) on 10k
// learners / 100k items / 1M events and 0.64 ms (1.15) folded in. At 100,000
// items the cost is memory reads scattered over the catalogue, which a busy
// machine inflates; compute-bound work (a fold-in
// alone) ran at its quiet-machine speed.
package rank
