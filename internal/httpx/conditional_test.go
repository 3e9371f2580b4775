package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestETagIsStableAndDistinct(t *testing.T) {
	a, b := ETag("item-1", "2026-11-29T10:00:00Z"), ETag("item-1", "2026-11-29T10:00:01Z")
	if a != ETag("item-1", "2026-11-29T10:00:00Z") {
		t.Fatal("the same parts must give the same tag")
	}
	if a == b || ETag("ab", "c") == ETag("a", "bc") {
		t.Fatal("different versions must give different tags")
	}
	if a[0] != '"' || a[len(a)-1] != '"' || a[:2] == "W/" {
		t.Fatalf("want a strong, quoted tag, got %s", a)
	}
}

func TestIfMatch(t *testing.T) {
	cur := ETag("x", "1")
	for _, tc := range []struct {
		header string
		ok     bool
	}{
		{"", true},
		{"*", true},
		{cur, true},
		{`"nope", ` + cur, true},
		{`"nope"`, false},
		{"W/" + cur, false}, // If-Match compares strongly
	} {
		r := httptest.NewRequest("PATCH", "/", nil)
		if tc.header != "" {
			r.Header.Set("If-Match", tc.header)
		}
		err := IfMatch(r, cur)
		var he *Error
		switch {
		case tc.ok && err != nil:
			t.Errorf("If-Match %q: got %v, want no error", tc.header, err)
		case !tc.ok && (!errors.As(err, &he) || he.Status != http.StatusPreconditionFailed):
			t.Errorf("If-Match %q: got %v, want 412", tc.header, err)
		}
	}
}

func TestWriteResourceAnswers304WhileUnchanged(t *testing.T) {
	tag := ETag("me", "3")
	for _, tc := range []struct {
		method, ifNoneMatch string
		want                int
	}{
		{"GET", "", 200},
		{"GET", tag, 304},
		{"GET", "W/" + tag, 304},
		{"GET", `"old"`, 200},
		{"PATCH", tag, 200}, // a write's answer is never a 304
	} {
		r := httptest.NewRequest(tc.method, "/", nil)
		if tc.ifNoneMatch != "" {
			r.Header.Set("If-None-Match", tc.ifNoneMatch)
		}
		w := httptest.NewRecorder()
		if err := WriteResource(w, r, http.StatusOK, tag, map[string]int{"n": 1}); err != nil {
			t.Fatal(err)
		}
		if w.Code != tc.want {
			t.Errorf("%s If-None-Match %q: status %d, want %d", tc.method, tc.ifNoneMatch, w.Code, tc.want)
		}
		if got := w.Header().Get("ETag"); got != tag {
			t.Errorf("ETag = %q, want %q", got, tag)
		}
		if w.Header().Get("Vary") != "Authorization" || w.Header().Get("Cache-Control") != "private, no-cache" {
			t.Errorf("headers = %v", w.Header())
		}
		if tc.want == 304 && w.Body.Len() != 0 {
			t.Errorf("a 304 has no body, got %q", w.Body)
		}
	}
}
