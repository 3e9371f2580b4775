package local_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/blobtest"
	"github.com/lyolearn/lyo/internal/blob/local"
	"github.com/lyolearn/lyo/internal/blob/signed"
)

var testKeys, _ = signed.NewKeys([]byte("a test key for signed urls, 32+ bytes long"))

// newStore is a store in a fresh directory whose signed URLs a test server
// serves, as Lyo's route does.
func newStore(t *testing.T, now func() time.Time) *local.Store {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	st, err := local.New(local.Options{Dir: t.TempDir() + "/media", Keys: testKeys, URLBase: srv.URL + "/objects", Scope: "main", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &signed.Handler{Store: st, Keys: testKeys, Scope: "main"}
	mux.HandleFunc("/objects/{key...}", func(w http.ResponseWriter, r *http.Request) {
		if err := h.Serve(w, r, r.PathValue("key")); err != nil {
			http.Error(w, err.Error(), status(err))
		}
	})
	return st
}

// status is the mapping blob's kinds document.
func status(err error) int {
	for kind, code := range map[error]int{
		blob.ErrNotFound: 404, blob.ErrPreconditionFailed: 412, blob.ErrUnavailable: 503, blob.ErrInvalidKey: 400,
		blob.ErrInvalidRange: 416, blob.ErrTooLarge: 413, blob.ErrMismatch: 400, blob.ErrInvalidPart: 400,
		blob.ErrDenied: 403, blob.ErrInvalid: 400,
	} {
		if errors.Is(err, kind) {
			return code
		}
	}
	if strings.Contains(err.Error(), "http: request body too large") {
		return 413
	}
	return 500
}

func TestContract(t *testing.T) {
	blobtest.Run(t, blobtest.Harness{New: func(t *testing.T, now func() time.Time) blob.Store { return newStore(t, now) }})
}
