package eval

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestReadItemsCSV(t *testing.T) {
	got, err := ReadItemsCSV(strings.NewReader("item,title,topics\n1,Toy Story,Animation|Children's|Comedy\n2,\"Heat, 1995\",Action Crime\n3\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["2"].Title != "Heat, 1995" || !slices.Equal(got["1"].Topics, []string{"animation", "children's", "comedy"}) ||
		!slices.Equal(got["2"].Topics, []string{"action", "crime"}) || got["3"].Title != "" {
		t.Errorf("items %+v", got)
	}
}

// FuzzRead: interaction and item files come from anywhere; a malformed one is
// ErrFormat, never a panic.
func FuzzRead(f *testing.F) {
	f.Add("user,item,timestamp,weight\nu1,i1,100,4\n", "item_id:token\tmovie_title:token_seq\tclass:token_seq\n1\tA\tx y\n")
	f.Add("user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t2\t3\t4\n", "1,A,x|y\n")
	f.Add("u,i\n\"", "\t\n")
	f.Fuzz(func(t *testing.T, data, items string) {
		for _, fm := range []Format{CSV, RecBole} {
			if _, err := Read(strings.NewReader(data), fm); err != nil && !errors.Is(err, ErrFormat) {
				t.Errorf("%s: %v is not ErrFormat", fm, err)
			}
		}
		if _, err := ReadItems(strings.NewReader(items)); err != nil && !errors.Is(err, ErrFormat) {
			t.Errorf("items: %v", err)
		}
		if _, err := ReadItemsCSV(strings.NewReader(items)); err != nil && !errors.Is(err, ErrFormat) {
			t.Errorf("items csv: %v", err)
		}
	})
}
