package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/tutor"
)

// testTutorMessageCount: the count a conversation shows is the number of its
// messages whichever path adds or removes them, read one by one and in lists.
func testTutorMessageCount(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser(1))
	bob := mustCreate(t, s, newUser(2))
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	conv := func(i int) tutor.Conversation {
		c := tutor.Conversation{ID: id.New(at(i)), UserID: ada.ID, CreatedAt: at(i), UpdatedAt: at(i)}
		if err := s.CreateConversation(ctx, c); err != nil {
			t.Fatalf("CreateConversation: %v", err)
		}
		return c
	}
	say := func(c tutor.Conversation, i int, userID, role string) {
		t.Helper()
		m := tutor.Message{ID: id.New(at(i)), ConversationID: c.ID, UserID: userID, Role: role, Text: "turn",
			Status: tutor.Complete, CreatedAt: at(i)}
		if err := s.AddMessage(ctx, m); err != nil {
			t.Fatalf("AddMessage: %v", err)
		}
	}
	counts := func(want map[string]int) {
		t.Helper()
		list, err := s.ListConversations(ctx, ada.ID, "", 10)
		if err != nil || len(list) != len(want) {
			t.Fatalf("ListConversations = %d, %v; want %d", len(list), err, len(want))
		}
		for _, c := range list {
			one, err := s.ConversationByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Messages != want[c.ID] || one.Messages != want[c.ID] {
				t.Errorf("conversation %s counts %d listed, %d alone; want %d", c.ID, c.Messages, one.Messages, want[c.ID])
			}
		}
	}
	one, two := conv(1), conv(2)
	counts(map[string]int{one.ID: 0, two.ID: 0})
	say(one, 3, ada.ID, tutor.RoleUser)
	say(one, 4, ada.ID, tutor.RoleTutor)
	say(two, 5, ada.ID, tutor.RoleUser)
	counts(map[string]int{one.ID: 2, two.ID: 1})

	err := s.AddMessage(ctx, tutor.Message{ID: id.New(at(6)), ConversationID: id.New(at(6)), UserID: ada.ID, Role: tutor.RoleUser,
		Text: "lost", Status: tutor.Complete, CreatedAt: at(6)})
	if !errors.Is(err, tutor.ErrNotFound) {
		t.Errorf("AddMessage to no conversation = %v, want ErrNotFound", err)
	}
	counts(map[string]int{one.ID: 2, two.ID: 1})

	// Deleting a learner's tutor data removes the messages they wrote, in
	// whoever's conversation: the count follows.
	say(one, 7, bob.ID, tutor.RoleUser)
	if err := s.DeleteUserTutorData(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Messages(ctx, one.ID, "", 10)
	if err != nil || len(ms) != 2 {
		t.Fatalf("messages left %d, %v; want ada's 2", len(ms), err)
	}
	counts(map[string]int{one.ID: 2, two.ID: 1})
}
