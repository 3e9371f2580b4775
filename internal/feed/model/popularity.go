package model

// Popularity returns, per column of m, the number of rows with an entry: how
// many learners interacted with each item.
func Popularity(m *Matrix) []float32 {
	p := make([]float32, m.NCols)
	for _, c := range m.Cols {
		p[c]++
	}
	return p
}
