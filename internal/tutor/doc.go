// Package tutor answers learners' questions about what they study: conversations
// that last (a rolling summary and the most recent turns), answers streamed as
// server-sent events, quotas on tokens and cost, and the catalogue's AI tags.
//
// Models are reached through package llm, a chain per task. When no model is
// configured, or every model in a chain fails, the Offline provider answers:
// it searches Lyo's own catalogue for the question's words and returns the
// matching lessons with snippets and links, marked degraded. It never writes an
// answer of its own, so it never invents content.
package tutor
