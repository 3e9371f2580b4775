package rank

// skipModel reports whether a snapshot item cannot be a candidate: unknown
// to the catalogue, already filtered, or in the learner's history.
func (r *run) skipModel(m int32) bool {
	if m < 0 || int(m) >= len(r.c.fromModel) {
		return true
	}
	i := r.c.fromModel[m]
	return i < 0 || r.s.slot[i] == slotFiltered || r.s.histOf[i] != 0
}

// fromNeighbours runs the item-to-item sources: co-engagement neighbours of the
// positive and the viewed history, EASE weights and content similarity. The
// accumulators keep every touched item's score, so a candidate another source
// found still gets these features.
func (r *run) fromNeighbours() {
	snap, s := r.c.snap, r.s
	if snap == nil || s.accCo == nil {
		return
	}
	skip := r.skipModel
	pool := r.cfg.Pool[sCoEngagement]
	if snap.CoEngagement != nil {
		// Neighbours of the positive items and of the watched ones, in one
		// pass: the candidates are the best of each channel.
		s.accCo.AddLists2(snap.CoEngagement, s.wCo)
		for _, e := range s.accCo.Top(pool/2, s.top, skip) {
			r.offer(r.c.fromModel[e.ID], sCoEngagement, e.Score, r.anchor(e.ID))
		}
		for _, e := range s.accCo.TopB(pool/2, s.top, skip) {
			r.offer(r.c.fromModel[e.ID], sCoEngagement, e.Score, r.anchor(e.ID))
		}
	}
	if snap.EASE != nil {
		s.accEASE.AddLists(snap.EASE, s.wAll)
		for _, e := range s.accEASE.Top(pool/2, s.top, skip) {
			r.offer(r.c.fromModel[e.ID], sCoEngagement, e.Score, s.refAll[s.accEASE.From(e.ID)])
		}
	}
	if snap.Similar != nil {
		s.accSim.AddLists(snap.Similar, s.wAll)
		for _, e := range s.accSim.Top(r.cfg.Pool[sSimilar], s.top, skip) {
			r.offer(r.c.fromModel[e.ID], sSimilar, e.Score, s.refAll[s.accSim.From(e.ID)])
		}
	}
}

// anchor names the history item that best explains a co-engagement
// candidate: its strongest positive contributor, else its strongest viewed one.
func (r *run) anchor(m int32) int32 {
	if f := r.s.accCo.From(m); f >= 0 {
		return r.s.refCo[f]
	}
	return -1
}

// fromLatent offers the learner's best items by latent factors: precomputed at
// training for a learner whose history has not changed since, otherwise from a
// vector folded in now (or cached by the caller) through the cluster index.
func (r *run) fromLatent() {
	snap, s := r.c.snap, r.s
	if snap == nil || snap.Factors == nil || s.user == nil {
		return
	}
	f := snap.Factors
	version := snap.Version()
	u, known := snap.Users.Index(r.l.ID)
	known = known && int(u) < f.NumUsers()
	changed := false
	for k := len(r.l.Recent) - 1; k >= 0; k-- {
		if r.l.Recent[k].At.After(snap.Built) {
			changed = true
			break
		}
	}
	switch {
	case len(r.l.Factors) == f.K && r.l.FactorsVersion == version:
		copy(s.user, r.l.Factors)
	case known && !changed:
		copy(s.user, f.User(u))
		ids, scores := snap.UserTop.Of(u)
		r.hasUser = true
		for k, m := range ids {
			if k >= r.cfg.Pool[sLatent] {
				break
			}
			if !r.skipModel(m) {
				r.offer(r.c.fromModel[m], sLatent, scores[k], -1)
			}
		}
		return
	case len(s.wAll) == 0:
		return
	default:
		clear(s.user)
		if known {
			copy(s.user, f.User(u))
		}
		f.FoldInto(s.user, s.wAll, s.solver)
		r.folded = true
	}
	r.hasUser = true
	for _, e := range f.Retrieve(s.user, snap.Clusters, r.cfg.Pool[sLatent], s.top, r.skipModel) {
		r.offer(r.c.fromModel[e.ID], sLatent, e.Score, -1)
	}
}
