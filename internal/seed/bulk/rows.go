package bulk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/id"
)

// DataEmailDomain is the domain of the accounts an interaction file creates:
// learner N is dataN@, catalogue creator N is catalogueN@.
const DataEmailDomain = "data.lyolearn.test"

// Interaction is one row of an interaction file as the loader stores it: a
// view of the item at its time, and a like when the row is positive.
type Interaction struct {
	User, Item string // the file's own tokens
	At         time.Time
	Positive   bool
}

// ItemFacts are what an item file says about an item.
type ItemFacts struct {
	Title  string
	Topics []string
}

// Interactions is a whole interaction file: rows in file order, and facts
// about some or all of its items.
type Interactions struct {
	Rows  []Interaction
	Items map[string]ItemFacts
}

// ItemsPerCreator is how many imported items one catalogue creator account
// publishes (items are dealt to creators in turn, so none stands for a genre).
const ItemsPerCreator = 50

// LoadInteractions writes an interaction file into the database: a learner
// account per user (dataN@DataEmailDomain, N in order of first appearance), an
// item per item token (published when its first row happened; titled and
// topicked by the item file when it has the item), catalogue creators to
// publish them, and every row as events at its own time (a view, and a like
// for a positive row) through ingestion's Import, which folds them into the
// aggregates and learner state exactly as the API does. It stops at the
// first error; ErrAlreadyLoaded when the first creator account exists.
func LoadInteractions(ctx context.Context, d Interactions, st Store, in Ingester, o Options) (Summary, error) {
	o = o.withDefaults()
	sum := Summary{Refused: map[string]int{}}
	if len(d.Rows) == 0 {
		return sum, errors.New("no interactions to load")
	}
	var users, items []string
	userIdx, itemIdx := map[string]int{}, map[string]int{}
	var firstUser, firstItem []time.Time
	byUser := [][]int{}
	start := d.Rows[0].At
	for k, r := range d.Rows {
		start = minTime(start, r.At)
		u, ok := userIdx[r.User]
		if !ok {
			u = len(users)
			userIdx[r.User] = u
			users = append(users, r.User)
			firstUser = append(firstUser, r.At)
			byUser = append(byUser, nil)
		}
		firstUser[u] = minTime(firstUser[u], r.At)
		byUser[u] = append(byUser[u], k)
		i, ok := itemIdx[r.Item]
		if !ok {
			i = len(items)
			itemIdx[r.Item] = i
			items = append(items, r.Item)
			firstItem = append(firstItem, r.At)
		}
		firstItem[i] = minTime(firstItem[i], r.At)
	}

	// Topics: every genre of the item file, as a slug.
	var topics []content.Topic
	seen := map[string]bool{}
	topicsOf := func(item string) []string {
		var out []string
		for _, g := range d.Items[item].Topics {
			if s := Slug(g); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, it := range items {
		for _, g := range d.Items[it].Topics {
			if s := Slug(g); s != "" && !seen[s] {
				seen[s] = true
				topics = append(topics, content.Topic{Slug: s, Name: topicName(g)})
			}
		}
	}
	if len(topics) > 0 {
		if err := st.EnsureTopics(ctx, topics); err != nil {
			return sum, fmt.Errorf("topics: %w", err)
		}
	}
	sum.Topics = len(topics)

	user := func(email, username string, role access.Role, created time.Time) auth.User {
		return auth.User{ID: id.At(created), Email: email, Username: username, PasswordHash: o.PasswordHash, Role: role,
			Version: 1, CreatedAt: created, UpdatedAt: created}
	}
	// Creators, all there from the first row on.
	nCreators := (len(items) + ItemsPerCreator - 1) / ItemsPerCreator
	creatorIDs := make([]string, 0, nCreators)
	err := inBatches(nCreators, o.Batch, func(from, to int) error {
		batch := make([]auth.User, 0, to-from)
		for c := from; c < to; c++ {
			u := user(fmt.Sprintf("catalogue%d@%s", c+1, DataEmailDomain), fmt.Sprintf("catalogue%d", c+1), access.Creator, start)
			batch = append(batch, u)
			creatorIDs = append(creatorIDs, u.ID)
		}
		err := st.ImportUsers(ctx, batch)
		if from == 0 && (errors.Is(err, auth.ErrEmailTaken) || errors.Is(err, auth.ErrUsernameTaken)) {
			return fmt.Errorf("%w: the first catalogue creator (catalogue1@%s) exists", ErrAlreadyLoaded, DataEmailDomain)
		}
		if err != nil {
			return fmt.Errorf("creators %d to %d: %w", from+1, to, err)
		}
		sum.Creators = to
		return nil
	})
	if err != nil {
		return sum, err
	}

	// Items, published at their first row.
	itemIDs := make([]string, len(items))
	err = inBatches(len(items), o.Batch, func(from, to int) error {
		batch := make([]content.Item, 0, to-from)
		for i := from; i < to; i++ {
			at := firstItem[i]
			title := strings.TrimSpace(d.Items[items[i]].Title)
			if title == "" {
				title = "Item " + items[i]
			}
			it := content.Item{ID: id.At(at), CreatorID: creatorIDs[i%nCreators], Kind: content.Article, Title: title,
				Description: "Imported item " + items[i], Topics: topicsOf(items[i]), Status: content.Published,
				CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
			itemIDs[i] = it.ID
			batch = append(batch, it)
		}
		if err := st.ImportItems(ctx, batch); err != nil {
			return fmt.Errorf("items %d to %d: %w", from+1, to, err)
		}
		sum.Items = to
		return ctx.Err()
	})
	if err != nil {
		return sum, err
	}

	// Learners, joined at their first row.
	learnerIDs := make([]string, len(users))
	err = inBatches(len(users), o.Batch, func(from, to int) error {
		batch := make([]auth.User, 0, to-from)
		for u := from; u < to; u++ {
			acct := user(fmt.Sprintf("data%d@%s", u+1, DataEmailDomain), fmt.Sprintf("data%d", u+1), access.Learner, firstUser[u])
			learnerIDs[u] = acct.ID
			batch = append(batch, acct)
		}
		if err := st.ImportUsers(ctx, batch); err != nil {
			return fmt.Errorf("learners %d to %d: %w", from+1, to, err)
		}
		sum.Learners = to
		return ctx.Err()
	})
	if err != nil {
		return sum, err
	}

	// Events, each learner's in time order (ties keep file order), Workers
	// learners at a time.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Go(func() {
			for u := range next {
				rows := byUser[u]
				slices.SortStableFunc(rows, func(a, b int) int { return d.Rows[a].At.Compare(d.Rows[b].At) })
				evs := make([]events.Input, 0, 2*len(rows))
				for _, k := range rows {
					r := d.Rows[k]
					at := r.At.UTC().Format(time.RFC3339Nano)
					item := itemIDs[itemIdx[r.Item]]
					evs = append(evs, events.Input{ID: "data-" + strconv.Itoa(k+1), Type: events.View, ItemID: item, At: at})
					if r.Positive {
						evs = append(evs, events.Input{ID: "data-" + strconv.Itoa(k+1) + "-like", Type: events.Like, ItemID: item, At: at})
					}
				}
				accepted, refused, err := importEvents(ctx, in, learnerIDs[u], evs, o.EventBatch)
				mu.Lock()
				sum.Events += len(evs)
				sum.Accepted += accepted
				for reason, n := range refused {
					sum.Refused[reason] += n
				}
				mu.Unlock()
				if err != nil {
					cancel(fmt.Errorf("events of data%d: %w", u+1, err))
					return
				}
			}
		})
	}
feed:
	for u := range users {
		select {
		case next <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// importEvents sends one learner's events in order, batch at a time.
func importEvents(ctx context.Context, in Ingester, userID string, evs []events.Input, batch int) (accepted int, refused map[string]int, err error) {
	refused = map[string]int{}
	for from := 0; from < len(evs); from += batch {
		results, err := in.Import(ctx, userID, evs[from:min(from+batch, len(evs))])
		if err != nil {
			return accepted, refused, err
		}
		for _, r := range results {
			switch r.Status {
			case "accepted":
				accepted++
			case "rejected":
				refused[r.Reason]++
			default:
				refused[r.Status]++
			}
		}
	}
	return accepted, refused, nil
}

// Slug turns a genre as an item file writes it ("Children's", "Film-Noir",
// "Sci Fi") into a topic slug as the catalogue accepts it: a-z and 0-9, words
// joined by single hyphens, at most 50 characters; "" when nothing is left.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '’':
			continue
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), 50)], "-")
}

// topicName is a genre's display name: its words capitalised.
func topicName(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == '_' || unicode.IsSpace(r) })
	for k, w := range words {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		words[k] = string(rs)
	}
	return cmp.Or(strings.Join(words, " "), s)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
