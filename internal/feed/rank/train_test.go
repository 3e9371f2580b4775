package rank

import (
	"context"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/synth"
)

// trainOn trains a snapshot on events the way the rebuild job does: one row
// per event weighted by TrainingWeight, the catalogue's texts for content.
func trainOn(d *synth.Data, evs []synth.Event, built time.Time, o model.Options) *model.Snapshot {
	dur := map[string]int64{}
	var data model.TrainData
	for _, it := range d.Items {
		dur[it.ID] = it.DurationMS
		data.Texts = append(data.Texts, model.Text{ID: it.ID, Title: it.Title, Description: it.Description, Body: it.Body, Topics: it.Topics})
	}
	for _, e := range evs {
		in := Interaction{ItemID: e.ItemID, Type: EventType(e.Type), At: e.At, Correct: e.Correct}
		if e.Type == "view" && dur[e.ItemID] > 0 {
			in.WatchRatio = float32(min(1, float64(e.WatchMS)/float64(dur[e.ItemID])))
		}
		if w := TrainingWeight(in); w > 0 {
			data.Rows = append(data.Rows, model.Row{User: e.UserID, Item: e.ItemID, Weight: w, At: e.At})
		}
	}
	data.Built = built
	s, err := model.Train(context.Background(), data, o)
	if err != nil {
		panic(err)
	}
	return s
}
