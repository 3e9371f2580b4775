// Package model trains the feed's models over plain matrices and serves their
// results as compact lists: item-KNN (cosine with shrinkage), implicit ALS
// (Hu, Koren and Volinsky 2008) with fold-in of new learners, EASE (Steck
// 2019) for catalogues up to about 20,000 items, TF-IDF content similarity,
// and popularity. Everything is pure computation: no I/O, no clock, no global
// randomness (seeds are options); long trainings take a context to stop early.
//
// Data flows in one direction: interaction rows (learner, item, weight, time)
// go through a Builder into a CSR Matrix with dense index maps (Dict); the
// trainers read the matrix and return Lists (short scored lists per item or
// per learner) and Factors; Train assembles a Snapshot of all that serving
// needs; Encode and Decode turn a Snapshot into versioned, checksummed bytes,
// so one rebuild job (a River job storing the bytes in the database) serves
// every node, and a node that reads a damaged or foreign-version snapshot gets
// an error and keeps the one it has.
//
// Costs, measured by the benchmarks in this package: see BenchmarkALSLarge
// (10k learners × 100k items × 1M interactions), BenchmarkItemKNNLarge,
// BenchmarkEASE1682 and BenchmarkFoldIn. EASE needs 12·n² bytes for n items
// (EASEBytes) and refuses catalogues above EASEOptions.MaxItems.
package model
