package app

import (
	"fmt"

	"github.com/lyolearn/lyo/internal/auth/password"
	"github.com/lyolearn/lyo/internal/config"
)

// Settings the server's wiring and the command-line tools read alike.

// passwordParams are the Argon2id parameters new password hashes are made with.
func passwordParams(cfg *config.Config) (password.Params, error) {
	params := password.Default
	params.Memory, params.Time = cfg.PasswordMemoryKiB, cfg.PasswordIterations
	if err := params.Validate(); err != nil {
		return password.Params{}, fmt.Errorf("LYO_PASSWORD_MEMORY_KIB: %w", err)
	}
	return params, nil
}
