package query

// MaxLogLimit caps a page of a raw log (a learner's events). Logs are read by
// jobs that replay them, not by people, so pages are larger than MaxLimit.
const MaxLogLimit = 1000

// LogLimit returns the page size for a requested limit: MaxLogLimit for 0 or
// less, and never more.
func LogLimit(n int) int {
	if n <= 0 {
		return MaxLogLimit
	}
	return min(n, MaxLogLimit)
}
