package model

import "time"

// Snapshot is everything serving needs from training, and nothing it does not:
// short per-item and per-user lists and the latent factors, indexed by the
// dense item and user dictionaries. It is immutable once built; every node
// decodes the same bytes (Encode, Decode) and shares one Snapshot across
// requests.
type Snapshot struct {
	Built time.Time // the data it was trained on ends here
	Items *Dict     // item IDs; every list below is in this index space
	Users *Dict     // learner IDs with a row in Factors.Users and UserTop

	Popularity []float32 // per item: learners who interacted (training rows)

	// CoEngagement holds each item's nearest items by co-engagement (item-KNN
	// cosine); EASE, when the catalogue was small enough to train it, each
	// item's strongest EASE weights; Similar each item's nearest items by
	// content (TF-IDF cosine). Any may be nil.
	CoEngagement *Lists
	EASE         *Lists
	Similar      *Lists

	// Factors are implicit-ALS factors (nil when not trained); UserTop holds
	// each trained learner's best items by those factors, their own training
	// items left out; Clusters index item vectors for learners folded in later.
	Factors  *Factors
	UserTop  *Lists
	Clusters *Clusters

	// validated is the snapshot itself once Validate passed: a copy (whose
	// fields may have been changed) does not inherit it.
	validated *Snapshot
}

// Version names the snapshot for caches of values derived from it (a
// learner's folded-in vector): the time its data ends, in nanoseconds.
func (s *Snapshot) Version() int64 { return s.Built.UnixNano() }

// Clusters partition item vectors so a folded-in learner's best items are
// found by scoring a few hundred centroids and the members of the best
// clusters, not the whole catalogue (an inverted-file index).
type Clusters struct {
	K         int
	Centroids []float32 // len(Ptr)-1 centroids × K
	Ptr       []int32   // members of cluster c are Members[Ptr[c]:Ptr[c+1]]
	Members   []int32
	// Vectors holds the members' item vectors in Members order, so a probe
	// reads each cluster as one sequential run instead of jumping across the
	// whole factor table; nil falls back to the factors.
	Vectors []float32
}
