// Command bare is the baseline of bench/http-overhead.sh: GET /healthz answered by
// plain net/http with the body and Content-Type lyo's /healthz sends, and nothing
// else, so the difference between the two is what Lyo's middleware stack costs.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "address to listen on")
	flag.Parse()

	body := []byte(`{"status":"ok"}` + "\n")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
