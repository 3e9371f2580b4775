// Package fault is the vocabulary of errors the domains return. A domain declares
// sentinel kinds (content.ErrNotFound, auth.ErrForbidden, …); a service returns a
// kind, a *Error that refines a kind with a stable code and a message safe to show,
// or an *Invalid listing what is wrong with each field. Nothing here knows HTTP:
// each domain's Mount decides, in one table, which status a kind answers.
package fault

import (
	"fmt"
	"strings"
)

// Error is a domain error a client may read: Code is stable and snake_case,
// Message says what happened and what to do, and Kind is the sentinel whose
// mapping decides the response status.
type Error struct {
	Kind    error
	Code    string
	Message string
}

// New refines kind with a code and a message.
func New(kind error, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Message }

// Unwrap lets errors.Is find the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Field says what is wrong with one field of the input.
type Field struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Invalid is input that failed validation, one entry per bad field.
type Invalid struct {
	Fields []Field
}

// Invalidf is an Invalid with one field.
func Invalidf(field, format string, args ...any) *Invalid {
	return &Invalid{Fields: []Field{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// Add records what is wrong with a field.
func (v *Invalid) Add(field, format string, args ...any) {
	v.Fields = append(v.Fields, Field{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err is v as an error, or nil when no field was added.
func (v *Invalid) Err() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

func (v *Invalid) Error() string {
	parts := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}
