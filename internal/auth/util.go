package auth

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/lyolearn/lyo/internal/auth/password"
	"github.com/lyolearn/lyo/internal/fault"
)

// invalid is a validation error on one field.
func invalid(field, msg string) error { return fault.Invalidf(field, "%s", msg) }

func validateCredentials(email, pw string) error {
	var bad fault.Invalid
	if !validEmail(email) {
		bad.Add("email", "not a valid email address")
	}
	if err := password.Validate(pw); err != nil {
		msg := "use 8 to 128 characters"
		if errors.Is(err, password.ErrTooShort) {
			msg = "too short: use at least 8 characters"
		} else if errors.Is(err, password.ErrTooLong) {
			msg = "too long: use at most 128 characters"
		}
		bad.Add("password", "%s", msg)
	}
	return bad.Err()
}

func toLowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func randomInt(n int64) int64 {
	v, _ := rand.Int(rand.Reader, big.NewInt(n))
	return v.Int64()
}
