package eval

import (
	"math"
	"slices"
)

// Recall is the share of positives among the first k of list.
func Recall(list []string, positives []string, k int) float64 {
	if len(positives) == 0 {
		return 0
	}
	hits := 0
	for _, id := range list[:min(k, len(list))] {
		if slices.Contains(positives, id) {
			hits++
		}
	}
	return float64(hits) / float64(len(positives))
}

// NDCG is the normalised discounted cumulative gain at k with binary
// relevance: DCG = Σ 1/log2(rank+1) over hits in the first k, divided by the
// DCG of min(k, positives) hits at the top.
func NDCG(list []string, positives []string, k int) float64 {
	var dcg, ideal float64
	for r, id := range list[:min(k, len(list))] {
		if slices.Contains(positives, id) {
			dcg += 1 / math.Log2(float64(r)+2)
		}
	}
	for r := 0; r < min(k, len(positives)); r++ {
		ideal += 1 / math.Log2(float64(r)+2)
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// ILD is intra-list diversity at k: the mean, over pairs of the first k items
// whose topics are both known, of 1 − Jaccard(topics). 0 when no pair has
// topics.
func ILD(list []string, topics map[string][]string, k int) float64 {
	l := list[:min(k, len(list))]
	var sum float64
	var pairs int
	for a := 0; a < len(l); a++ {
		ta := topics[l[a]]
		if len(ta) == 0 {
			continue
		}
		for b := a + 1; b < len(l); b++ {
			tb := topics[l[b]]
			if len(tb) == 0 {
				continue
			}
			shared := 0
			for _, t := range ta {
				if slices.Contains(tb, t) {
					shared++
				}
			}
			sum += 1 - float64(shared)/float64(len(ta)+len(tb)-shared)
			pairs++
		}
	}
	if pairs == 0 {
		return 0
	}
	return sum / float64(pairs)
}

// Novelty is the mean −log2 of the popularity share of the first k items:
// the share of training users who have the item (items no one has count as
// one user, so the value stays finite).
func Novelty(list []string, users map[string]int, totalUsers int, k int) float64 {
	l := list[:min(k, len(list))]
	if len(l) == 0 || totalUsers == 0 {
		return 0
	}
	var sum float64
	for _, id := range l {
		sum -= math.Log2(float64(max(users[id], 1)) / float64(totalUsers))
	}
	return sum / float64(len(l))
}
