// Package jobs is Lyo's background work: a River queue (github.com/riverqueue/river)
// whose jobs live in the same database as everything else, with the pgx driver on
// PostgreSQL and the SQLite driver on the single-node default.
//
// A domain declares a job as typed arguments (a struct with a Kind method) and a
// worker, registers the worker on the Queue while the node is being wired, and
// enqueues with Enqueue, or with EnqueueTx inside a store transaction so the job
// and the rows it acts on commit or roll back together. Periodic work is
// registered with Every. Jobs must be idempotent: River runs a job at least once,
// and again after a failed attempt or a crash.
//
// What runs where:
//
//   - One node (SQLite): River shares the store's one-connection writer pool, which
//     River's SQLite driver asks for anyway; its statements queue in the process
//     beside the API's writes instead of fighting them for SQLite's write lock.
//     SQLite has no notifications, so workers poll (every PollInterval). The queue
//     state read for /metrics, /readyz and the admin route goes through the
//     store's reader pool.
//   - Many nodes (PostgreSQL): every node with workers (LYO_JOBS_WORKERS above 0)
//     fetches from the same tables; LISTEN/NOTIFY wakes them at once and polling
//     is the fallback. One node at a time is elected leader: only it schedules
//     periodic jobs, rescues jobs whose node died and deletes finished ones.
//     Periodic jobs are also unique per period, so a change of leader cannot
//     schedule the same run twice. Nodes with LYO_JOBS_WORKERS=0 only enqueue.
//   - Command-line subcommands (user, seed, migrate, flags) never start workers;
//     they may enqueue, which is a plain insert.
//
// River's tables are created by the store's migrations (lyo migrate up, and serve
// on start), under the same lock as Lyo's own.
//
// A job stopped by shutdown is put back by River and retried after a short
// backoff; a job whose node died is rescued by the leader after RescueAfter.
package jobs
