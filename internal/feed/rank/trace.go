package rank

// trace records every candidate of the run: offered ones with their sources,
// features, predictions and fate, and those a filter dropped.
func (r *run) trace() *Trace {
	c, s := r.c, r.s
	t := &Trace{PerSource: map[Source]int{}, Folded: r.folded, Relaxed: r.relaxed}
	for src, n := range r.perSource {
		if n > 0 {
			t.PerSource[sources[src]] = n
		}
	}
	for k := range s.cands {
		cd := &s.cands[k]
		tc := TracedCandidate{ItemID: c.items[cd.item].ID, Sources: map[Source]float32{}, Features: map[string]float32{},
			Predicted: cd.pred, Score: cd.score, Position: int(cd.pos), Dropped: cd.dropped, Explored: cd.explored}
		for src, v := range cd.src {
			if v != 0 {
				tc.Sources[sources[src]] = v
			}
		}
		for f, v := range cd.feat {
			if v != 0 {
				tc.Features[FeatureNames[f]] = v
			}
		}
		t.Candidates = append(t.Candidates, tc)
	}
	for _, d := range s.drops {
		t.Candidates = append(t.Candidates, TracedCandidate{ItemID: c.items[d.item].ID,
			Sources: map[Source]float32{sources[d.source]: 0}, Position: -1, Dropped: dropNames[d.why&^whyTraced]})
	}
	return t
}
