package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/feed/model"
)

func TestSplitFollowsTheProtocol(t *testing.T) {
	rows := []Row{
		// u1: 6 rows out of time order; floor(6/5) = 1 held out: the latest (d).
		{"u1", "a", 5, 5}, {"u1", "d", 9, 5}, {"u1", "b", 1, 2}, {"u1", "c", 3, 4}, {"u1", "e", 2, 5}, {"u1", "f", 4, 1},
		// u2: 3 rows, at least one held out; tie at time 7: file order decides
		// (y before z), so z is held out.
		{"u2", "x", 1, 5}, {"u2", "y", 7, 5}, {"u2", "z", 7, 5},
		// u3: its held-out item is one of its training items: no positive.
		{"u3", "a", 1, 5}, {"u3", "a", 2, 5},
		// u4: held-out row below the threshold: no positive.
		{"u4", "b", 1, 5}, {"u4", "q", 2, 3},
	}
	s := SplitRows(rows, 4)
	if !slices.Equal(s.Users, []string{"u1", "u2", "u3", "u4"}) {
		t.Fatalf("users %v", s.Users)
	}
	held := func(u int) []string {
		var ids []string
		for _, r := range s.Held[u] {
			ids = append(ids, r.Item)
		}
		return ids
	}
	for u, want := range [][]string{{"d"}, {"z"}, {"a"}, {"q"}} {
		if got := held(u); !slices.Equal(got, want) {
			t.Errorf("%s holds out %v, want %v", s.Users[u], got, want)
		}
	}
	if !slices.Equal(s.Positives[0], []string{"d"}) || !slices.Equal(s.Positives[1], []string{"z"}) || len(s.Positives[2]) != 0 || len(s.Positives[3]) != 0 {
		t.Errorf("positives %v", s.Positives)
	}
	if !slices.Equal(s.Scored, []int{0, 1}) {
		t.Errorf("scored %v", s.Scored)
	}
	// Items with a training row, in file order: d and z and q are held out only.
	if want := []string{"a", "b", "c", "e", "f", "x", "y"}; !slices.Equal(s.Items, want) {
		t.Errorf("catalogue %v, want %v", s.Items, want)
	}
	if s.Now != 7 {
		t.Errorf("now %v, want 7 (u2's y)", s.Now)
	}
}

func TestMetricsByHand(t *testing.T) {
	list := []string{"a", "b", "c", "d"}
	pos := []string{"b", "d", "z"}
	if got := Recall(list, pos, 20); got != 2.0/3 {
		t.Errorf("recall %v", got)
	}
	// Hits at ranks 2 and 4: 1/log2(3) + 1/log2(5); ideal: 3 hits at the top.
	want := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3) + 1/math.Log2(4))
	if got := NDCG(list, pos, 10); math.Abs(got-want) > 1e-12 {
		t.Errorf("ndcg %v, want %v", got, want)
	}
	topics := map[string][]string{"a": {"x"}, "b": {"x", "y"}, "c": {"z"}}
	// Pairs with topics: a-b 1−1/2, a-c 1, b-c 1 → mean 2.5/3.
	if got := ILD(list, topics, 10); math.Abs(got-2.5/3) > 1e-12 {
		t.Errorf("ild %v", got)
	}
	users := map[string]int{"a": 8, "b": 4}
	// −log2(8/16), −log2(4/16), unknowns count one user: −log2(1/16) twice.
	if got := Novelty(list, users, 16, 10); got != (1+2+4+4)/4.0 {
		t.Errorf("novelty %v", got)
	}
}

func TestReadBothFormats(t *testing.T) {
	csv := "user,item,timestamp,weight\nu1,i1,100,4\nu1,i2,101\n\nu2,i1,50.5,1\n"
	rows, err := Read(strings.NewReader(csv), CSV)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{"u1", "i1", 100, 4}, {"u1", "i2", 101, 1}, {"u2", "i1", 50.5, 1}}
	if !slices.Equal(rows, want) {
		t.Errorf("csv rows %v", rows)
	}
	tsv := "user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n186\t302\t3\t891717742\n"
	rows, err = Read(strings.NewReader(tsv), RecBole)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Row{{"196", "242", 881250949, 3}, {"186", "302", 891717742, 3}}; !slices.Equal(rows, want) {
		t.Errorf("recbole rows %v", rows)
	}
	for name, c := range map[string]struct {
		in string
		f  Format
	}{
		"bad timestamp": {"u,i,1\nu,i,later\n", CSV},
		"short line":    {"u,i\n", CSV},
		"no item col":   {"user_id:token\ttimestamp:float\n1\t2\n", RecBole},
		"bad weight":    {"user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t2\tfive\t3\n", RecBole},
	} {
		if _, err := Read(strings.NewReader(c.in), c.f); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", name, err)
		}
	}
	items, err := ReadItems(strings.NewReader("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n1\tToy Story\t1995\tAnimation Children's Comedy\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := items["1"]; got.Title != "Toy Story" || !slices.Equal(got.Topics, []string{"animation", "children's", "comedy"}) {
		t.Errorf("item 1 = %+v", got)
	}
}

// TestRunScoresEveryModelAndTheListsAgree runs the whole evaluation on
// generated data, checks that the engine leads, and checks its written lists
// against an independent recount of Recall@20.
func TestRunScoresEveryModelAndTheListsAgree(t *testing.T) {
	rows, info := generated(t)
	rep, err := Run(context.Background(), rows, Options{Threshold: 4, Items: info, Seed: 1, ALS: model.ALSOptions{Factors: 32, Iterations: 8}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]Result{}
	for _, r := range rep.Results {
		names = append(names, r.Model)
		byName[r.Model] = r
	}
	if want := []string{"lyo", "popularity", "itemknn", "als", "ease"}; !slices.Equal(names, want) {
		t.Fatalf("models %v, want %v", names, want)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + table.String())
	// The engine, exploration, caps and diversity on, leads every baseline
	// on both accuracy figures, with at least EASE's coverage.
	lyo := byName["lyo"]
	for _, b := range []string{"popularity", "itemknn", "als", "ease"} {
		if lyo.Recall20 <= byName[b].Recall20 || lyo.NDCG10 <= byName[b].NDCG10 {
			t.Errorf("engine %.4f / %.4f does not lead %s %.4f / %.4f on Recall@20 / NDCG@10",
				lyo.Recall20, lyo.NDCG10, b, byName[b].Recall20, byName[b].NDCG10)
		}
	}
	if lyo.Coverage20 < byName["ease"].Coverage20 {
		t.Errorf("engine coverage %.4f below EASE's %.4f", lyo.Coverage20, byName["ease"].Coverage20)
	}
	// The lists: one per scored user, 20 distinct items, none of their own.
	var buf bytes.Buffer
	if err := rep.WriteLists(&buf); err != nil {
		t.Fatal(err)
	}
	s := SplitRows(rows, 4)
	own := map[string]map[string]bool{}
	for u, rs := range s.Train {
		own[s.Users[u]] = map[string]bool{}
		for _, r := range rs {
			own[s.Users[u]][r.Item] = true
		}
	}
	// Independent recount: positives straight from the rows.
	positives := map[string][]string{}
	for u, rs := range s.Held {
		for _, r := range rs {
			if r.Weight >= 4 && !own[s.Users[u]][r.Item] && !slices.Contains(positives[s.Users[u]], r.Item) {
				positives[s.Users[u]] = append(positives[s.Users[u]], r.Item)
			}
		}
	}
	dec := json.NewDecoder(&buf)
	var sum float64
	n := 0
	for dec.More() {
		var l UserList
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		n++
		seen := map[string]bool{}
		for _, id := range l.Items {
			if seen[id] || own[l.User][id] {
				t.Fatalf("user %s: %s repeated or already theirs", l.User, id)
			}
			seen[id] = true
		}
		if len(l.Items) != 20 {
			t.Errorf("user %s got %d items", l.User, len(l.Items))
		}
		hits := 0
		for _, p := range positives[l.User] {
			if seen[p] {
				hits++
			}
		}
		sum += float64(hits) / float64(len(positives[l.User]))
	}
	if n != rep.Users || n != len(positives) {
		t.Fatalf("%d lists for %d scored users (%d with positives)", n, rep.Users, len(positives))
	}
	if got := sum / float64(n); math.Abs(got-byName["lyo"].Recall20) > 1e-9 {
		t.Errorf("recount of Recall@20 from the lists = %v, report says %v", got, byName["lyo"].Recall20)
	}
}

// TestTuneNeverSeesHeldOutRows: the weights come from the training rows alone,
// so changing every held-out row (other items, other ratings) chooses the same
// ones; and what it chooses scores at least as well on validation as the
// defaults.
func TestTuneNeverSeesHeldOutRows(t *testing.T) {
	rows, info := generated(t)
	o := Options{Threshold: 4, Items: info, Seed: 1, ALS: model.ALSOptions{Factors: 16, Iterations: 6}}
	s := SplitRows(rows, 4)
	a, err := Tune(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(a.Summary())
	if a.After.Recall20+a.After.NDCG10 < a.Before.Recall20+a.Before.NDCG10 {
		t.Errorf("tuned weights score below the defaults on validation: %s", a.Summary())
	}
	other := SplitRows(rows, 4)
	for u := range other.Held {
		held := slices.Clone(other.Held[u])
		for k := range held {
			held[k].Item = s.Items[(u*7+k)%len(s.Items)]
			held[k].Weight = 5 - held[k].Weight
		}
		other.Held[u] = held
	}
	b, err := Tune(context.Background(), other, o)
	if err != nil {
		t.Fatal(err)
	}
	if *a.Config != *b.Config || !slices.Equal(a.Changed, b.Changed) {
		t.Errorf("the held-out rows changed the tuning: %v vs %v", a.Changed, b.Changed)
	}
}
