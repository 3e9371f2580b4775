package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/tutor"
	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// tutorModels is the provider of each task: one llm.Chain over the providers
// the configuration sets up, with a breaker per provider and model.
type tutorModels struct {
	chain *llm.Chain
	tasks map[string]bool // tasks with at least one provider
}

func (m tutorModels) Provider(task string) llm.Provider {
	if !m.tasks[task] {
		return nil
	}
	return m.chain
}

// newTutorModels builds each task's chain from its setting, in order. A
// provider the configuration does not set up (no key, no base URL) is
// skipped, and said so once in the log; a task left with nothing has no
// provider (chat always ends with the offline mode unless its chain says
// otherwise).
func newTutorModels(ctx context.Context, cfg *config.Config, offline *tutor.Offline, log *slog.Logger) (tutorModels, error) {
	t := cfg.Tutor
	available := map[string]llm.Provider{tutor.OfflineName: offline}
	gemini := t.GeminiAPIKey != "" || t.VertexProject != ""
	for name, model := range map[string]string{"gemini-flash": t.FastModel, "gemini-pro": t.StrongModel} {
		if !gemini || model == "" {
			continue
		}
		g, err := llm.NewGemini(ctx, llm.GeminiConfig{Name: "gemini", APIKey: t.GeminiAPIKey, Model: model, BaseURL: t.GeminiBaseURL,
			Vertex: t.VertexProject != "", Project: t.VertexProject, Location: t.VertexLocation})
		if err != nil {
			return tutorModels{}, fmt.Errorf("tutor %s: %w", name, err)
		}
		available[name] = g
	}
	if t.OpenAIBaseURL != "" && t.OpenAIModel != "" {
		o, err := llm.NewOpenAI(llm.OpenAIConfig{Name: "openai", BaseURL: t.OpenAIBaseURL, APIKey: t.OpenAIAPIKey, Model: t.OpenAIModel})
		if err != nil {
			return tutorModels{}, fmt.Errorf("tutor local model: %w", err)
		}
		available["local"] = o
	}
	tasks := map[string][]llm.Provider{}
	m := tutorModels{tasks: map[string]bool{}}
	for _, task := range config.TutorTasks {
		var skipped []string
		for _, name := range t.Chains[task] {
			if p := available[name]; p != nil {
				tasks[task] = append(tasks[task], p)
			} else {
				skipped = append(skipped, name)
			}
		}
		m.tasks[task] = len(tasks[task]) > 0
		if len(skipped) > 0 {
			log.Info("tutor providers not configured, skipped", "task", task, "skipped", skipped, "providers", len(tasks[task]))
		}
	}
	m.chain = llm.NewChain(llm.ChainConfig{Tasks: tasks, Idle: t.StreamIdle, Total: t.StreamTotal})
	return m, nil
}
