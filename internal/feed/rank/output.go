package rank

// Output is a ranked page.
type Output struct {
	Entries []Entry
	// Factors is the learner's latent vector when Rank had to fold it in; the
	// caller may cache it in Learner.Factors (with FactorsVersion) until the
	// learner's history or the snapshot changes.
	Factors        []float32
	FactorsVersion int64
	// Trace is filled when Request.Explain is set.
	Trace *Trace
}

// Entry is one ranked item and why it is there.
type Entry struct {
	ItemID      string
	Source      Source // the source that put it there (the strongest contribution)
	Explanation string // one sentence for the learner
	Reason      Reason // the same, structured
	Score       float64
	Predicted   Predictions
}

// Source names a candidate source.
type Source string

// The candidate sources.
const (
	SourceFollowed     Source = "followed"      // recent items of creators the learner follows
	SourceCoEngagement Source = "co_engagement" // item neighbours of what the learner finished, liked, saved or watched
	SourceLatent       Source = "latent"        // latent factors (ALS)
	SourceSimilar      Source = "similar"       // content similarity to the learner's items
	SourceTopic        Source = "topic"         // best items of the learner's topics (or the topics they chose)
	SourceTrending     Source = "trending"      // engagement velocity, global and in the learner's topics
	SourceFresh        Source = "fresh"         // new items that still need exposure (the exploration bandit)
	SourceSeries       Source = "series"        // next episode of a series in progress
	SourcePopular      Source = "popular"       // topic-balanced quality: the cold-start floor
)

// sources in a fixed order: the index of each in candidate arrays.
var sources = [...]Source{SourceFollowed, SourceCoEngagement, SourceLatent, SourceSimilar, SourceTopic,
	SourceTrending, SourceFresh, SourceSeries, SourcePopular}

const (
	sFollowed = iota
	sCoEngagement
	sLatent
	sSimilar
	sTopic
	sTrending
	sFresh
	sSeries
	sPopular
	numSources
)

// ReasonKind is the structured form of an explanation.
type ReasonKind string

// The reasons.
const (
	BecauseFinished ReasonKind = "because_finished" // Item: what they finished (or liked, saved, watched: Verb)
	SimilarTo       ReasonKind = "similar_to"       // Item: what it resembles
	LearnersLikeYou ReasonKind = "learners_like_you"
	NewFromFollowed ReasonKind = "new_from_followed" // Creator
	TrendingIn      ReasonKind = "trending_in"       // Topic, or none for global
	NewIn           ReasonKind = "new_in"            // Topic
	NextIn          ReasonKind = "next_in"           // Series
	InYourTopic     ReasonKind = "in_your_topic"     // Topic the learner engages with
	ChosenTopic     ReasonKind = "chosen_topic"      // Topic the learner chose or boosted
	PopularIn       ReasonKind = "popular_in"        // Topic
)

// Reason says why an entry is there, with what the sentence names.
type Reason struct {
	Kind        ReasonKind `json:"kind"`
	Verb        string     `json:"verb,omitempty"` // finished, liked, saved, watched
	ItemID      string     `json:"item_id,omitempty"`
	ItemTitle   string     `json:"item_title,omitempty"`
	CreatorID   string     `json:"creator_id,omitempty"`
	CreatorName string     `json:"creator_name,omitempty"`
	Topic       string     `json:"topic,omitempty"` // slug
	TopicName   string     `json:"topic_name,omitempty"`
	SeriesID    string     `json:"series_id,omitempty"`
	SeriesTitle string     `json:"series_title,omitempty"`
	Episode     int        `json:"episode,omitempty"`
}

// Predictions are the ranker's probabilities for one item and learner.
type Predictions struct {
	Complete    float64 `json:"complete"`
	Like        float64 `json:"like"`
	Save        float64 `json:"save"`
	Share       float64 `json:"share"`
	Skip        float64 `json:"skip"`
	QuizCorrect float64 `json:"quiz_correct"` // 0 for items without a quiz
}

// Trace is the whole story of one ranking, for the admin explain route.
type Trace struct {
	Candidates []TracedCandidate `json:"candidates"`
	// PerSource counts the candidates each source offered before filters.
	PerSource map[Source]int `json:"per_source"`
	// Folded says the learner's latent vector was folded in for this request.
	Folded bool `json:"folded"`
	// Relaxed says caps were relaxed to fill the page.
	Relaxed bool `json:"relaxed"`
}

// TracedCandidate is one candidate and what became of it.
type TracedCandidate struct {
	ItemID    string             `json:"item_id"`
	Sources   map[Source]float32 `json:"sources"`
	Features  map[string]float32 `json:"features,omitempty"`
	Predicted Predictions        `json:"predicted"`
	Score     float64            `json:"score"`
	// Position is the 0-based place in the page; -1 when dropped.
	Position int `json:"position"`
	// Dropped names the filter or cap that removed it: seen, hidden, blocked,
	// not_visible, minor, muted, served, creator_cap, topic_cap, sequencing,
	// or page_full when better candidates filled the page.
	Dropped string `json:"dropped,omitempty"`
	// Explored says it took an exploration slot.
	Explored bool `json:"explored,omitempty"`
}
