package rank

// primary picks the source that put a candidate on the page: the offering
// source whose features contribute most to its predicted completion, or a
// concrete one that contributed at least 40% of that. A series continuation
// is always explained as one, and an exploration slot as new.
func (r *run) primary(cd *cand) int {
	if cd.explored {
		return sFresh
	}
	if cd.src[sSeries] > 0 {
		return sSeries
	}
	w := &r.cfg.Models[TargetComplete].W
	x := &cd.feat
	contrib := [numSources]float32{
		sFollowed:     w[FeatFollowed] * x[FeatFollowed],
		sCoEngagement: w[FeatCoPositive]*x[FeatCoPositive] + w[FeatCoViewed]*x[FeatCoViewed] + w[FeatEASE]*x[FeatEASE],
		sLatent:       w[FeatLatent] * x[FeatLatent],
		sSimilar:      w[FeatSimilar] * x[FeatSimilar],
		sTopic:        w[FeatTopicAffinity] * x[FeatTopicAffinity],
		sTrending:     w[FeatTrending] * x[FeatTrending],
		sFresh:        w[FeatFresh]*x[FeatFresh] + w[FeatFreshness]*x[FeatFreshness],
		sPopular:      w[FeatPopularity] * x[FeatPopularity],
	}
	best := -1
	for src := range numSources {
		if cd.src[src] == 0 {
			continue
		}
		if best < 0 || contrib[src] > contrib[best] {
			best = src
		}
	}
	if best < 0 {
		return sPopular
	}
	// A concrete reason — a creator they follow, an item they finished — is
	// preferred to an abstract one ("learners like you", a topic) when its
	// source offered the item and did a good part of the work.
	for _, src := range []int{sFollowed, sCoEngagement, sSimilar} {
		if cd.src[src] != 0 && contrib[src] > 0 && contrib[src] >= 0.4*contrib[best] {
			return src
		}
	}
	return best
}

// entry turns a placed candidate into the page entry with its explanation.
func (r *run) entry(cd *cand) Entry {
	src := r.primary(cd)
	reason := r.reason(cd, src)
	return Entry{ItemID: r.c.items[cd.item].ID, Source: sources[src], Explanation: reason.Text(),
		Reason: reason, Score: cd.score, Predicted: cd.pred}
}

// reason builds the structured explanation of a candidate from a source.
func (r *run) reason(cd *cand, src int) Reason {
	c := r.c
	it := &c.items[cd.item]
	ref := cd.ref[src]
	withTopic := func(k ReasonKind, t int32) Reason {
		if t < 0 {
			t = r.bestTopic(cd.item)
		}
		rs := Reason{Kind: k}
		if t >= 0 {
			rs.Topic, rs.TopicName = c.topics.ID(t), c.topicName[t]
		}
		return rs
	}
	switch src {
	case sSeries:
		return Reason{Kind: NextIn, SeriesID: it.SeriesID, SeriesTitle: it.SeriesTitle, Episode: it.Episode}
	case sFollowed:
		return Reason{Kind: NewFromFollowed, CreatorID: it.CreatorID, CreatorName: it.CreatorName}
	case sCoEngagement, sSimilar:
		if ref >= 0 && int(ref) < len(r.s.hist) {
			h := r.s.hist[ref]
			anchor := &c.items[h.cat]
			kind := BecauseFinished
			if src == sSimilar {
				kind = SimilarTo
			}
			verb := h.verb
			if verb == verbNone {
				verb = verbWatched
			}
			return Reason{Kind: kind, Verb: verbText[verb], ItemID: anchor.ID, ItemTitle: anchor.Title}
		}
		return withTopic(LearnersLikeYou, -1)
	case sLatent:
		return withTopic(LearnersLikeYou, -1)
	case sTopic:
		rs := withTopic(InYourTopic, ref)
		if ref >= 0 && r.s.topicFlag[ref]&(flagChosen|flagBoosted) != 0 {
			rs.Kind = ChosenTopic
		}
		return rs
	case sTrending:
		if ref < 0 {
			return Reason{Kind: TrendingIn}
		}
		return withTopic(TrendingIn, ref)
	case sFresh:
		return withTopic(NewIn, ref)
	default:
		return withTopic(PopularIn, ref)
	}
}

// bestTopic is the item's topic the learner likes most (its first topic when
// the learner likes none); −1 when it has none.
func (r *run) bestTopic(i int32) int32 {
	best := int32(-1)
	var bestAff float32
	for _, t := range r.c.topicsOf(i) {
		if best < 0 || r.s.topicAff[t] > bestAff {
			best, bestAff = t, r.s.topicAff[t]
		}
	}
	return best
}

// Text is the sentence shown to the learner.
func (rs Reason) Text() string {
	topic := rs.TopicName
	if topic == "" {
		topic = rs.Topic
	}
	switch rs.Kind {
	case BecauseFinished:
		return "Because you " + rs.Verb + " “" + rs.ItemTitle + "”"
	case SimilarTo:
		return "Similar to “" + rs.ItemTitle + "”, which you " + rs.Verb
	case LearnersLikeYou:
		if topic == "" {
			return "Popular with learners like you"
		}
		return "Popular in " + topic + " with learners like you"
	case NewFromFollowed:
		return "New from " + rs.CreatorName + ", whom you follow"
	case TrendingIn:
		if topic == "" {
			return "Trending now"
		}
		return "Trending in " + topic
	case NewIn:
		if topic == "" {
			return "New on Lyo"
		}
		return "New in " + topic
	case NextIn:
		return "Next in “" + rs.SeriesTitle + "”"
	case InYourTopic:
		return "Because you like " + topic
	case ChosenTopic:
		return "From " + topic + ", a topic you chose"
	default:
		if topic == "" {
			return "Popular on Lyo"
		}
		return "Popular in " + topic
	}
}
