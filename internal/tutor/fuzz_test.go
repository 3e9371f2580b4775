package tutor

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/httpx"
)

// FuzzQuestionBody feeds arbitrary bodies to the question decoder and its
// validation: each is accepted, or refused with a 4xx problem or a list of
// invalid fields; nothing panics, and an accepted question has text within
// the limits.
func FuzzQuestionBody(f *testing.F) {
	for _, seed := range []string{
		`{"text": "What is a fraction?"}`,
		`{"text": "this?", "media_ids": ["01jd8x9q3v5w7y9a1c3e5g7j9k", "01jd8x9q3v5w7y9a1c3e5g7j9k"]}`,
		`{"text": ""}`, `{"text": "a\u0000"}`, `{"text": 5}`, `{"media_ids": null}`, `{}`, `[]`, `null`, `{"text": "\ud800"}`,
		`{"text": "x"} {"text": "y"}`, `{"text": "x", "system": "pirate"}`, "{\"text\": \"" + strings.Repeat("é", 4001) + "\"}",
	} {
		f.Add(seed)
	}
	svc := NewService(Deps{}, Options{})
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, MaxMessageBody)
		var in QuestionBody
		if err := httpx.DecodeJSON(r, &in); err != nil {
			var he *httpx.Error
			if !errors.As(err, &he) || he.Status < 400 || he.Status >= 500 {
				t.Fatalf("decoding %q: %v, not a 4xx problem", body, err)
			}
			return
		}
		err := svc.validate(Question{Text: in.Text, MediaIDs: in.MediaIDs})
		if err == nil {
			if n := len([]rune(strings.TrimSpace(in.Text))); n == 0 || n > svc.opts.MaxMessageChars || len(in.MediaIDs) > 0 {
				t.Fatalf("accepted %q: %d characters, %d media (no media store)", body, n, len(in.MediaIDs))
			}
			return
		}
		var bad *fault.Invalid
		if !errors.As(err, &bad) || len(bad.Fields) == 0 {
			t.Fatalf("validating %q: %v, not a list of invalid fields", body, err)
		}
	})
}
