package fault

import (
	"errors"
	"fmt"
	"testing"
)

var errConflict = errors.New("conflicts with the current state")

func TestErrorKeepsItsKind(t *testing.T) {
	err := fmt.Errorf("update item 7: %w", New(errConflict, "removed", "a moderator removed item %d", 7))
	if !errors.Is(err, errConflict) {
		t.Fatal("a wrapped fault.Error must still match its kind")
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Code != "removed" || fe.Message != "a moderator removed item 7" {
		t.Fatalf("got %+v", fe)
	}
}

func TestInvalidIsNilUntilAFieldIsAdded(t *testing.T) {
	var v Invalid
	if v.Err() != nil {
		t.Fatal("an empty Invalid is no error")
	}
	v.Add("title", "at most %d characters", 200)
	v.Add("topics", "unknown topic")
	var got *Invalid
	if !errors.As(v.Err(), &got) || len(got.Fields) != 2 || got.Fields[0] != (Field{"title", "at most 200 characters"}) {
		t.Fatalf("got %+v", got)
	}
	if want := "invalid input: title: at most 200 characters; topics: unknown topic"; v.Error() != want {
		t.Fatalf("Error() = %q, want %q", v.Error(), want)
	}
}
