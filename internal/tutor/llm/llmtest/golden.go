package llmtest

import _ "embed"

//go:embed testdata/gemini_stream.sse
var geminiGolden []byte

//go:embed testdata/openai_stream.sse
var openAIGolden []byte

// GeminiGolden is a documented streamGenerateContent response body: the chunks
// "Photosynthesis turns light", " into chemical energy stored", " in glucose.",
// 14 prompt tokens, 11 candidate and 20 thinking tokens, finish reason STOP.
func GeminiGolden() []byte { return StripComments(geminiGolden) }

// OpenAIGolden is a documented streamed chat completions body: the chunks
// "A fraction", " names parts", " of a whole.", 23 prompt and 9 completion
// tokens, finish reason stop.
func OpenAIGolden() []byte { return StripComments(openAIGolden) }
