package app

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/seed/bulk"
)

// progressBar draws a load's progress on stderr: redrawn in place on a
// terminal, a line every few seconds anywhere else (a log, a pipe).
type progressBar struct {
	w      io.Writer
	tty    bool
	events time.Duration // elapsed when the first event went out
}

func newProgressBar(w io.Writer) *progressBar {
	p := &progressBar{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// every is how often show is worth calling.
func (p *progressBar) every() time.Duration {
	if p.tty {
		return 250 * time.Millisecond
	}
	return 5 * time.Second
}

// show draws the stage under way (items, then learners, then events) with its
// rate and the time it has left.
func (p *progressBar) show(pr bulk.Progress) {
	done, total, unit := pr.Items, pr.ItemsTotal, "items"
	since := time.Duration(0)
	switch {
	case pr.Events > 0 || pr.Learners == pr.LearnersTotal && pr.Items == pr.ItemsTotal:
		if p.events == 0 {
			p.events = pr.Elapsed
		}
		done, total, unit, since = pr.Events, pr.EventsTotal, "events", p.events
	case pr.Items == pr.ItemsTotal:
		done, total, unit = pr.Learners, pr.LearnersTotal, "learners"
	}
	rate, eta := 0.0, "?"
	run := (pr.Elapsed - since).Seconds()
	if run <= 0 {
		run = pr.Elapsed.Seconds()
	}
	if run > 0 && done > 0 {
		rate = float64(done) / run
		eta = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
	}
	if pr.Done {
		eta = "done in " + pr.Elapsed.Round(time.Second).String()
	}
	line := fmt.Sprintf("items %d/%d  learners %d/%d  events %d/%d %s %3.0f%%  %.0f %s/s  %s",
		pr.Items, pr.ItemsTotal, pr.Learners, pr.LearnersTotal, pr.Events, pr.EventsTotal, bar(done, total, 20),
		percent(done, total), rate, unit, eta)
	switch {
	case !p.tty:
		fmt.Fprintln(p.w, line)
	case pr.Done:
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", line)
	default:
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	}
}

func percent(done, total int) float64 {
	if total == 0 {
		return 100
	}
	return 100 * float64(done) / float64(total)
}

func bar(done, total, width int) string {
	n := width
	if total > 0 {
		n = width * done / total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}
