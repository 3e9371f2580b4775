// Package poolstat holds the connection-pool numbers every database engine reports.
// It is a leaf so that the engines and package store can share the type without
// importing each other.
package poolstat

import "time"

// Stats is a snapshot of a connection pool, summed over all pools of an engine.
type Stats struct {
	Open         int // connections established, in use or idle
	InUse        int
	Idle         int
	MaxOpen      int
	WaitCount    int64         // acquisitions that had to wait for a free connection
	WaitDuration time.Duration // total time spent in those waits
}
