package rank

// Features describe one candidate for one learner. They are computed the same
// way online and offline (eval, training the ranker), so coefficients learnt
// from the event log apply as they are.
type Features [NumFeatures]float32

// The features, in order. Source scores are scaled to 0–1 within the request
// (divided by the best candidate's), so coefficients do not depend on history
// length or catalogue size.
const (
	FeatCoPositive      = iota // item neighbours of the learner's positive items (finished, liked, saved, shared, quiz right)
	FeatCoViewed               // item neighbours of everything the learner watched
	FeatEASE                   // EASE weights from the learner's items
	FeatLatent                 // ALS preference, scaled like the sources (at least −1)
	FeatSimilar                // content similarity to the learner's positive items
	FeatFollowed               // 0.5 when the learner follows the creator, up to 1 for a new item of theirs
	FeatSeriesNext             // 1 for the next episode of a series in progress
	FeatTopicAffinity          // learner's affinity to the item's best-liked topic plus its most disliked one, scaled by their strongest; +1 when boosted
	FeatCreatorAffinity        // the same for the creator, −1 to 1
	FeatTrending               // trending velocity scaled by the catalogue's highest
	FeatFresh                  // 1 for a new item that still needs exposure
	FeatQualityComplete        // logit of the smoothed completion rate minus that of the catalogue
	FeatQualityLike            // same for likes
	FeatQualitySave            // saves
	FeatQualityShare           // shares
	FeatQualitySkip            // skips
	FeatQualityQuiz            // correct quiz answers; 0 for items without a quiz
	FeatPopularity             // log(1+views) scaled by the catalogue's highest
	FeatFreshness              // 2^(−age/half-life)
	FeatDifficultyFit          // 1 − |difficulty − learner's level|/4; 0.5 when either is unknown
	FeatSessionRepeat          // share of items served in this session that share a topic with it
	FeatBinge                  // 1 for a series continuation in binge mode
	NumFeatures
)

// FeatureNames are the features' names, for traces and trained-model files.
var FeatureNames = [NumFeatures]string{"co_positive", "co_viewed", "ease", "latent", "similar", "followed",
	"series_next", "topic_affinity", "creator_affinity", "trending", "fresh", "quality_complete", "quality_like",
	"quality_save", "quality_share", "quality_skip", "quality_quiz", "popularity", "freshness", "difficulty_fit",
	"session_repeat", "binge"}

// The prediction targets, in order.
const (
	TargetComplete = iota
	TargetLike
	TargetSave
	TargetShare
	TargetSkip
	TargetQuiz
	NumTargets
)

// TargetNames name the targets.
var TargetNames = [NumTargets]string{"complete", "like", "save", "share", "skip", "quiz_correct"}

// Linear is one target's logistic model: p = σ(Bias + Σ W[f]·x[f]).
type Linear struct {
	Bias float32
	W    Features
}

func (l *Linear) predict(x *Features) float64 {
	z := l.Bias
	for f, w := range l.W {
		z += w * x[f]
	}
	return sigmoid(float64(z))
}

func (p Predictions) at(t int) float64 {
	switch t {
	case TargetComplete:
		return p.Complete
	case TargetLike:
		return p.Like
	case TargetSave:
		return p.Save
	case TargetShare:
		return p.Share
	case TargetSkip:
		return p.Skip
	default:
		return p.QuizCorrect
	}
}

// Predict applies the per-target models to x. Quiz success is predicted only
// for quiz items.
func (c *Config) Predict(x *Features, quiz bool) Predictions {
	p := Predictions{
		Complete: c.Models[TargetComplete].predict(x),
		Like:     c.Models[TargetLike].predict(x),
		Save:     c.Models[TargetSave].predict(x),
		Share:    c.Models[TargetShare].predict(x),
		Skip:     c.Models[TargetSkip].predict(x),
	}
	if quiz {
		p.QuizCorrect = c.Models[TargetQuiz].predict(x)
	}
	return p
}

// Value combines predictions into the score the page is ordered by.
func (c *Config) Value(p Predictions) float64 {
	var s float64
	for t := 0; t < NumTargets; t++ {
		s += c.Weights[t] * p.at(t)
	}
	return s
}
