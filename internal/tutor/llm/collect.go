package llm

import (
	"context"
	"errors"
	"io"
	"strings"
)

// Collect reads a stream to its end and closes it. On an error the text read so
// far comes back with it.
func Collect(s Stream) (string, Result, error) {
	defer s.Close()
	var b strings.Builder
	for {
		chunk, err := s.Next()
		if errors.Is(err, io.EOF) {
			return b.String(), s.Result(), nil
		}
		if err != nil {
			return b.String(), s.Result(), err
		}
		b.WriteString(chunk)
	}
}

// Generate asks p and waits for the whole answer: for structured tasks
// (tagging, quizzes, summaries) that are read only once complete.
func Generate(ctx context.Context, p Provider, req Request) (string, Result, error) {
	s, err := p.Stream(ctx, req)
	if err != nil {
		return "", Result{}, err
	}
	return Collect(s)
}
