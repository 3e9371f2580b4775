package httpx

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// compressMin is the size below which gzip costs more than it saves.
const compressMin = 1024

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// Compress gzips JSON (and other text) responses for clients that accept it.
// It holds back the first kilobyte to decide: small bodies go out as they are.
func Compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Vary"] = append(h["Vary"], "Accept-Encoding")
		if r.Method == http.MethodHead || !acceptsGzip(first(r.Header, "Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w}
		defer cw.finish()
		next.ServeHTTP(cw, r)
	})
}

func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(part, ";")
		if name = strings.TrimSpace(name); name != "gzip" && name != "*" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(params, "="); ok && strings.TrimSpace(k) == "q" {
			q, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		return q > 0
	}
	return false
}

func compressible(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json" || mt == "application/problem+json" ||
		strings.HasPrefix(mt, "text/") || mt == "application/javascript" || mt == "image/svg+xml"
}

type compressWriter struct {
	http.ResponseWriter
	status  int
	buf     []byte
	decided bool
	zw      *gzip.Writer
}

func (c *compressWriter) WriteHeader(status int) {
	if c.status == 0 && !c.decided {
		if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified {
			c.decided = true
			c.ResponseWriter.WriteHeader(status)
			return
		}
		c.status = status
	}
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if c.decided {
		if c.zw != nil {
			return c.zw.Write(b)
		}
		return c.ResponseWriter.Write(b)
	}
	c.buf = append(c.buf, b...)
	if len(c.buf) >= compressMin {
		if err := c.decide(true); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// decide sends the headers and whatever was held back, compressed when that pays.
func (c *compressWriter) decide(large bool) error {
	c.decided = true
	h := c.Header()
	if large && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		c.zw = gzipPool.Get().(*gzip.Writer)
		c.zw.Reset(c.ResponseWriter)
	}
	if c.status != 0 {
		c.ResponseWriter.WriteHeader(c.status)
	}
	buf := c.buf
	c.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if c.zw != nil {
		_, err = c.zw.Write(buf)
	} else {
		_, err = c.ResponseWriter.Write(buf)
	}
	return err
}

// Flush sends what is held back; a stream decides at its first flush.
func (c *compressWriter) Flush() {
	if !c.decided {
		_ = c.decide(len(c.buf) >= compressMin)
	}
	if c.zw != nil {
		_ = c.zw.Flush()
	}
	http.NewResponseController(c.ResponseWriter).Flush()
}

func (c *compressWriter) finish() {
	if !c.decided {
		_ = c.decide(false)
	}
	if c.zw != nil {
		_ = c.zw.Close()
		c.zw.Reset(nil)
		gzipPool.Put(c.zw)
		c.zw = nil
	}
}

// Unwrap gives http.ResponseController the writer underneath.
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
