package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/lyolearn/lyo/internal/content"
)

// itemFacts is what the simulation needs to know about an item.
type itemFacts struct {
	leaf       int
	creator    int
	kind       content.Kind
	lang       string
	difficulty int
	durationMS int64
	created    time.Time
	series     int // index into generator.series; -1 when not in one
	episode    int // from 1
	quiz       []quizKey
}

// quizKey is one question's right and wrong choice IDs.
type quizKey struct {
	right string
	wrong []string
}

// draft is an item before the catalogue is sorted by time and keyed.
type draft struct {
	plan  ItemPlan
	facts itemFacts
}

var (
	kinds        = []content.Kind{content.Video, content.Lesson, content.Article, content.QuizKind, content.Image}
	kindWeights  = []float64{55, 15, 10, 12, 8}
	difficultyW  = []float64{25, 30, 25, 13, 7} // 1 to 5
	seriesShare  = 0.15
	episodeKinds = []content.Kind{content.Video, content.Lesson, content.Article}
	episodeW     = []float64{65, 30, 5}
)

// catalogue makes the series and the items, ordered by creation time.
func (g *generator) catalogue() ([]SeriesPlan, []ItemPlan) {
	r := newRand(g.cfg.Seed, streamCatalogue)
	volumes := make([]float64, len(g.creatorSpecs))
	for i, c := range g.creatorSpecs {
		volumes[i] = c.volume
	}
	byVolume := newCumulative(volumes)
	titles := map[string]bool{}
	var drafts []draft
	var series []SeriesPlan
	inSeries := 0
	for target := int(seriesShare * float64(g.cfg.Items)); inSeries < target && g.cfg.Items-inSeries >= 3; {
		c := byVolume.pick(r)
		length := min(3+int(9*math.Pow(r.Float64(), 1.7)), max(3, target-inSeries), g.cfg.Items-inSeries)
		sp, eps := g.oneSeries(r, c, len(series), length, titles)
		series = append(series, sp)
		drafts = append(drafts, eps...)
		inSeries += length
	}
	for range g.cfg.Items - inSeries {
		c := byVolume.pick(r)
		spec := g.creatorSpecs[c]
		li := spec.leaves[weighted(r, spec.share)]
		kind := kinds[weighted(r, kindWeights)]
		lang := spec.lang
		if len(bank(leaves[li], lang)) == 0 {
			lang = "en"
		}
		if kind == content.QuizKind && lang != "en" { // the question banks are English
			kind = content.Video
		}
		u := r.Float64() // u² front-loads the catalogue so the first days have enough to show
		created := at(g.start.Add(time.Duration(u * u * float64(g.window-time.Minute))))
		drafts = append(drafts, g.item(r, c, li, kind, lang, 1+weighted(r, difficultyW), "", "", created, titles))
	}
	return g.order(series, drafts)
}

// oneSeries makes a series of length episodes by creator c on one of their topics.
func (g *generator) oneSeries(r *rand.Rand, c, index, length int, titles map[string]bool) (SeriesPlan, []draft) {
	spec := g.creatorSpecs[c]
	li := spec.leaves[weighted(r, spec.share)]
	l := leaves[li]
	lang := spec.lang
	if len(bank(l, lang)) == 0 {
		lang = "en"
	}
	subjects := bank(l, lang)
	perm := r.Perm(len(subjects))
	difficulty := 1 + weighted(r, difficultyW[:4])
	v := vars{s: subjects[perm[0]], s2: subjects[perm[(length-1)%len(subjects)]], topic: l.inSentence(),
		n: strconv.Itoa(length), aud: audience(difficulty)}
	title, desc := pick(r, seriesTitles), seriesDescEN
	episodeT := pick(r, episodeTitles)
	switch lang {
	case "es":
		title, desc, episodeT = pick(r, seriesES), seriesDescES, pick(r, episodeES)
	case "ja":
		title, desc, episodeT = pick(r, seriesJA), seriesDescJA, pick(r, episodeJA)
	}
	t0 := g.start.Add(time.Duration(r.Float64() * 0.75 * float64(g.window)))
	gap := time.Duration(between(r, 0.5, 3) * float64(24*time.Hour))
	if end := g.cfg.Now.Add(-time.Hour); t0.Add(time.Duration(length) * gap).After(end) {
		gap = end.Sub(t0) / time.Duration(length)
	}
	sp := SeriesPlan{Key: strconv.Itoa(index), CreatorIndex: c, CreatedAt: at(t0.Add(-ms(r, 600, 7200))),
		Input: content.SeriesInput{Title: ptr(v.fill(title)), Description: ptr(v.fill(desc)), Status: ptr(content.Published)}}
	eps := make([]draft, length)
	for k := 1; k <= length; k++ {
		kind := episodeKinds[weighted(r, episodeW)]
		if k == length && lang == "en" && chance(r, 0.3) {
			kind = content.QuizKind
		}
		ev := vars{s: subjects[perm[(k-1)%len(subjects)]], k: strconv.Itoa(k)}
		epTitle := ev.fill(episodeT)
		if k > len(subjects) {
			epTitle = ev.fill(reviewTitles[lang])
		}
		created := at(t0.Add(time.Duration(k-1)*gap + time.Duration(r.Float64()*float64(gap)/2)))
		d := g.item(r, c, li, kind, lang, min(5, difficulty+(k-1)*2/length), ev.s, epTitle, created, titles)
		d.plan.SeriesKey, d.plan.Episode = sp.Key, k
		d.facts.series, d.facts.episode = index, k
		eps[k-1] = d
	}
	return sp, eps
}

// order sorts the catalogue by creation time and gives it stable keys.
func (g *generator) order(series []SeriesPlan, drafts []draft) ([]SeriesPlan, []ItemPlan) {
	slices.SortStableFunc(drafts, func(a, b draft) int { return a.plan.CreatedAt.Compare(b.plan.CreatedAt) })
	items := make([]ItemPlan, len(drafts))
	g.items = make([]itemFacts, len(drafts))
	g.series = make([][]int, len(series))
	episodes := make([][]string, len(series))
	for i, d := range drafts {
		d.plan.Key = fmt.Sprintf("item-%04d", i+1)
		if d.facts.series >= 0 {
			s := d.facts.series
			g.series[s] = append(g.series[s], i)
			episodes[s] = append(episodes[s], d.plan.Key)
		}
		items[i], g.items[i] = d.plan, d.facts
	}
	// Episodes are made in order at increasing times, so sorting kept their order.
	// Series keep their index in g.series; their keys follow creation order.
	byTime := make([]int, len(series))
	for i := range byTime {
		byTime[i] = i
	}
	slices.SortStableFunc(byTime, func(a, b int) int { return series[a].CreatedAt.Compare(series[b].CreatedAt) })
	out := make([]SeriesPlan, len(series))
	keys := make([]string, len(series))
	for rank, s := range byTime {
		keys[s] = fmt.Sprintf("series-%03d", rank+1)
		out[rank] = series[s]
		out[rank].Key, out[rank].Episodes = keys[s], episodes[s]
	}
	for i := range items {
		if s := g.items[i].series; s >= 0 {
			items[i].SeriesKey = keys[s]
		}
	}
	return out, items
}

func audience(difficulty int) string {
	switch {
	case difficulty <= 2:
		return " for beginners"
	case difficulty >= 4:
		return " for advanced learners"
	}
	return ""
}

func ptr[T any](v T) *T { return &v }
