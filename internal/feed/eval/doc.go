// Package eval is the offline evaluation behind `lyo eval`: it reads an
// interaction file, holds out the latest fifth of every user's rows, and scores
// the full engine (named "lyo": rank.Rank, the same call that serves
// GET /api/v1/feed, with exploration, caps and diversity on and a fixed seed)
// beside classical baselines trained on the same rows: popularity, item-KNN
// (cosine), implicit ALS alone, and EASE (when the catalogue is within its
// memory bound).
//
// The protocol, exactly:
//
//   - per user, rows sorted by timestamp (stable: ties keep file order); the
//     last floor(n/5) rows, at least one, are held out; the rest are training;
//   - every training row is a signal for the engine: a view, plus a like when
//     its weight is at or above the threshold, at its own timestamp; the
//     catalogue's counts and trending are computed from them as of "now", the
//     last timestamp of the whole training set;
//   - positives are held-out rows at or above the threshold on items the user
//     has no training row for; only users with at least one are scored, and
//     every one of them gets a list;
//   - candidates are the items seen in training minus the user's own training
//     items (the full catalogue, no sampled negatives); each model is asked
//     for 20;
//   - Recall@20 = hits in the 20 / positives; NDCG@10 with binary relevance,
//     ideal DCG over min(10, positives); Coverage@20 = distinct items in all
//     lists / training catalogue; ILD@10 = mean pairwise 1 − Jaccard of topics
//     (pairs whose topics are known); novelty@10 = mean −log2 of the share of
//     training users who have the item.
//
// The engine's blend weights (how much latent factors, EASE, co-engagement,
// content and topic affinity count, how fast history fades by position from
// its end, how much a positive interaction counts over a view) are tuned by
// Tune before the run: the same protocol applied again to the training rows
// alone carves a validation split, the models are trained on what is left,
// and a coordinate search keeps the weights that score best there. The
// held-out rows play no part in it.
//
// Run does all of it and returns a Report, which writes the table, the JSON
// of the results, and the engine's lists as JSON lines with the file's own
// tokens, so an independent script can recompute the figures. No server and no
// database are involved: everything is in memory.
package eval
