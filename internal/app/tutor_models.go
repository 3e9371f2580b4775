package app

import (
	"log/slog"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/tutor"
	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// newTutorModels builds each task's provider from its chain setting. A
// provider the configuration does not set up is skipped; a task left with
// nothing has no provider.
func newTutorModels(cfg *config.Config, offline *tutor.Offline, log *slog.Logger) (tutorModels, error) {
	models := tutorModels{}
	for _, task := range config.TutorTasks {
		var chain []llm.Provider
		for _, name := range cfg.Tutor.Chains[task] {
			if name == tutor.OfflineName {
				chain = append(chain, offline)
			}
		}
		if len(chain) > 0 {
			models[task] = chain[0]
		}
	}
	return models, nil
}
