// Package apidoc serves the API's description: the OpenAPI 3.1 document, a page
// that browses it, and the landing page at /. Each domain keeps its part of the
// description beside its routes (an openapi.yaml in its package); Assemble joins
// them with this package's base (shared components: problems, pages, security),
// and a test in package app keeps the result and the route table in step.
package apidoc

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/lyolearn/lyo/internal/httpx"
)

//go:embed base.yaml static
var files embed.FS

// Base is the part every other part builds on: the document's head and the
// components shared by every domain.
func Base() string {
	b, _ := files.ReadFile("base.yaml") // embedded: always there
	return string(b)
}

// Docs serves one assembled document.
type Docs struct {
	doc  []byte
	etag string
}

// New assembles the base and parts; an error names the part at fault.
func New(parts ...Part) (*Docs, error) {
	doc, err := Assemble(Base(), parts...)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(doc)
	return &Docs{doc: doc, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}, nil
}

// Document is the OpenAPI document as served.
func (d *Docs) Document() []byte { return bytes.Clone(d.doc) }

var started = time.Now()

// ServeDocument serves /openapi.json.
func (d *Docs) ServeDocument(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("ETag", d.etag)
	return serveBytes(w, r, d.doc, "application/json")
}

func serveFile(w http.ResponseWriter, r *http.Request, name, contentType string) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	return serveBytes(w, r, b, contentType)
}

func serveBytes(w http.ResponseWriter, r *http.Request, b []byte, contentType string) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, "", started, bytes.NewReader(b))
	return nil
}

// ServeBrowser serves /docs.
func ServeBrowser(w http.ResponseWriter, r *http.Request) error {
	return serveFile(w, r, "static/docs.html", "text/html; charset=utf-8")
}

var assets = map[string]string{
	"docs.js":  "text/javascript; charset=utf-8",
	"docs.css": "text/css; charset=utf-8",
}

// ServeAsset serves the browser's script and style sheet.
func ServeAsset(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("asset")
	ct, ok := assets[name]
	if !ok {
		return httpx.Errorf(http.StatusNotFound, "not_found", "no documentation asset %q", name)
	}
	return serveFile(w, r, "static/"+name, ct)
}

// ServeLanding serves /.
func ServeLanding(w http.ResponseWriter, r *http.Request) error {
	return serveFile(w, r, "static/landing.html", "text/html; charset=utf-8")
}
