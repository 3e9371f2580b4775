package model

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// Text is what content similarity reads of an item.
type Text struct {
	ID                       string
	Title, Description, Body string
	Topics                   []string
}

// ContentOptions tune TF-IDF similarity.
type ContentOptions struct {
	K           int     // similar items kept per item (default 20)
	QueryTerms  int     // an item's strongest terms used to find its neighbours (default 24)
	MaxPostings int     // per term, the items with the highest weight kept for search (default 400)
	MaxDF       float64 // terms in more than this share of items are ignored (default 0.25)
	BodyTokens  int     // body words read per item (default 400)
	Workers     int
}

func (o ContentOptions) withDefaults() ContentOptions {
	if o.K <= 0 {
		o.K = 20
	}
	if o.QueryTerms <= 0 {
		o.QueryTerms = 24
	}
	if o.MaxPostings <= 0 {
		o.MaxPostings = 400
	}
	if !(o.MaxDF > 0) {
		o.MaxDF = 0.25
	}
	if o.BodyTokens <= 0 {
		o.BodyTokens = 400
	}
	return o
}

// TFIDF is a content index: every item as an L2-normalised TF-IDF vector over
// its title (counted twice), description, body and topics (each topic a term
// of its own, counted three times), with an inverted index for search.
type TFIDF struct {
	o     ContentOptions
	n     int // items
	terms *Dict
	vecs  *Lists // per item: term IDs and weights, strongest first
	post  *Lists // per term: item IDs and weights, strongest first, pruned to MaxPostings
}

// NewTFIDF indexes texts; items gives each text's index (texts whose ID is not
// in items are added to it, so the caller's dictionary stays the one index).
func NewTFIDF(texts []Text, items *Dict, o ContentOptions) *TFIDF {
	o = o.withDefaults()
	for _, t := range texts {
		items.Add(t.ID)
	}
	n := items.Len()
	x := &TFIDF{o: o, n: n, terms: NewDict()}
	type tf struct {
		term int32
		n    float32
	}
	docs := make([][]tf, n)
	var df []int32
	var buf []string
	for _, t := range texts {
		i, _ := items.Index(t.ID)
		counts := map[int32]float32{}
		add := func(words []string, w float32) {
			for _, word := range words {
				id := x.terms.Add(word)
				if int(id) == len(df) {
					df = append(df, 0)
				}
				counts[id] += w
			}
		}
		buf = tokens(buf[:0], t.Title)
		add(buf, 2)
		buf = tokens(buf[:0], t.Description)
		add(buf, 1)
		buf = tokens(buf[:0], t.Body)
		add(buf[:min(len(buf), o.BodyTokens)], 1)
		for _, topic := range t.Topics {
			add([]string{"#" + topic}, 3)
		}
		d := docs[i][:0]
		for id, c := range counts {
			d = append(d, tf{id, c})
			df[id]++
		}
		docs[i] = d
	}
	maxDF := int32(math.Max(2, o.MaxDF*float64(n)))
	vb := newListBuilder(n, 16)
	row := make([]Scored, 0, 64)
	for i := 0; i < n; i++ {
		row = row[:0]
		var norm float64
		for _, e := range docs[i] {
			if df[e.term] > maxDF && e.term >= 0 && !isTopicTerm(x.terms.ID(e.term)) {
				continue
			}
			w := (1 + math.Log(float64(e.n))) * (1 + math.Log(float64(n+1)/float64(df[e.term]+1)))
			row = append(row, Scored{e.term, float32(w)})
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for k := range row {
			row[k].Score = float32(float64(row[k].Score) / norm)
		}
		sortScored(row)
		vb.add(row)
	}
	x.vecs = &vb.l
	x.post = invert(x.vecs, x.terms.Len(), o.MaxPostings)
	return x
}

func isTopicTerm(s string) bool { return len(s) > 0 && s[0] == '#' }

func sortScored(row []Scored) {
	slices.SortFunc(row, func(a, b Scored) int {
		if d := cmp.Compare(b.Score, a.Score); d != 0 {
			return d
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// invert builds per-term postings from per-item vectors, each term's items
// strongest first, at most keep of them.
func invert(vecs *Lists, terms, keep int) *Lists {
	rows := make([][]Scored, terms)
	for i := 0; i < vecs.Len(); i++ {
		ids, ws := vecs.Of(int32(i))
		for k, t := range ids {
			rows[t] = append(rows[t], Scored{int32(i), ws[k]})
		}
	}
	b := newListBuilder(terms, 8)
	for _, r := range rows {
		sortScored(r)
		b.add(r[:min(len(r), keep)])
	}
	return &b.l
}

// Similar returns every item's K most similar items by cosine of TF-IDF
// vectors. Each item searches with its strongest QueryTerms terms over the
// pruned postings, which bounds the cost whatever the vocabulary.
func (x *TFIDF) Similar(ctx context.Context) (*Lists, error) {
	w := workers(x.o.Workers)
	accs := make([]*Accumulator, w)
	tops := make([]*TopK, w)
	for k := range accs {
		accs[k], tops[k] = NewAccumulator(x.n), NewTopK(x.o.K)
	}
	rows := make([][]Scored, x.n)
	err := parallel(ctx, x.n, w, 256, func(worker, lo, hi int) {
		a, t := accs[worker], tops[worker]
		q := make([]Weighted, 0, x.o.QueryTerms)
		for i := lo; i < hi; i++ {
			ids, ws := x.vecs.Of(int32(i))
			q = q[:0]
			for k := 0; k < len(ids) && k < x.o.QueryTerms; k++ {
				q = append(q, Weighted{ids[k], ws[k]})
			}
			a.AddLists(x.post, q)
			self := int32(i)
			rows[i] = append([]Scored(nil), a.Top(x.o.K, t, func(j int32) bool { return j == self })...)
			a.Reset()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("content similarity: %w", err)
	}
	b := newListBuilder(x.n, x.o.K)
	for _, r := range rows {
		b.add(r)
	}
	return &b.l, nil
}

// Profile scores items against a learner's profile: the weighted sum of the
// vectors of their items, searched like an item's. It returns the n best items
// that skip does not report.
func (x *TFIDF) Profile(history []Weighted, n int, skip func(int32) bool) []Scored {
	prof := map[int32]float32{}
	for _, h := range history {
		ids, ws := x.vecs.Of(h.Item)
		for k, t := range ids {
			prof[t] += h.Weight * ws[k]
		}
	}
	q := make([]Weighted, 0, len(prof))
	for t, w := range prof {
		if w > 0 {
			q = append(q, Weighted{t, w})
		}
	}
	slices.SortFunc(q, func(a, b Weighted) int {
		if d := cmp.Compare(b.Weight, a.Weight); d != 0 {
			return d
		}
		return cmp.Compare(a.Item, b.Item)
	})
	q = q[:min(len(q), 4*x.o.QueryTerms)]
	a := NewAccumulator(x.n)
	a.AddLists(x.post, q)
	return append([]Scored(nil), a.Top(n, NewTopK(n), skip)...)
}
