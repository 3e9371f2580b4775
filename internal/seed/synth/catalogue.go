package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lyolearn/lyo/internal/content"
)

// kinds and how often creators make each.
var (
	kinds       = []content.Kind{content.Video, content.Lesson, content.Article, content.Image, content.QuizKind}
	kindWeights = []float64{0.55, 0.12, 0.12, 0.08, 0.13}
	// languages and how often creators and learners use each.
	languages   = []string{"en", "es", "ja"}
	langWeights = []float64{0.8, 0.12, 0.08}
	diffWeights = []float64{0.15, 0.3, 0.3, 0.17, 0.08} // difficulty 1–5 outside series
	startSeries = 0.1                                   // a video or lesson starts a series
	joinChance  = 0.85                                  // an item joins its creator's open series
)

// meta is what the simulation needs to know about an item: its texts are made
// only when asked for (Item), from a random stream of its own.
type meta struct {
	created   int64 // Unix milliseconds; increases with the index
	duration  int32 // milliseconds
	creator   int32
	series    int32 // -1 outside a series
	episode   int16 // from 1
	leaf      uint8
	second    int8 // a sibling leaf it is also filed under; -1 when none
	kind      uint8
	diff      uint8
	lang      uint8
	questions uint8 // quiz questions
	quality   float32
	rank      int32
}

type seriesMeta struct {
	creator  int32
	leaf     uint8
	lang     uint8
	kind     uint8
	planned  int
	episodes []int32
	created  int64
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// taxonomy lists the parents of the leaves in use, then the leaves.
func (g *Generator) taxonomy() []Topic {
	var out []Topic
	seen := map[string]bool{}
	for _, l := range g.leaves {
		if !seen[l.parent] {
			seen[l.parent] = true
			out = append(out, Topic{Slug: l.parent, Name: vocabulary[l.parentIndex].name})
		}
	}
	for _, l := range g.leaves {
		out = append(out, Topic{Slug: l.slug, Name: l.name, Parent: l.parent})
	}
	return out
}

// siblings are the other leaves in use under the same parent.
func (g *Generator) siblings(leaf int) []int {
	var out []int
	for j, l := range g.leaves {
		if j != leaf && l.parentIndex == g.leaves[leaf].parentIndex {
			out = append(out, j)
		}
	}
	return out
}

// creatorState is a creator's production while the catalogue is made.
type creatorState struct {
	main, second int // leaves; second -1 when none
	lang         int
	open         int // the series being filled; -1 when none
}

func (g *Generator) makeCreators() []Creator {
	r := newRand(g.cfg.Seed, streamCatalogue, 0)
	// Some topics have more creators than others.
	pop := make([]float64, len(g.leaves))
	for j := range pop {
		pop[j] = logNormal(r, 1, 0.6)
	}
	leafCum := newCumulative(pop)
	first := g.start.AddDate(0, 0, -catalogueDays-1)
	out := make([]Creator, g.cfg.Creators)
	for c := range out {
		main := leafCum.pick(r)
		topics := []string{g.leaves[main].slug}
		if sib := g.siblings(main); len(sib) > 0 && chance(r, 0.6) {
			topics = append(topics, g.leaves[sib[r.IntN(len(sib))]].slug)
		}
		lang := languages[weighted(r, langWeights)]
		out[c] = Creator{Index: c, Username: fmt.Sprintf("creator%d", c+1), Email: fmt.Sprintf("creator%d@%s", c+1, EmailDomain),
			Language: lang, Topics: topics, CreatedAt: first.Add(time.Duration(c) * time.Second)}
	}
	return out
}

func (g *Generator) leafIndex(slug string) int {
	for j, l := range g.leaves {
		if l.slug == slug {
			return j
		}
	}
	return -1
}

func langIndex(lang string) int {
	for i, l := range languages {
		if l == lang {
			return i
		}
	}
	return 0
}

// makeCatalogue draws every item's facts and groups some into series. Three
// quarters of the items exist before the event window, the rest appear during
// it; creation time increases with the index.
func (g *Generator) makeCatalogue() {
	r := newRand(g.cfg.Seed, streamCatalogue, 1)
	states := make([]creatorState, len(g.creators))
	prod := make([]float64, len(g.creators))
	for c, cr := range g.creators {
		states[c] = creatorState{main: g.leafIndex(cr.Topics[0]), second: -1, lang: langIndex(cr.Language), open: -1}
		if len(cr.Topics) > 1 {
			states[c].second = g.leafIndex(cr.Topics[1])
		}
		prod[c] = logNormal(r, 1, 1) // some creators publish far more than others
	}
	creatorCum := newCumulative(prod)
	n := g.cfg.Items
	before := n * 3 / 4
	catStart := g.start.AddDate(0, 0, -catalogueDays)
	g.items = make([]meta, n)
	for i := range g.items {
		var t time.Time
		if i < before {
			t = catStart.Add(time.Duration((float64(i) + r.Float64()) / float64(before) * float64(g.start.Sub(catStart))))
		} else {
			t = g.start.Add(time.Duration((float64(i-before) + r.Float64()) / float64(n-before) * float64(g.cfg.Now.Sub(g.start))))
		}
		c := creatorCum.pick(r)
		g.items[i] = g.drawItem(r, i, c, &states[c], ms(t))
	}
	g.dropShortSeries()
}

func (g *Generator) drawItem(r *rand.Rand, i, c int, st *creatorState, created int64) meta {
	m := meta{created: created, creator: int32(c), series: -1, second: -1, lang: uint8(st.lang), leaf: uint8(st.main)}
	if st.second >= 0 && chance(r, 0.25) {
		m.leaf = uint8(st.second)
	}
	if s := st.open; s >= 0 && int(g.series[s].leaf) == int(m.leaf) && chance(r, joinChance) {
		sr := &g.series[s]
		sr.episodes = append(sr.episodes, int32(i))
		m.series, m.episode, m.kind = int32(s), int16(len(sr.episodes)), sr.kind
		// Difficulty rises along a series.
		first := g.items[sr.episodes[0]].diff
		m.diff = uint8(min(5, int(first)+(len(sr.episodes)-1)/3))
		if len(sr.episodes) == sr.planned {
			st.open = -1
		}
	} else {
		m.kind = uint8(weighted(r, kindWeights))
		m.diff = uint8(1 + weighted(r, diffWeights))
		if k := kinds[m.kind]; (k == content.Video || k == content.Lesson) && chance(r, startSeries) {
			g.series = append(g.series, seriesMeta{creator: int32(c), leaf: m.leaf, lang: m.lang, kind: m.kind,
				planned: 3 + r.IntN(8), episodes: []int32{int32(i)}, created: created - 60_000})
			st.open = len(g.series) - 1
			m.series, m.episode = int32(st.open), 1
			m.diff = uint8(1 + r.IntN(3))
		}
	}
	if sib := g.siblings(int(m.leaf)); len(sib) > 0 && chance(r, 0.2) {
		m.second = int8(sib[r.IntN(len(sib))])
	}
	m.duration = int32(drawDuration(r, kinds[m.kind]))
	m.quality = float32(beta(r, 0.5, 4))
	if kinds[m.kind] == content.QuizKind {
		m.questions = uint8(1 + r.IntN(3))
	}
	return m
}

// drawDuration is how long an item takes, in milliseconds: reading time for
// articles and lessons.
func drawDuration(r *rand.Rand, k content.Kind) int64 {
	var sec float64
	switch k {
	case content.Video:
		sec = clamp(logNormal(r, 75, 0.7), 10, 1200)
	case content.Lesson:
		sec = clamp(logNormal(r, 360, 0.5), 60, 3600)
	case content.Article:
		sec = clamp(logNormal(r, 240, 0.5), 60, 1800)
	case content.Image:
		sec = between(r, 8, 40)
	default: // quiz
		sec = between(r, 45, 180)
	}
	return int64(sec * 1000)
}

// dropShortSeries takes the items of one-episode series out of them and
// renumbers the rest, so every series has at least two episodes.
func (g *Generator) dropShortSeries() {
	var kept []seriesMeta
	for _, s := range g.series {
		if len(s.episodes) < 2 {
			g.items[s.episodes[0]].series, g.items[s.episodes[0]].episode = -1, 0
			continue
		}
		for _, e := range s.episodes {
			g.items[e].series = int32(len(kept))
		}
		kept = append(kept, s)
	}
	g.series = kept
}

func (g *Generator) seriesAt(i int) Series {
	s := g.series[i]
	r := newRand(g.cfg.Seed, streamText, uint64(len(g.items)+i))
	l := g.leaves[s.leaf]
	out := Series{Index: i, Creator: int(s.creator), Topic: l.slug, CreatedAt: fromMS(s.created)}
	out.Title, out.Description = seriesText(r, l, languages[s.lang], len(s.episodes))
	for _, e := range s.episodes {
		out.Episodes = append(out.Episodes, int(e))
	}
	return out
}
