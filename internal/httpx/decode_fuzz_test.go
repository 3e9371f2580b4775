package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"a","count":1,"Tags":["x"]}`, `{`, `[]`, `null`, `{"count":1e400}`, `{"name":"a"}{}`, `{"x":1}`, "\xff", `{"count":-1}`, ``, `{"name":"\u0000"}`, `{"Tags":["\ud800"]}`, "{\"name\":\"\xff\"}", `{"name":"\\u0000"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 256)
		var dst thing
		err := DecodeJSON(r, &dst)
		if err == nil {
			// What a route gets is text both engines store.
			if bad := BadText(dst); len(bad) > 0 {
				t.Fatalf("decode of %q let through %+v", body, bad)
			}
			return
		}
		var he *Error
		if !errors.As(err, &he) || he.Status < 400 || he.Status >= 500 {
			t.Fatalf("decode of %q gave %v, want a 4xx *Error", body, err)
		}
		if he.Detail == "" || he.Code == "" {
			t.Fatalf("error without detail or code: %+v", he)
		}
	})
}
