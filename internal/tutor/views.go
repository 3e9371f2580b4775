package tutor

import (
	"time"

	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// ConversationView is a conversation as the API shows it.
type ConversationView struct {
	ID        string        `json:"id"`
	ContentID *string       `json:"content_id"`
	SeriesID  *string       `json:"series_id"`
	Title     string        `json:"title"`
	Messages  int           `json:"message_count"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	Latest    []MessageView `json:"messages,omitempty"`
	// OlderCursor pages the messages before Latest (GET …/messages?cursor=).
	OlderCursor string `json:"older_cursor,omitempty"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// conversationView shows c; with messages (newest first, as stored), it shows
// them oldest first, the order a chat reads.
func conversationView(c Conversation, newestFirst []Message, older string) ConversationView {
	v := ConversationView{ID: c.ID, ContentID: optional(c.ContentID), SeriesID: optional(c.SeriesID), Title: c.Title,
		Messages: c.Messages, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, OlderCursor: older}
	if newestFirst != nil {
		v.Latest = make([]MessageView, len(newestFirst))
		for i, m := range newestFirst {
			v.Latest[len(newestFirst)-1-i] = messageView(m)
		}
	}
	return v
}

// MessageView is a message as the API shows it.
type MessageView struct {
	ID           string       `json:"id"`
	Role         string       `json:"role"`
	Text         string       `json:"text"`
	MediaIDs     []string     `json:"media_ids"`
	Status       Status       `json:"status"`
	Provider     string       `json:"provider,omitempty"`
	Model        string       `json:"model,omitempty"`
	Degraded     bool         `json:"degraded"`
	InputTokens  int          `json:"input_tokens"`
	OutputTokens int          `json:"output_tokens"`
	LatencyMS    int64        `json:"latency_ms"`
	Sources      []SourceView `json:"sources"`
	CreatedAt    time.Time    `json:"created_at"`
}

// SourceView is a catalogue item an answer cites.
type SourceView struct {
	ContentID string `json:"content_id"`
	Title     string `json:"title"`
	Snippet   string `json:"snippet"`
}

func sourceViews(s []llm.Source) []SourceView {
	out := make([]SourceView, len(s))
	for i, x := range s {
		out[i] = SourceView{ContentID: x.ContentID, Title: x.Title, Snippet: x.Snippet}
	}
	return out
}

func messageView(m Message) MessageView {
	media := m.MediaIDs
	if media == nil {
		media = []string{}
	}
	return MessageView{ID: m.ID, Role: m.Role, Text: m.Text, MediaIDs: media, Status: m.Status, Provider: m.Provider,
		Model: m.Model, Degraded: m.Degraded, InputTokens: m.InputTokens, OutputTokens: m.OutputTokens,
		LatencyMS: m.LatencyMS, Sources: sourceViews(m.Sources), CreatedAt: m.CreatedAt}
}
