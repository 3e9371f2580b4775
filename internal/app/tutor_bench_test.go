package app

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// benchTutor is a node on SQLite whose tutor streams from a Gemini fake,
// served on a loopback listener, with a learner signed in.
type benchTutor struct {
	fake  *llmtest.Gemini
	srv   *httptest.Server
	token string
	c     *client
}

func newBenchTutor(b *testing.B) *benchTutor {
	fake := llmtest.NewGemini(b)
	s := newTestServer(b, testEnv(b, "", map[string]string{"LYO_RATE_LIMIT": "false", "LYO_ACCESS_TOKEN_TTL": "24h",
		"GEMINI_API_KEY": "bench-key", "LYO_TUTOR_GEMINI_BASE_URL": fake.URL(), "LYO_TUTOR_DAILY_TOKENS": "0",
		"LYO_TUTOR_DAILY_COST_CAP": "0", "LYO_MAX_CONNS_PER_CLIENT": "1000"}))
	srv := httptest.NewServer(s.handler)
	b.Cleanup(srv.Close)
	c := newClient(b, s, nil)
	tk := c.register("bench@example.com", "bench password")
	return &benchTutor{fake: fake, srv: srv, token: tk.AccessToken, c: c.as(tk.AccessToken)}
}

// firstToken sends req and returns how long the first line starting with
// marker took to arrive; it reads the rest of the answer before returning.
func firstToken(client *http.Client, req *http.Request, marker string) (time.Duration, error) {
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	var first time.Duration
	for sc.Scan() {
		if first == 0 && strings.HasPrefix(sc.Text(), marker) {
			first = time.Since(start)
		}
	}
	if first == 0 {
		return 0, fmt.Errorf("no %q line", marker)
	}
	return first, sc.Err()
}

func (t *benchTutor) ask(client *http.Client, convID string) (time.Duration, error) {
	req, _ := http.NewRequest("POST", t.srv.URL+"/api/v1/tutor/conversations/"+convID+"/messages",
		strings.NewReader(`{"text": "What is a fraction?"}`))
	req.Header.Set("Authorization", "Bearer "+t.token)
	req.Header.Set("Content-Type", "application/json")
	return firstToken(client, req, "event: token")
}

// direct asks the fake itself, as the SDK would, for the fake's own time to
// its first chunk.
func (t *benchTutor) direct(client *http.Client) (time.Duration, error) {
	req, _ := http.NewRequest("POST", t.fake.URL()+"/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
		strings.NewReader(`{"contents": [{"role": "user", "parts": [{"text": "What is a fraction?"}]}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-goog-api-key", "bench-key")
	return firstToken(client, req, "data:")
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkTutorFirstToken is the time to the first token of an answer
// through Lyo (HTTP, authentication, the conversation's reads and writes on
// SQLite, the chain, the SDK, the event stream) beside the Gemini fake's own
// time to its first chunk asked directly, one request after the other; the
// difference is what Lyo adds. A new conversation every 20 questions keeps
// the context the size of a real one.
func BenchmarkTutorFirstToken(b *testing.B) {
	t := newBenchTutor(b)
	t.fake.Default(llmtest.Text("A fraction ", "names part of a whole."))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	var lyo, fake []time.Duration
	var conv conversation
	for i := 0; b.Loop(); i++ {
		if i%20 == 0 {
			conv = t.c.startConversation(map[string]any{})
		}
		d, err := t.ask(client, conv.ID)
		if err != nil {
			b.Fatal(err)
		}
		lyo = append(lyo, d)
		if d, err = t.direct(client); err != nil {
			b.Fatal(err)
		}
		fake = append(fake, d)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(lyo, 0.5)), "lyo-p50-ms")
	b.ReportMetric(ms(percentile(lyo, 0.99)), "lyo-p99-ms")
	b.ReportMetric(ms(percentile(fake, 0.5)), "fake-p50-ms")
	b.ReportMetric(ms(percentile(fake, 0.99)), "fake-p99-ms")
	b.ReportMetric(ms(percentile(lyo, 0.99)-percentile(fake, 0.99)), "overhead-p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkTutorConcurrentStreams runs rounds of 200 answers at once, each
// 20 chunks 5 ms apart, and reports the live heap after each round: flat
// across rounds means nothing a stream holds outlives it. peak-heap-MiB is
// the largest heap seen while the streams ran. The fake, the clients and the
// node share the process (and its heap), so the figures bound the node's.
func BenchmarkTutorConcurrentStreams(b *testing.B) {
	const streams = 200
	t := newBenchTutor(b)
	chunks := make([]string, 20)
	for i := range chunks {
		chunks[i] = fmt.Sprintf("chunk %d of the answer. ", i)
	}
	t.fake.Default(llmtest.Reply{Chunks: chunks, Delay: 5 * time.Millisecond})
	convs := make([]string, streams)
	for i := range convs {
		convs[i] = t.c.startConversation(map[string]any{}).ID
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams, MaxConnsPerHost: streams}}
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	var after []float64
	var peak float64
	var ttft []time.Duration
	var mu sync.Mutex
	for b.Loop() {
		var wg sync.WaitGroup
		stop := make(chan struct{})
		go func() { // sample the heap while the streams run
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					mu.Lock()
					peak = max(peak, float64(m.HeapAlloc)/(1<<20))
					mu.Unlock()
				}
			}
		}()
		for _, id := range convs {
			wg.Go(func() {
				d, err := t.ask(client, id)
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				ttft = append(ttft, d)
				mu.Unlock()
			})
		}
		wg.Wait()
		close(stop)
		client.CloseIdleConnections() // the test client's pool is not the node's memory
		after = append(after, heap())
	}
	// The fake keeps every request it was sent, bodies included: that much of
	// the heap's growth is the fake's, not the node's.
	var recorded int
	for _, r := range t.fake.Requests() {
		recorded += len(r.Body) + len(r.RawQuery) + len(r.Path)
	}
	b.ReportMetric(float64(recorded)/(1<<20), "fake-records-MiB")
	b.ReportMetric(after[0], "heap-first-MiB")
	b.ReportMetric(after[len(after)-1], "heap-last-MiB")
	b.ReportMetric(peak, "peak-heap-MiB")
	b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines-after")
	b.ReportMetric(float64(percentile(ttft, 0.99))/float64(time.Millisecond), "ttft-p99-ms")
}
