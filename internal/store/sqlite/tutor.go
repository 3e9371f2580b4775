package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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

func scanConversation(r scanner) (tutor.Conversation, error) {
	var c tutor.Conversation
	var created, updated string
	if err := r.Scan(&c.ID, &c.UserID, &c.ContentID, &c.SeriesID, &c.Title, &c.Summary, &c.SummaryThrough,
		&c.Messages, &created, &updated); err != nil {
		return tutor.Conversation{}, err
	}
	return c, errors.Join(parseInto(&c.CreatedAt, created), parseInto(&c.UpdatedAt, updated))
}

// CreateConversation inserts a conversation without messages.
func (db *DB) CreateConversation(ctx context.Context, c tutor.Conversation) error {
	_, err := db.writer.ExecContext(ctx, `INSERT INTO tutor_conversations (`+conversationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.UserID, c.ContentID, c.SeriesID, c.Title, c.Summary,
		c.SummaryThrough, formatTime(c.CreatedAt), formatTime(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create conversation: %w", err)
	}
	return nil
}

// ConversationByID returns one conversation.
func (db *DB) ConversationByID(ctx context.Context, id string) (tutor.Conversation, error) {
	c, err := scanConversation(db.reader.QueryRowContext(ctx, selectConversations+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return tutor.Conversation{}, fmt.Errorf("conversation %s: %w", id, tutor.ErrNotFound)
	}
	if err != nil {
		return tutor.Conversation{}, fmt.Errorf("conversation %s: %w", id, err)
	}
	return c, nil
}

// ListConversations pages a learner's conversations newest first.
func (db *DB) ListConversations(ctx context.Context, userID, beforeID string, limit int) ([]tutor.Conversation, error) {
	rows, err := db.reader.QueryContext(ctx, selectConversations+`
		WHERE c.user_id = ? AND (? = '' OR c.id < ?) ORDER BY c.id DESC LIMIT ?`, userID, beforeID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	out := []tutor.Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("list conversations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return out, nil
}

// DeleteConversation removes a conversation; its messages go with it.
func (db *DB) DeleteConversation(ctx context.Context, id string) error {
	res, err := db.writer.ExecContext(ctx, `DELETE FROM tutor_conversations WHERE id = ?`, id)
	return tutorOneRow(res, err, "delete conversation "+id)
}

// SetSummary replaces the rolling summary.
func (db *DB) SetSummary(ctx context.Context, id, summary, throughID string, now time.Time) error {
	res, err := db.writer.ExecContext(ctx, `UPDATE tutor_conversations SET summary = ?, summary_through = ?, updated_at = ?
		WHERE id = ?`, summary, throughID, formatTime(now), id)
	return tutorOneRow(res, err, "summarise conversation "+id)
}

func tutorOneRow(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", what, tutor.ErrNotFound)
	}
	return nil
}

const messageColumns = `id, conversation_id, user_id, role, text, media_ids, input_tokens, output_tokens, cost_micros,
	provider, model, latency_ms, status, degraded, sources, created_at`

func scanMessage(r scanner) (tutor.Message, error) {
	var m tutor.Message
	var media, sources, created, status string
	if err := r.Scan(&m.ID, &m.ConversationID, &m.UserID, &m.Role, &m.Text, &media, &m.InputTokens, &m.OutputTokens,
		&m.CostMicros, &m.Provider, &m.Model, &m.LatencyMS, &status, &m.Degraded, &sources, &created); err != nil {
		return tutor.Message{}, err
	}
	m.Status = tutor.Status(status)
	var src []sourceJSON
	if err := json.Unmarshal([]byte(sources), &src); err != nil {
		return tutor.Message{}, fmt.Errorf("sources of %s: %w", m.ID, err)
	}
	m.Sources = sourcesFromJSON(src)
	return m, errors.Join(unmarshalList(&m.MediaIDs, media), parseInto(&m.CreatedAt, created))
}

// sourceJSON is a cited item as both engines store it.
type sourceJSON struct {
	ContentID string `json:"content_id"`
	Title     string `json:"title"`
	Snippet   string `json:"snippet"`
}

func sourcesJSON(s []llm.Source) string {
	out := make([]sourceJSON, len(s))
	for i, x := range s {
		out[i] = sourceJSON{x.ContentID, x.Title, x.Snippet}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func sourcesFromJSON(s []sourceJSON) []llm.Source {
	if len(s) == 0 {
		return nil
	}
	out := make([]llm.Source, len(s))
	for i, x := range s {
		out[i] = llm.Source{ContentID: x.ContentID, Title: x.Title, Snippet: x.Snippet}
	}
	return out
}

func listJSON(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// AddMessage stores a message and moves its conversation's updated_at, in one
// transaction.
func (db *DB) AddMessage(ctx context.Context, m tutor.Message) (err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add message: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	res, err := tx.ExecContext(ctx, `UPDATE tutor_conversations SET updated_at = ? WHERE id = ?`,
		formatTime(m.CreatedAt), m.ConversationID)
	if err = tutorOneRow(res, err, "add message to "+m.ConversationID); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO tutor_messages (`+messageColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.ConversationID, m.UserID, m.Role, m.Text, listJSON(m.MediaIDs), m.InputTokens, m.OutputTokens,
		m.CostMicros, m.Provider, m.Model, m.LatencyMS, string(m.Status), m.Degraded, sourcesJSON(m.Sources),
		formatTime(m.CreatedAt)); err != nil {
		return fmt.Errorf("add message: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("add message: %w", err)
	}
	return nil
}

// Messages pages a conversation's messages newest first.
func (db *DB) Messages(ctx context.Context, conversationID, beforeID string, limit int) ([]tutor.Message, error) {
	return db.messages(ctx, `SELECT `+messageColumns+` FROM tutor_messages
		WHERE conversation_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?`, conversationID, beforeID, beforeID, limit)
}

// MessagesBetween returns messages after afterID through throughID, oldest first.
func (db *DB) MessagesBetween(ctx context.Context, conversationID, afterID, throughID string, limit int) ([]tutor.Message, error) {
	return db.messages(ctx, `SELECT `+messageColumns+` FROM tutor_messages
		WHERE conversation_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?`, conversationID, afterID, throughID, limit)
}

func (db *DB) messages(ctx context.Context, q string, args ...any) ([]tutor.Message, error) {
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	defer rows.Close()
	out := []tutor.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return out, nil
}

// AddUsage adds to a learner's day.
func (db *DB) AddUsage(ctx context.Context, userID, day string, tokens, costMicros int64) error {
	_, err := db.writer.ExecContext(ctx, `INSERT INTO tutor_usage (user_id, day, tokens, cost_micros) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, day) DO UPDATE SET tokens = tokens + excluded.tokens, cost_micros = cost_micros + excluded.cost_micros`,
		userID, day, tokens, costMicros)
	if err != nil {
		return fmt.Errorf("add usage: %w", err)
	}
	return nil
}

// UsageOf is a learner's day.
func (db *DB) UsageOf(ctx context.Context, userID, day string) (tutor.Usage, error) {
	u := tutor.Usage{Day: day}
	err := db.reader.QueryRowContext(ctx, `SELECT tokens, cost_micros FROM tutor_usage WHERE user_id = ? AND day = ?`,
		userID, day).Scan(&u.Tokens, &u.CostMicros)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return tutor.Usage{}, fmt.Errorf("usage: %w", err)
	}
	return u, nil
}

// DeploymentCost sums every learner's cost on a day.
func (db *DB) DeploymentCost(ctx context.Context, day string) (int64, error) {
	var cost int64
	if err := db.reader.QueryRowContext(ctx, `SELECT coalesce(sum(cost_micros), 0) FROM tutor_usage WHERE day = ?`, day).Scan(&cost); err != nil {
		return 0, fmt.Errorf("deployment cost: %w", err)
	}
	return cost, nil
}

// CachedAnswer reads a deterministic prompt's stored answer.
func (db *DB) CachedAnswer(ctx context.Context, key string) (string, bool, error) {
	var answer string
	err := db.reader.QueryRowContext(ctx, `SELECT answer FROM tutor_cache WHERE key = ?`, key).Scan(&answer)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("cached answer: %w", err)
	}
	return answer, true, nil
}

// CacheAnswer stores a deterministic prompt's answer; the first one stays.
func (db *DB) CacheAnswer(ctx context.Context, key, answer string, now time.Time) error {
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO tutor_cache (key, answer, created_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, key, answer, formatTime(now)); err != nil {
		return fmt.Errorf("cache answer: %w", err)
	}
	return nil
}

// TagsOf reads an item's tags.
func (db *DB) TagsOf(ctx context.Context, itemID string) (tutor.Tags, error) {
	t := tutor.Tags{ItemID: itemID}
	var topics, quiz, created string
	err := db.reader.QueryRowContext(ctx, `SELECT content_hash, topics, difficulty, summary, quiz, method, provider, model, created_at
		FROM tutor_item_tags WHERE item_id = ?`, itemID).Scan(&t.ContentHash, &topics, &t.Difficulty, &t.Summary, &quiz,
		&t.Method, &t.Provider, &t.Model, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return tutor.Tags{}, fmt.Errorf("tags of %s: %w", itemID, tutor.ErrNotFound)
	}
	if err != nil {
		return tutor.Tags{}, fmt.Errorf("tags of %s: %w", itemID, err)
	}
	if err := json.Unmarshal([]byte(quiz), &t.Quiz); err != nil {
		return tutor.Tags{}, fmt.Errorf("tags of %s: %w", itemID, err)
	}
	return t, errors.Join(unmarshalList(&t.Topics, topics), parseInto(&t.CreatedAt, created))
}

// PutTags stores an item's tags, replacing older ones; an item deleted
// meanwhile is not an error (its tags would go with it).
func (db *DB) PutTags(ctx context.Context, t tutor.Tags) error {
	quiz, err := json.Marshal(t.Quiz)
	if err != nil {
		return fmt.Errorf("put tags: %w", err)
	}
	if t.Quiz == nil {
		quiz = []byte("[]")
	}
	_, err = db.writer.ExecContext(ctx, `INSERT INTO tutor_item_tags
		(item_id, content_hash, topics, difficulty, summary, quiz, method, provider, model, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?)
		ON CONFLICT (item_id) DO UPDATE SET content_hash = excluded.content_hash, topics = excluded.topics,
			difficulty = excluded.difficulty, summary = excluded.summary, quiz = excluded.quiz, method = excluded.method,
			provider = excluded.provider, model = excluded.model, created_at = excluded.created_at`,
		t.ItemID, t.ContentHash, listJSON(t.Topics), t.Difficulty, t.Summary, string(quiz), t.Method, t.Provider, t.Model,
		formatTime(t.CreatedAt), t.ItemID)
	if err != nil {
		return fmt.Errorf("put tags: %w", err)
	}
	return nil
}

// DeleteUserTutorData removes a learner's conversations (and messages) and usage.
func (db *DB) DeleteUserTutorData(ctx context.Context, userID string) error {
	for _, q := range []string{`DELETE FROM tutor_messages WHERE user_id = ?`, `DELETE FROM tutor_conversations WHERE user_id = ?`,
		`DELETE FROM tutor_usage WHERE user_id = ?`} {
		if _, err := db.writer.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("delete tutor data of %s: %w", userID, err)
		}
	}
	return nil
}

const tagSourceColumns = `i.id, i.title, i.description, i.body, i.transcript, i.language,
	(SELECT json_group_array(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id)`

func scanTagSource(r scanner) (tutor.TagSource, error) {
	var s tutor.TagSource
	var topics string
	if err := r.Scan(&s.ItemID, &s.Title, &s.Description, &s.Body, &s.Transcript, &s.Language, &topics); err != nil {
		return tutor.TagSource{}, err
	}
	return s, unmarshalList(&s.Topics, topics)
}

// ItemsToTag returns published items without tags or changed since.
func (db *DB) ItemsToTag(ctx context.Context, limit int) ([]tutor.TagSource, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+tagSourceColumns+` FROM items i
		LEFT JOIN tutor_item_tags g ON g.item_id = i.id
		WHERE i.status = 'published' AND (g.item_id IS NULL OR g.created_at < i.updated_at)
		ORDER BY i.updated_at, i.id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("items to tag: %w", err)
	}
	defer rows.Close()
	var out []tutor.TagSource
	for rows.Next() {
		s, err := scanTagSource(rows)
		if err != nil {
			return nil, fmt.Errorf("items to tag: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("items to tag: %w", err)
	}
	return out, nil
}

// ItemToTag returns one published item's texts.
func (db *DB) ItemToTag(ctx context.Context, itemID string) (tutor.TagSource, error) {
	s, err := scanTagSource(db.reader.QueryRowContext(ctx, `SELECT `+tagSourceColumns+` FROM items i
		WHERE i.id = ? AND i.status = 'published'`, itemID))
	if errors.Is(err, sql.ErrNoRows) {
		return tutor.TagSource{}, fmt.Errorf("item %s: %w", itemID, tutor.ErrNotFound)
	}
	if err != nil {
		return tutor.TagSource{}, fmt.Errorf("item %s: %w", itemID, err)
	}
	return s, nil
}

// DocumentFrequencies reads the full-text index's own vocabulary, whose terms
// are folded as the tutor folds words.
func (db *DB) DocumentFrequencies(ctx context.Context, words []string) (map[string]int, int, error) {
	out := make(map[string]int, len(words))
	var total int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE status = 'published'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("document frequencies: %w", err)
	}
	if len(words) == 0 {
		return out, total, nil
	}
	b, _ := json.Marshal(words)
	rows, err := db.reader.QueryContext(ctx, `SELECT term, doc FROM items_fts_vocab WHERE term IN (SELECT value FROM json_each(?))`, string(b))
	if err != nil {
		return nil, 0, fmt.Errorf("document frequencies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var n int
		if err := rows.Scan(&term, &n); err != nil {
			return nil, 0, fmt.Errorf("document frequencies: %w", err)
		}
		out[term] = n
	}
	return out, total, rows.Err()
}
