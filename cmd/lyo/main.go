// Command lyo is the Lyo learning-platform backend: the API server and the tools
// that run beside it (migrations, configuration checks, feature flags).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/lyolearn/lyo/internal/app"
)

func main() {
	ctx, stop := app.SignalContext()
	err := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "lyo:", err)
		if errors.Is(err, app.ErrUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
