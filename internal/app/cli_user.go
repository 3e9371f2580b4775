package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/obs"
)

// cliServer wires a node's services for a command-line tool, without listening.
func cliServer(ctx context.Context, getenv func(string) string, stdout io.Writer) (*server, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, err
	}
	return newServer(ctx, cfg, obs.NewLogger(stdout, "warn", cfg.LogFormat), true, time.Now)
}

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	const usage = "lyo user create --email E [--password P | --password-stdin] [--role R] | lyo user token --id ID"
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", ErrUsage, usage)
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "email of the new account")
	pw := fs.String("password", "", "password (prefer --password-stdin: arguments show in ps)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	role := fs.String("role", "learner", "learner, creator, moderator or admin")
	username := fs.String("username", "", "username (derived from the email when absent)")
	userID := fs.String("id", "", "user id")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v; %s", ErrUsage, err, usage)
	}
	switch args[0] {
	case "create":
		if *email == "" || (*pw == "") == !*pwStdin {
			return fmt.Errorf("%w: give --email and exactly one of --password or --password-stdin", ErrUsage)
		}
		if *pwStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("read password from stdin: %w", err)
			}
			*pw = strings.TrimRight(line, "\r\n")
		}
		s, err := cliServer(ctx, getenv, stdout)
		if err != nil {
			return err
		}
		defer s.close()
		u, err := s.auth.CreateUser(ctx, *email, *pw, *username, access.Role(*role))
		if err != nil {
			return describe(err)
		}
		if err := s.auth.Record(ctx, "cli", "user.create", u.ID, map[string]any{"role": u.Role}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s %s (%s) with role %s\n", u.ID, u.Email, u.Username, u.Role)
		return nil
	case "token":
		if *userID == "" {
			return fmt.Errorf("%w: give --id", ErrUsage)
		}
		s, err := cliServer(ctx, getenv, stdout)
		if err != nil {
			return err
		}
		defer s.close()
		tok, _, err := s.auth.AccessToken(ctx, *userID)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(stdout, tok)
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUsage, usage)
}

// describe turns a validation error into the sentence an operator needs.
func describe(err error) error {
	var he *httpx.Error
	if !errors.As(err, &he) || len(he.Fields) == 0 {
		return err
	}
	parts := make([]string, 0, len(he.Fields))
	for _, f := range he.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return errors.New(strings.Join(parts, "; "))
}
