package tutor

import (
	"context"
	"time"
)

// Store is what the tutor needs from the database. Both engines implement it.
type Store interface {
	CreateConversation(ctx context.Context, c Conversation) error
	// ConversationByID returns any conversation with its message count;
	// ErrNotFound when absent.
	ConversationByID(ctx context.Context, id string) (Conversation, error)
	// ListConversations pages a learner's conversations, most recently
	// created first, before the ID beforeID ("" from the start).
	ListConversations(ctx context.Context, userID, beforeID string, limit int) ([]Conversation, error)
	// DeleteConversation removes a conversation and its messages.
	DeleteConversation(ctx context.Context, id string) error
	// SetSummary replaces the rolling summary, which now covers the messages
	// up to and including throughID.
	SetSummary(ctx context.Context, id, summary, throughID string, now time.Time) error

	// AddMessage stores a message and moves the conversation's updated_at;
	// ErrNotFound when the conversation is gone.
	AddMessage(ctx context.Context, m Message) error
	// Messages pages a conversation's messages newest first, before the ID
	// beforeID ("" from the newest).
	Messages(ctx context.Context, conversationID, beforeID string, limit int) ([]Message, error)
	// MessagesBetween returns the messages after afterID ("" from the first)
	// up to and including throughID, oldest first, at most limit.
	MessagesBetween(ctx context.Context, conversationID, afterID, throughID string, limit int) ([]Message, error)

	// AddUsage adds tokens and cost to a learner's day.
	AddUsage(ctx context.Context, userID, day string, tokens, costMicros int64) error
	// UsageOf is a learner's day; zero when nothing was spent.
	UsageOf(ctx context.Context, userID, day string) (Usage, error)
	// DeploymentCost is what every learner spent on a day, in micro-dollars.
	DeploymentCost(ctx context.Context, day string) (int64, error)

	// CachedAnswer returns the stored answer of a deterministic prompt by its
	// key; ok is false when none is stored.
	CachedAnswer(ctx context.Context, key string) (answer string, ok bool, err error)
	CacheAnswer(ctx context.Context, key, answer string, now time.Time) error

	// TagsOf returns an item's stored tags; ErrNotFound when it has none.
	TagsOf(ctx context.Context, itemID string) (Tags, error)
	// PutTags stores (or replaces) an item's tags.
	PutTags(ctx context.Context, t Tags) error

	// ItemsToTag returns published items never tagged, or changed since they
	// were (updated after their tags), oldest change first, at most limit.
	ItemsToTag(ctx context.Context, limit int) ([]TagSource, error)
	// ItemToTag returns one item's texts; ErrNotFound when it is gone or not
	// published.
	ItemToTag(ctx context.Context, itemID string) (TagSource, error)
	// DocumentFrequencies counts, for each folded word, the published items
	// whose text holds it, and the published items in all.
	DocumentFrequencies(ctx context.Context, words []string) (map[string]int, int, error)

	// DeleteUserTutorData removes a learner's conversations, messages and usage.
	DeleteUserTutorData(ctx context.Context, userID string) error
}
