package seed

import "testing"

func BenchmarkGenerate(b *testing.B) {
	var events int
	for b.Loop() {
		events = len(Generate(Config{Seed: 42, Now: testNow}).Events)
	}
	b.ReportMetric(float64(events), "events")
}
