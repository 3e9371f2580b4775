package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/app"
)

// database is one phase's fresh database.
type database struct {
	name    string // PostgreSQL's database name
	url     string // LYO_DATABASE_URL: empty for SQLite in dataDir
	dataDir string
	drop    func() error
}

// freshDatabase makes an empty database: a SQLite file in a new temporary
// directory, or a new PostgreSQL database created through the admin URL.
func freshDatabase(ctx context.Context, engine, adminURL string) (*database, error) {
	dir, err := os.MkdirTemp("", "lyo-ingest-*")
	if err != nil {
		return nil, err
	}
	db := &database{dataDir: dir, drop: func() error { return os.RemoveAll(dir) }}
	if engine == "sqlite" {
		return db, nil
	}
	var b [6]byte
	rand.Read(b[:])
	name := "lyo_bench_" + hex.EncodeToString(b[:])
	u, err := url.Parse(adminURL)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("-pg: %w", err)
	}
	u.Path, u.RawPath = "/"+name, ""
	if err := adminExec(ctx, adminURL, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	db.name, db.url = name, u.String()
	db.drop = func() error {
		// Not ctx: the drop must happen also when the run was interrupted.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return errors.Join(adminExec(dctx, adminURL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"), os.RemoveAll(dir))
	}
	return db, nil
}

func adminExec(ctx context.Context, adminURL, sql string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the PostgreSQL URL"
	}
	return u.Redacted()
}

// env is a node's whole configuration: nothing comes from the caller's
// environment, so a stray LYO_REDIS_URL cannot change what is measured.
func (db *database) env(addr string) func(string) string {
	m := map[string]string{
		"LYO_ENV":              "development",
		"LYO_DATA_DIR":         db.dataDir,
		"LYO_DATABASE_URL":     db.url,
		"LYO_HTTP_ADDR":        addr,
		"LYO_LOG_LEVEL":        "warn", // at info one access-log line per request would dominate
		"LYO_RATE_LIMIT":       "false",
		"LYO_ACCESS_TOKEN_TTL": "1h",
		// Setup speed only: the timed phases never hash a password.
		"LYO_PASSWORD_MEMORY_KIB": "64",
		"LYO_PASSWORD_ITERATIONS": "1",
	}
	return func(k string) string { return m[k] }
}

// node is a running `lyo serve` in this process.
type node struct {
	base string
	stop func() error
}

// startNode runs `lyo serve` on a free loopback port and waits for /readyz. Its
// goroutines carry the pprof label side=server (goroutines inherit labels), so
// a CPU profile tells server work from the load generator's.
func startNode(ctx context.Context, db *database, logs io.Writer) (*node, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go pprof.Do(sctx, pprof.Labels("side", "server"), func(sctx context.Context) {
		done <- app.Run(sctx, []string{"serve"}, db.env(addr), logs)
	})
	n := &node{base: "http://" + addr, stop: func() error { cancel(); return <-done }}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			cancel()
			return nil, fmt.Errorf("lyo serve stopped before it was ready: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		if resp, err := http.Get(n.base + "/readyz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			n.stop()
			return nil, fmt.Errorf("lyo serve was not ready after 30s")
		}
	}
}

// api is a JSON client of one node.
type api struct {
	base string
	hc   *http.Client
}

func (a api) call(ctx context.Context, method, path, token string, in, out any, wantStatus int) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != wantStatus {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

type tokenView struct {
	AccessToken string `json:"access_token"`
	User        struct {
		ID string `json:"id"`
	} `json:"user"`
}

// setUp migrates db, creates the creators with `lyo user create`, starts a node
// and creates the published items and the learners through its API.
func setUp(ctx context.Context, db *database, shape catalogueShape, creators, learners, clients int, logs io.Writer) (*node, phaseIDs, error) {
	var ids phaseIDs
	getenv := db.env("127.0.0.1:0")
	if err := app.Run(ctx, []string{"migrate", "up"}, getenv, io.Discard); err != nil {
		return nil, ids, fmt.Errorf("migrate up: %w", err)
	}
	const password = "bench creator password"
	for c := range creators {
		email := fmt.Sprintf("creator%d@bench.example.com", c)
		if err := app.Run(ctx, []string{"user", "create", "--email", email, "--password", password, "--role", "creator"}, getenv, io.Discard); err != nil {
			return nil, ids, fmt.Errorf("user create: %w", err)
		}
	}
	n, err := startNode(ctx, db, logs)
	if err != nil {
		return nil, ids, err
	}
	ok := false
	defer func() {
		if !ok {
			n.stop()
		}
	}()
	a := api{base: n.base, hc: &http.Client{Timeout: time.Minute}}
	creatorTokens := make([]string, creators)
	for c := range creators {
		var tk tokenView
		in := map[string]string{"email": fmt.Sprintf("creator%d@bench.example.com", c), "password": password}
		if err := a.call(ctx, "POST", "/api/v1/auth/login", "", in, &tk, http.StatusOK); err != nil {
			return nil, ids, err
		}
		creatorTokens[c] = tk.AccessToken
	}

	items := len(shape.durationMS)
	ids.itemIDs = make([]string, items)
	ids.choiceIDs = make([][]string, items)
	topics := []string{"algebra", "geometry", "calculus", "statistics", "physics", "chemistry", "biology", "astronomy", "history",
		"geography", "economics", "english", "french", "spanish", "music", "drawing", "programming", "databases", "networks", "philosophy"}
	createItem := func(ctx context.Context, i int) error {
		body := map[string]any{"kind": "video", "title": fmt.Sprintf("Lesson %d", i), "description": "A short lesson for the ingestion benchmark",
			"topics": []string{topics[i%len(topics)], topics[(i*7+3)%len(topics)]}, "difficulty": 1 + i%5, "language": "en",
			"duration_ms": shape.durationMS[i], "status": "published"}
		if k := shape.choices[i]; k > 0 {
			var choices []map[string]string
			for c := range k {
				choices = append(choices, map[string]string{"text": fmt.Sprint(c + 1)})
			}
			body["kind"] = "quiz"
			body["quiz"] = map[string]any{"questions": []map[string]any{{"prompt": "Which one?", "choices": choices, "answer": "1"}}}
		}
		var it struct {
			ID   string `json:"id"`
			Quiz *struct {
				Questions []struct {
					Choices []struct {
						ID string `json:"id"`
					} `json:"choices"`
				} `json:"questions"`
			} `json:"quiz"`
		}
		if err := a.call(ctx, "POST", "/api/v1/content", creatorTokens[i%creators], body, &it, http.StatusCreated); err != nil {
			return err
		}
		ids.itemIDs[i] = it.ID
		if it.Quiz != nil {
			for _, c := range it.Quiz.Questions[0].Choices {
				ids.choiceIDs[i] = append(ids.choiceIDs[i], c.ID)
			}
		}
		if len(ids.choiceIDs[i]) != shape.choices[i] {
			return fmt.Errorf("item %d has %d choices, want %d", i, len(ids.choiceIDs[i]), shape.choices[i])
		}
		return nil
	}
	// The first items, one after another, create every topic: on PostgreSQL two
	// concurrent creates that both add new topics, in different orders, can
	// deadlock (store/postgres setItemTopics inserts topics in the item's order).
	first := min(items, len(topics))
	for i := range first {
		if err := createItem(ctx, i); err != nil {
			return nil, ids, fmt.Errorf("create items: %w", err)
		}
	}
	if err := parallel(ctx, items-first, clients, func(ctx context.Context, i int) error { return createItem(ctx, first+i) }); err != nil {
		return nil, ids, fmt.Errorf("create items: %w", err)
	}
	ids.learnerIDs = make([]string, learners)
	ids.learnerTokens = make([]string, learners)
	err = parallel(ctx, learners, clients, func(ctx context.Context, l int) error {
		var tk tokenView
		in := map[string]string{"email": fmt.Sprintf("learner%d@bench.example.com", l), "password": "bench learner password"}
		if err := a.call(ctx, "POST", "/api/v1/auth/register", "", in, &tk, http.StatusCreated); err != nil {
			return err
		}
		ids.learnerIDs[l], ids.learnerTokens[l] = tk.User.ID, tk.AccessToken
		return nil
	})
	if err != nil {
		return nil, ids, fmt.Errorf("register learners: %w", err)
	}
	ok = true
	return n, ids, nil
}

// parallel runs f(0..n-1) on workers goroutines and returns the first error.
func parallel(ctx context.Context, n, workers int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range next {
				if err := f(ctx, i); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	for range workers {
		<-done
	}
	return context.Cause(ctx)
}

// logPath is where a phase's node logs go (warn and above).
func logPath(dir, phase string) string { return filepath.Join(dir, phase+".log") }
