// Package apidoc serves the API's description: the OpenAPI 3.1 document, a page
// that browses it, and the landing page at /. The document is written by hand; a
// test in package app keeps it and the route table in step.
package apidoc

import (
	"bytes"
	"embed"
	"net/http"
	"time"
)

//go:embed openapi.json static
var files embed.FS

// Document is the OpenAPI document as served.
func Document() []byte {
	b, _ := files.ReadFile("openapi.json")
	return b
}

var started = time.Now()

func serveFile(w http.ResponseWriter, r *http.Request, name, contentType string) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, "", started, bytes.NewReader(b))
	return nil
}

// ServeDocument serves /openapi.json.
func ServeDocument(w http.ResponseWriter, r *http.Request) error {
	return serveFile(w, r, "openapi.json", "application/json")
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
		http.NotFound(w, r)
		return nil
	}
	return serveFile(w, r, "static/"+name, ct)
}

// ServeLanding serves /.
func ServeLanding(w http.ResponseWriter, r *http.Request) error {
	return serveFile(w, r, "static/landing.html", "text/html; charset=utf-8")
}
