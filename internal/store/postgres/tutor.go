package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lyolearn/lyo/internal/tutor"
	"github.com/lyolearn/lyo/internal/tutor/llm"
)

var _ tutor.Store = (*DB)(nil)

const conversationColumns = `id, user_id, content_id, series_id, title, summary, summary_through, created_at, updated_at`

// selectConversations reads conversations (as c) with their message counts.
// The count is of the rows themselves, never a counter kept beside them that
// a path adding or removing messages could forget; the index on
// (conversation_id, id) makes it a range count, over a page of at most a
// list's limit.
const selectConversations = `SELECT c.id, c.user_id, c.content_id, c.series_id, c.title, c.summary, c.summary_through,
	(SELECT count(*) FROM tutor_messages m WHERE m.conversation_id = c.id), c.created_at, c.updated_at
	FROM tutor_conversations c`

func scanConversation(r pgx.Row) (tutor.Conversation, error) {
	var c tutor.Conversation
	err := r.Scan(&c.ID, &c.UserID, &c.ContentID, &c.SeriesID, &c.Title, &c.Summary, &c.SummaryThrough,
		&c.Messages, &c.CreatedAt, &c.UpdatedAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// CreateConversation inserts a conversation without messages.
func (db *DB) CreateConversation(ctx context.Context, c tutor.Conversation) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO tutor_conversations (`+conversationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, c.UserID, c.ContentID, c.SeriesID, c.Title, c.Summary,
		c.SummaryThrough, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create conversation: %w", err)
	}
	return nil
}

// ConversationByID returns one conversation.
func (db *DB) ConversationByID(ctx context.Context, id string) (tutor.Conversation, error) {
	c, err := scanConversation(db.pool.QueryRow(ctx, selectConversations+` WHERE c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return tutor.Conversation{}, fmt.Errorf("conversation %s: %w", id, tutor.ErrNotFound)
	}
	if err != nil {
		return tutor.Conversation{}, fmt.Errorf("conversation %s: %w", id, err)
	}
	return c, nil
}

// ListConversations pages a learner's conversations newest first.
func (db *DB) ListConversations(ctx context.Context, userID, beforeID string, limit int) ([]tutor.Conversation, error) {
	rows, err := db.pool.Query(ctx, selectConversations+`
		WHERE c.user_id = $1 AND ($2 = '' OR c.id < $2) ORDER BY c.id DESC LIMIT $3`, userID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tutor.Conversation, error) { return scanConversation(r) })
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	if out == nil {
		out = []tutor.Conversation{}
	}
	return out, nil
}

// DeleteConversation removes a conversation; its messages go with it.
func (db *DB) DeleteConversation(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM tutor_conversations WHERE id = $1`, id)
	return tutorOneRow(tag, err, "delete conversation "+id)
}

// SetSummary replaces the rolling summary.
func (db *DB) SetSummary(ctx context.Context, id, summary, throughID string, now time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE tutor_conversations SET summary = $1, summary_through = $2, updated_at = $3
		WHERE id = $4`, summary, throughID, now, id)
	return tutorOneRow(tag, err, "summarise conversation "+id)
}

func tutorOneRow(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, tutor.ErrNotFound)
	}
	return nil
}

const messageColumns = `id, conversation_id, user_id, role, text, media_ids, input_tokens, output_tokens, cost_micros,
	provider, model, latency_ms, status, degraded, sources, created_at`

// sourceJSON is a cited item as both engines store it.
type sourceJSON struct {
	ContentID string `json:"content_id"`
	Title     string `json:"title"`
	Snippet   string `json:"snippet"`
}

func scanMessage(r pgx.Row) (tutor.Message, error) {
	var m tutor.Message
	var status string
	var src []sourceJSON
	if err := r.Scan(&m.ID, &m.ConversationID, &m.UserID, &m.Role, &m.Text, &m.MediaIDs, &m.InputTokens, &m.OutputTokens,
		&m.CostMicros, &m.Provider, &m.Model, &m.LatencyMS, &status, &m.Degraded, &src, &m.CreatedAt); err != nil {
		return tutor.Message{}, err
	}
	m.Status, m.CreatedAt = tutor.Status(status), m.CreatedAt.UTC()
	if len(m.MediaIDs) == 0 {
		m.MediaIDs = nil
	}
	for _, s := range src {
		m.Sources = append(m.Sources, llm.Source{ContentID: s.ContentID, Title: s.Title, Snippet: s.Snippet})
	}
	return m, nil
}

func sourcesJSON(s []llm.Source) []sourceJSON {
	out := make([]sourceJSON, len(s))
	for i, x := range s {
		out[i] = sourceJSON{x.ContentID, x.Title, x.Snippet}
	}
	return out
}

func listOrEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// AddMessage stores a message and moves its conversation's updated_at, in one
// transaction.
func (db *DB) AddMessage(ctx context.Context, m tutor.Message) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tutor_conversations SET updated_at = $1 WHERE id = $2`,
			m.CreatedAt, m.ConversationID)
		if err := tutorOneRow(tag, err, "add message to "+m.ConversationID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tutor_messages (`+messageColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			m.ID, m.ConversationID, m.UserID, m.Role, m.Text, listOrEmpty(m.MediaIDs), m.InputTokens, m.OutputTokens,
			m.CostMicros, m.Provider, m.Model, m.LatencyMS, string(m.Status), m.Degraded, sourcesJSON(m.Sources),
			m.CreatedAt); err != nil {
			return fmt.Errorf("add message: %w", err)
		}
		return nil
	})
}

// Messages pages a conversation's messages newest first.
func (db *DB) Messages(ctx context.Context, conversationID, beforeID string, limit int) ([]tutor.Message, error) {
	return db.tutorMessages(ctx, `SELECT `+messageColumns+` FROM tutor_messages
		WHERE conversation_id = $1 AND ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3`, conversationID, beforeID, limit)
}

// MessagesBetween returns messages after afterID through throughID, oldest first.
func (db *DB) MessagesBetween(ctx context.Context, conversationID, afterID, throughID string, limit int) ([]tutor.Message, error) {
	return db.tutorMessages(ctx, `SELECT `+messageColumns+` FROM tutor_messages
		WHERE conversation_id = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $4`, conversationID, afterID, throughID, limit)
}

func (db *DB) tutorMessages(ctx context.Context, q string, args ...any) ([]tutor.Message, error) {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tutor.Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	if out == nil {
		out = []tutor.Message{}
	}
	return out, nil
}

// AddUsage adds to a learner's day.
func (db *DB) AddUsage(ctx context.Context, userID, day string, tokens, costMicros int64) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO tutor_usage (user_id, day, tokens, cost_micros) VALUES ($1, $2::date, $3, $4)
		ON CONFLICT (user_id, day) DO UPDATE SET tokens = tutor_usage.tokens + excluded.tokens,
			cost_micros = tutor_usage.cost_micros + excluded.cost_micros`, userID, day, tokens, costMicros)
	if err != nil {
		return fmt.Errorf("add usage: %w", err)
	}
	return nil
}

// UsageOf is a learner's day.
func (db *DB) UsageOf(ctx context.Context, userID, day string) (tutor.Usage, error) {
	u := tutor.Usage{Day: day}
	err := db.pool.QueryRow(ctx, `SELECT tokens, cost_micros FROM tutor_usage WHERE user_id = $1 AND day = $2::date`,
		userID, day).Scan(&u.Tokens, &u.CostMicros)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return tutor.Usage{}, fmt.Errorf("usage: %w", err)
	}
	return u, nil
}

// DeploymentCost sums every learner's cost on a day.
func (db *DB) DeploymentCost(ctx context.Context, day string) (int64, error) {
	var cost int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(sum(cost_micros), 0)::bigint FROM tutor_usage WHERE day = $1::date`, day).Scan(&cost); err != nil {
		return 0, fmt.Errorf("deployment cost: %w", err)
	}
	return cost, nil
}

// CachedAnswer reads a deterministic prompt's stored answer.
func (db *DB) CachedAnswer(ctx context.Context, key string) (string, bool, error) {
	var answer string
	err := db.pool.QueryRow(ctx, `SELECT answer FROM tutor_cache WHERE key = $1`, key).Scan(&answer)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("cached answer: %w", err)
	}
	return answer, true, nil
}

// CacheAnswer stores a deterministic prompt's answer; the first one stays.
func (db *DB) CacheAnswer(ctx context.Context, key, answer string, now time.Time) error {
	if _, err := db.pool.Exec(ctx, `INSERT INTO tutor_cache (key, answer, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO NOTHING`, key, answer, now); err != nil {
		return fmt.Errorf("cache answer: %w", err)
	}
	return nil
}

// TagsOf reads an item's tags.
func (db *DB) TagsOf(ctx context.Context, itemID string) (tutor.Tags, error) {
	t := tutor.Tags{ItemID: itemID}
	var quiz []byte
	err := db.pool.QueryRow(ctx, `SELECT content_hash, topics, difficulty, summary, quiz, method, provider, model, created_at
		FROM tutor_item_tags WHERE item_id = $1`, itemID).Scan(&t.ContentHash, &t.Topics, &t.Difficulty, &t.Summary, &quiz,
		&t.Method, &t.Provider, &t.Model, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return tutor.Tags{}, fmt.Errorf("tags of %s: %w", itemID, tutor.ErrNotFound)
	}
	if err != nil {
		return tutor.Tags{}, fmt.Errorf("tags of %s: %w", itemID, err)
	}
	if len(t.Topics) == 0 {
		t.Topics = nil
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if err := json.Unmarshal(quiz, &t.Quiz); err != nil {
		return tutor.Tags{}, fmt.Errorf("tags of %s: %w", itemID, err)
	}
	return t, nil
}

// PutTags stores an item's tags, replacing older ones; an item deleted
// meanwhile is not an error.
func (db *DB) PutTags(ctx context.Context, t tutor.Tags) error {
	quiz := t.Quiz
	if quiz == nil {
		quiz = []tutor.QuizQuestion{}
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO tutor_item_tags
		(item_id, content_hash, topics, difficulty, summary, quiz, method, provider, model, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE EXISTS (SELECT 1 FROM items WHERE id = $1)
		ON CONFLICT (item_id) DO UPDATE SET content_hash = excluded.content_hash, topics = excluded.topics,
			difficulty = excluded.difficulty, summary = excluded.summary, quiz = excluded.quiz, method = excluded.method,
			provider = excluded.provider, model = excluded.model, created_at = excluded.created_at`,
		t.ItemID, t.ContentHash, listOrEmpty(t.Topics), t.Difficulty, t.Summary, quiz, t.Method, t.Provider, t.Model, t.CreatedAt)
	if err != nil {
		return fmt.Errorf("put tags: %w", err)
	}
	return nil
}

// DeleteUserTutorData removes a learner's conversations (and messages) and usage.
func (db *DB) DeleteUserTutorData(ctx context.Context, userID string) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, q := range []string{`DELETE FROM tutor_messages WHERE user_id = $1`, `DELETE FROM tutor_conversations WHERE user_id = $1`,
			`DELETE FROM tutor_usage WHERE user_id = $1`} {
			if _, err := tx.Exec(ctx, q, userID); err != nil {
				return fmt.Errorf("delete tutor data of %s: %w", userID, err)
			}
		}
		return nil
	})
}

const tagSourceColumns = `i.id, i.title, i.description, i.body, i.transcript, i.language,
	coalesce((SELECT array_agg(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id), '{}')`

func scanTagSource(r pgx.Row) (tutor.TagSource, error) {
	var s tutor.TagSource
	err := r.Scan(&s.ItemID, &s.Title, &s.Description, &s.Body, &s.Transcript, &s.Language, &s.Topics)
	if len(s.Topics) == 0 {
		s.Topics = nil
	}
	return s, err
}

// ItemsToTag returns published items without tags or changed since.
func (db *DB) ItemsToTag(ctx context.Context, limit int) ([]tutor.TagSource, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+tagSourceColumns+` FROM items i
		LEFT JOIN tutor_item_tags g ON g.item_id = i.id
		WHERE i.status = 'published' AND (g.item_id IS NULL OR g.created_at < i.updated_at)
		ORDER BY i.updated_at, i.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("items to tag: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tutor.TagSource, error) { return scanTagSource(r) })
	if err != nil {
		return nil, fmt.Errorf("items to tag: %w", err)
	}
	return out, nil
}

// ItemToTag returns one published item's texts.
func (db *DB) ItemToTag(ctx context.Context, itemID string) (tutor.TagSource, error) {
	s, err := scanTagSource(db.pool.QueryRow(ctx, `SELECT `+tagSourceColumns+` FROM items i
		WHERE i.id = $1 AND i.status = 'published'`, itemID))
	if errors.Is(err, pgx.ErrNoRows) {
		return tutor.TagSource{}, fmt.Errorf("item %s: %w", itemID, tutor.ErrNotFound)
	}
	if err != nil {
		return tutor.TagSource{}, fmt.Errorf("item %s: %w", itemID, err)
	}
	return s, nil
}

// DocumentFrequencies counts published items matching each word through the
// search index, with the same configuration the search uses.
func (db *DB) DocumentFrequencies(ctx context.Context, words []string) (map[string]int, int, error) {
	out := make(map[string]int, len(words))
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM items WHERE status = 'published'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("document frequencies: %w", err)
	}
	if len(words) == 0 {
		return out, total, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT w, (SELECT count(*) FROM items i WHERE i.status = 'published'
			AND i.search @@ plainto_tsquery('lyo_search', w))
		FROM unnest($1::text[]) AS w`, words)
	if err != nil {
		return nil, 0, fmt.Errorf("document frequencies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w string
		var n int
		if err := rows.Scan(&w, &n); err != nil {
			return nil, 0, fmt.Errorf("document frequencies: %w", err)
		}
		out[w] = n
	}
	return out, total, rows.Err()
}
