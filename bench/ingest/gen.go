package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/events"
)

// spec is one generated event, independent of any database: learners and items
// are indexes, so the same events can be sent to every phase's fresh database,
// where the IDs differ.
type spec struct {
	id       string
	typ      events.Type
	item     int
	at       time.Time
	session  string
	watchMS  int64
	position int
	choice   int // quiz answers: index of the chosen choice
}

// plan is a phase's work: batches in the order the clients take them.
type plan struct {
	learner []int    // learner index of each batch
	batches [][]spec // the events of each batch
	events  int
}

// catalogueShape is what generation needs to know about the items: their
// durations and which are quizzes (and with how many choices).
type catalogueShape struct {
	durationMS []int64
	choices    []int // 0: not a quiz
}

// newCatalogueShape decides the items every phase creates: one in ten a quiz,
// durations from 15 s to 10 min.
func newCatalogueShape(n int, seed uint64) catalogueShape {
	r := rand.New(rand.NewPCG(seed, 1))
	c := catalogueShape{durationMS: make([]int64, n), choices: make([]int, n)}
	for i := range n {
		c.durationMS[i] = 15_000 + r.Int64N(585_000)
		if i%10 == 9 {
			c.choices[i] = 3
		}
	}
	return c
}

// generate builds total/size full batches of size events, batch k belonging to
// learner k mod learners, so consecutive batches (taken by different clients)
// are different learners' and each learner's batches are spread over the run.
// A batch is a feed session: items shown one after another, each an impression,
// often a view with its watch time, and sometimes a completion, like, save,
// share, skip, hide or quiz answer. Times fall within the last day.
func generate(shape catalogueShape, learners, total, size int, seed uint64, prefix string, now time.Time) plan {
	r := rand.New(rand.NewPCG(seed, uint64(size)))
	nb := max(1, total/size)
	p := plan{learner: make([]int, nb), batches: make([][]spec, nb), events: nb * size}
	items := len(shape.durationMS)
	for k := range nb {
		l := k % learners
		p.learner[k] = l
		session := fmt.Sprintf("%s-s%d", prefix, k)
		at := now.Add(-time.Hour - time.Duration(r.Int64N(int64(22*time.Hour))))
		evs := make([]spec, 0, size)
		add := func(typ events.Type, item int, watch int64, choice int) {
			if len(evs) == size {
				return
			}
			at = at.Add(time.Duration(500+r.IntN(3000)) * time.Millisecond) // a 500-event batch spans about 17 min
			evs = append(evs, spec{id: fmt.Sprintf("%s-%d-%d", prefix, k, len(evs)), typ: typ, item: item, at: at,
				session: session, watchMS: watch, position: len(evs), choice: choice})
		}
		for len(evs) < size {
			// Popular items are shown more often: u² skews towards low indexes.
			u := r.Float64()
			item := int(float64(items) * u * u)
			d := shape.durationMS[item]
			add(events.Impression, item, 0, 0)
			if r.IntN(100) >= 55 {
				if r.IntN(100) < 30 {
					add(events.Skip, item, 0, 0)
				}
				continue
			}
			watch := min(d*12/10, r.Int64N(d+1)*6/5) // up to 1.2 durations: rewatches
			add(events.View, item, watch, 0)
			switch p := r.IntN(1000); {
			case p < 300:
				add(events.Complete, item, 0, 0)
			case p < 380:
				add(events.Like, item, 0, 0)
			case p < 390:
				add(events.Unlike, item, 0, 0)
			case p < 430:
				add(events.Save, item, 0, 0)
			case p < 435:
				add(events.Unsave, item, 0, 0)
			case p < 455:
				add(events.Share, item, 0, 0)
			case p < 460:
				add(events.Hide, item, 0, 0)
			}
			if shape.choices[item] > 0 && r.IntN(100) < 60 {
				add(events.QuizAnswer, item, 0, r.IntN(shape.choices[item]))
			}
		}
		p.batches[k] = evs
	}
	return p
}

// phaseIDs are the IDs a phase's setup created.
type phaseIDs struct {
	learnerIDs    []string
	learnerTokens []string
	itemIDs       []string
	choiceIDs     [][]string // per item, its quiz's choice IDs
}

// wireInput is an event as a client sends it (events.Input's JSON).
type wireInput struct {
	ID        string      `json:"id"`
	Type      events.Type `json:"type"`
	ItemID    string      `json:"item_id"`
	At        string      `json:"at"`
	SessionID string      `json:"session_id"`
	WatchMS   int64       `json:"watch_ms,omitempty"`
	Position  int         `json:"position"`
	Answer    string      `json:"answer,omitempty"`
}

// bodies encodes every batch as a POST /api/v1/events body, ahead of timing.
func (p plan) bodies(ids phaseIDs) ([][]byte, error) {
	out := make([][]byte, len(p.batches))
	for k, b := range p.batches {
		in := struct {
			Events []wireInput `json:"events"`
		}{Events: make([]wireInput, len(b))}
		for i, s := range b {
			w := wireInput{ID: s.id, Type: s.typ, ItemID: ids.itemIDs[s.item], At: s.at.UTC().Format(time.RFC3339Nano),
				SessionID: s.session, WatchMS: s.watchMS, Position: s.position}
			if s.typ == events.QuizAnswer {
				w.Answer = ids.choiceIDs[s.item][s.choice]
			}
			in.Events[i] = w
		}
		body, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		out[k] = body
	}
	return out, nil
}

// storeEvents builds the events the service would hand the store after
// validation, graded with facts, ahead of timing. ReceivedAt is set per call.
func (p plan) storeEvents(ids phaseIDs, facts map[string]events.ItemFacts) ([][]events.Event, error) {
	out := make([][]events.Event, len(p.batches))
	for k, b := range p.batches {
		evs := make([]events.Event, len(b))
		for i, s := range b {
			itemID := ids.itemIDs[s.item]
			e := events.Event{ClientID: s.id, Type: s.typ, ItemID: itemID, At: s.at.UTC(), SessionID: s.session,
				WatchMS: s.watchMS, Position: s.position}
			if s.typ == events.QuizAnswer {
				f, ok := facts[itemID]
				if !ok || f.Grade == nil {
					return nil, fmt.Errorf("item %s is not a quiz", itemID)
				}
				e.Answer = ids.choiceIDs[s.item][s.choice]
				question, correct, ok := f.Grade(e.Answer)
				if !ok {
					return nil, fmt.Errorf("choice %s is not in quiz %s", e.Answer, itemID)
				}
				e.Correct, e.Question = &correct, question
			}
			evs[i] = e
		}
		out[k] = evs
	}
	return out, nil
}

// describe summarises a plan: the event mix and how many distinct items a batch
// names (each is looked up once per request by the service).
func (p plan) describe() string {
	counts := map[events.Type]int{}
	distinct := 0
	for _, b := range p.batches {
		seen := map[int]bool{}
		for _, s := range b {
			counts[s.typ]++
			seen[s.item] = true
		}
		distinct += len(seen)
	}
	var mix []string
	for _, t := range []events.Type{events.Impression, events.View, events.Complete, events.Skip, events.Like, events.Unlike,
		events.Save, events.Unsave, events.Share, events.Hide, events.QuizAnswer} {
		mix = append(mix, fmt.Sprintf("%s %.1f%%", t, 100*float64(counts[t])/float64(p.events)))
	}
	return fmt.Sprintf("%d batches of %d, %.0f distinct items a batch; %s", len(p.batches), len(p.batches[0]),
		float64(distinct)/float64(len(p.batches)), strings.Join(mix, ", "))
}
