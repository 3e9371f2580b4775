package synth

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// events plays every learner's sessions until about Options.Events events
// exist: exposures mostly follow the learner's interests (which drift at the
// period's midpoint), sometimes continue a series in order, sometimes wander;
// the outcome (finish, like, save, share, skip, quiz answer) depends on how
// well the item matches the learner and on its hidden quality.
func (g *gen) events() {
	o, rng, d := g.o, g.rng, g.d
	if o.Learners == 0 || o.Items == 0 || o.Events <= 0 {
		return
	}
	zipf := make([]*rand.Zipf, o.Topics)
	for t, l := range g.byTopic {
		if len(l) > 1 {
			zipf[t] = rand.NewZipf(rng, 1.1, 2, uint64(len(l)-1))
		}
	}
	activity := make([]float64, o.Learners)
	var total float64
	for u := range activity {
		activity[u] = math.Exp(rng.NormFloat64() * 0.8)
		total += activity[u]
	}
	span := o.End.Sub(o.Start)
	mid := o.Start.Add(span / 2)
	d.Events = make([]Event, 0, o.Events+o.Events/8)
	for u := range d.Learners {
		l := &d.Learners[u]
		budget := int(math.Round(float64(o.Events) * activity[u] / total))
		seen := map[int]bool{}
		next := -1 // the next episode of the series in progress
		at := o.Start.Add(time.Duration(rng.Float64() * float64(span) / 8))
		// Sessions of about seven exposures, spread so the learner's budget
		// fits in what is left of the period.
		exposures := float64(budget)/1.7 + 1
		gap := float64(o.End.Sub(at)) * 0.8 / (0.15 * exposures)
		for produced := 0; produced < budget; {
			if rng.Float64() < 0.15 { // a new session some hours or days later
				at = at.Add(time.Duration(rng.Float64() * 2 * gap))
			}
			at = at.Add(time.Duration(30+rng.IntN(300)) * time.Second)
			if !at.Before(o.End) {
				break
			}
			interests := l.Interests
			if at.After(mid) {
				interests = l.Drifted
			}
			i := -1
			if next >= 0 && rng.Float64() < 0.6 {
				i = next
			} else {
				for try := 0; try < 4 && i < 0; try++ {
					t := pick(rng, interests)
					if try >= 2 || rng.Float64() < 0.15 { // wander, or the learner has seen all they like
						t = rng.IntN(o.Topics)
					}
					list := g.byTopic[t]
					if len(list) == 0 {
						continue
					}
					k := 0
					if zipf[t] != nil {
						k = int(zipf[t].Uint64())
					}
					// The Zipf pick, or the next item after it the learner has not
					// seen (a series is entered at its first episode).
					for j := 0; j < len(list) && i < 0; j++ {
						c := list[(k+j)%len(list)]
						if !seen[c] && !d.Items[c].PublishedAt.After(at) && d.Items[c].Episode <= 1 {
							i = c
						}
					}
				}
			}
			if i < 0 || seen[i] || d.Items[i].PublishedAt.After(at) {
				next = -1
				continue
			}
			seen[i] = true
			produced += g.outcome(l, i, interests, at)
			next = -1
			if it := d.Items[i]; it.SeriesID != "" && i+1 < len(d.Items) && d.Items[i+1].SeriesID == it.SeriesID &&
				d.Events[len(d.Events)-1].Type != "skip" {
				next = i + 1
			}
		}
	}
	slices.SortStableFunc(d.Events, func(a, b Event) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
}

// outcome appends the events of one exposure and returns how many.
func (g *gen) outcome(l *Learner, i int, interests []float64, at time.Time) int {
	rng, d := g.rng, g.d
	it := &d.Items[i]
	var best, top float64
	for _, x := range interests {
		top = math.Max(top, x)
	}
	for _, name := range it.Topics {
		if t := topicIndex(d.Topics, name); t >= 0 {
			best = math.Max(best, interests[t])
		}
	}
	match := best / top
	n0 := len(d.Events)
	add := func(typ string, dt time.Duration, watch int64) {
		d.Events = append(d.Events, Event{UserID: l.ID, ItemID: it.ID, Type: typ, At: at.Add(dt), WatchMS: watch})
	}
	pComplete := 0.03 + 0.85*match*(0.4+0.6*it.Quality)
	if rng.Float64() < pComplete {
		add("view", 0, it.DurationMS)
		add("complete", time.Second, 0)
		if rng.Float64() < 0.1+0.3*it.Quality {
			add("like", 2*time.Second, 0)
		}
		if rng.Float64() < 0.15*it.Quality {
			add("save", 3*time.Second, 0)
		}
		if rng.Float64() < 0.04 {
			add("share", 4*time.Second, 0)
		}
		if it.Kind == "quiz" {
			add("quiz_answer", 5*time.Second, 0)
			d.Events[len(d.Events)-1].Correct = rng.Float64() < 0.9-0.1*float64(it.Difficulty)
		}
		return len(d.Events) - n0
	}
	watch := int64(float64(it.DurationMS) * rng.Float64() * 0.5)
	add("view", 0, watch)
	if rng.Float64() < 0.7*(1-match)+0.1 {
		add("skip", time.Second, 0)
	}
	return len(d.Events) - n0
}

func pick(rng *rand.Rand, w []float64) int {
	x := rng.Float64()
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

func topicIndex(topics []string, name string) int {
	// Topics are named topic-NN in order, so the index is in the name.
	if len(name) == 8 && name[:6] == "topic-" {
		t := int(name[6]-'0')*10 + int(name[7]-'0')
		if t >= 0 && t < len(topics) {
			return t
		}
	}
	return slices.Index(topics, name)
}
