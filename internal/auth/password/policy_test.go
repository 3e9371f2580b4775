package password

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		password string
		want     error
	}{
		{"empty", "", ErrTooShort},
		{"7 characters", "abcdefg", ErrTooShort},
		{"8 characters", "abcdefgh", nil},
		{"128 characters", strings.Repeat("a", 128), nil},
		{"129 characters", strings.Repeat("a", 129), ErrTooLong},
		// Counted in characters, not bytes: 8 two-byte and 8 four-byte runes pass.
		{"8 accented", "éééééééé", nil},
		{"8 emoji", strings.Repeat("🔑", 8), nil},
		{"7 emoji (28 bytes)", strings.Repeat("🔑", 7), ErrTooShort},
		{"128 emoji (512 bytes)", strings.Repeat("🔑", 128), nil},
		{"129 kana", strings.Repeat("あ", 129), ErrTooLong},
		// No normalisation: "e" + combining acute is two characters.
		{"decomposed counts twice", strings.Repeat("e\u0301", 4), nil},
		{"spaces count", "        ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Validate(tt.password); !errors.Is(err, tt.want) {
				t.Errorf("Validate(%q) = %v, want %v", tt.password, err, tt.want)
			}
		})
	}
}

func TestPolicyMessages(t *testing.T) {
	for err, want := range map[error]string{
		ErrTooShort: "password must be at least 8 characters",
		ErrTooLong:  "password must be at most 128 characters",
	} {
		if err.Error() != want {
			t.Errorf("message = %q, want %q", err.Error(), want)
		}
	}
}
