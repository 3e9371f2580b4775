package bulk

import "testing"

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Children's": "childrens", "Film-Noir": "film-noir", "Sci Fi": "sci-fi",
		"  Action ": "action", "unknown": "unknown", "--": "", "Musée 2": "mus-e-2", "a very long genre name that goes on and on past fifty": "a-very-long-genre-name-that-goes-on-and-on-past-fi"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
