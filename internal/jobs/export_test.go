package jobs

// ForTests makes River start its maintenance services (leader election, periodic
// jobs, retries) without the random delays that spread them out in production.
func ForTests(c Config) Config { c.testOnly = true; return c }
