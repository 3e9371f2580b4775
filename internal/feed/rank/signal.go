package rank

// Signals: how much one event says about a learner's taste. Positive events
// (finishing, liking, saving, sharing, answering a quiz right) form their own
// history component, apart from mere views: on public interaction data that
// separation matters more than the choice of model.

// positive is an event's weight in the positive component (negative for skips
// and hides, which push their neighbours down).
func positive(in Interaction) float32 {
	switch in.Type {
	case Complete, Like, Share:
		return 1
	case Save:
		return 1.5
	case QuizAnswer:
		if in.Correct {
			return 0.8
		}
		return 0.2
	case Unlike:
		return -1
	case Unsave:
		return -1.5
	case Skip:
		return -0.5
	case Hide:
		return -1.5
	}
	return 0
}

// viewed is an event's weight in the viewed component.
func viewed(in Interaction) float32 {
	switch in.Type {
	case View:
		if in.WatchRatio <= 0 {
			return 1
		}
		return 0.3 + 0.7*min(in.WatchRatio, 1)
	case Complete:
		return 1
	}
	return 0
}

// TrainingWeight is what one event adds to its (learner, item) entry of the
// interaction matrix the models train on: views by how much was watched,
// positive events more, negative events nothing. The model rebuild job and eval
// both build their matrices with it, so offline figures hold online.
func TrainingWeight(in Interaction) float32 {
	return max(positive(in), 0) + viewed(in)
}

// verbs of the explanation, strongest first.
const (
	verbNone uint8 = iota
	verbWatched
	verbLiked
	verbSaved
	verbFinished
)

var verbText = [...]string{"", "watched", "liked", "saved", "finished"}

func verbOf(t EventType) uint8 {
	switch t {
	case Complete:
		return verbFinished
	case Save:
		return verbSaved
	case Like:
		return verbLiked
	case View:
		return verbWatched
	}
	return verbNone
}
