package tutor

import "github.com/lyolearn/lyo/internal/tutor/llm"

func llmUsage(in, out int) llm.Usage { return llm.Usage{InputTokens: in, OutputTokens: out} }
