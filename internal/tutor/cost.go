package tutor

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// Price is what a model costs, in millionths of a US dollar per million
// tokens (which is also dollars per token, times a million squared).
type Price struct {
	InputMicros  int64 // per million input tokens
	OutputMicros int64 // per million output tokens
}

// Cost is the estimated cost of usage on a model, in micro-dollars, rounded up
// so a deployment's cap is never passed by rounding.
func (p Price) Cost(u llm.Usage) int64 {
	n := int64(u.InputTokens)*p.InputMicros + int64(u.OutputTokens)*p.OutputMicros
	return (n + 999_999) / 1_000_000
}

// charged is what an answer counts against the learner's quota and the
// deployment's cap. Providers report usage with their last chunk, so an answer
// cut short (the client left, a limit struck, the model failed) often comes
// with none; what the model was sent and what it streamed are then estimated,
// so leaving mid-answer is no way around either limit.
func charged(u llm.Usage, req llm.Request, streamed string) llm.Usage {
	if u.InputTokens == 0 {
		u.InputTokens = promptTokens(req)
	}
	if u.OutputTokens == 0 && streamed != "" {
		u.OutputTokens = estimateTokens(streamed)
	}
	return u
}

// imageTokens is what Gemini counts for an image of up to 384 pixels a side;
// larger ones count as several such tiles, so this is the least an image costs.
const imageTokens = 258

// promptTokens estimates the tokens of what a model was sent.
func promptTokens(req llm.Request) int {
	n := estimateTokens(req.System)
	for _, m := range req.Messages {
		for _, p := range m.Parts {
			if p.IsImage() {
				n += imageTokens
			} else {
				n += estimateTokens(p.Text)
			}
		}
	}
	return n
}

// ParsePrices reads "model=input/output,…" in US dollars per million tokens,
// e.g. "gemini-2.5-flash=0.30/2.50".
func ParsePrices(s string) (map[string]Price, error) {
	out := map[string]Price{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		model, rest, ok := strings.Cut(item, "=")
		in, outp, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 || strings.TrimSpace(model) == "" {
			return nil, fmt.Errorf("%q: want model=input/output in dollars per million tokens", item)
		}
		pi, err1 := Dollars(in)
		po, err2 := Dollars(outp)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%q: prices must be non-negative numbers of dollars", item)
		}
		out[strings.TrimSpace(model)] = Price{InputMicros: pi, OutputMicros: po}
	}
	return out, nil
}

// Dollars reads a non-negative amount of US dollars as micro-dollars.
func Dollars(s string) (int64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e9 {
		return 0, fmt.Errorf("%q is not an amount of dollars", s)
	}
	return int64(f*1e6 + 0.5), nil
}

// DefaultPrices are list prices of the models Lyo names by default; a setting
// replaces them. A model without a price costs nothing in the estimate.
var DefaultPrices = map[string]Price{
	"gemini-2.5-flash": {InputMicros: 300_000, OutputMicros: 2_500_000},
	"gemini-2.5-pro":   {InputMicros: 1_250_000, OutputMicros: 10_000_000},
}
