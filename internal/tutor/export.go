package tutor

import (
	"context"
	"slices"
)

// exportPage is how many conversations, or messages, one read of an export takes.
const exportPage = 100

// ExportedConversation is a conversation in a learner's data export, with
// every message oldest first.
type ExportedConversation struct {
	ConversationView
	All []MessageView `json:"all_messages"`
}

// Export is everything the tutor holds about a learner: every conversation
// with every message, and today's usage.
func (s *Service) Export(ctx context.Context, userID string) (any, error) {
	out := []ExportedConversation{}
	before := ""
	for {
		cs, err := s.store.ListConversations(ctx, userID, before, exportPage)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			var all []MessageView
			mbefore := ""
			for {
				ms, err := s.store.Messages(ctx, c.ID, mbefore, exportPage)
				if err != nil {
					return nil, err
				}
				for _, m := range ms {
					all = append(all, messageView(m))
				}
				if len(ms) < exportPage {
					break
				}
				mbefore = ms[len(ms)-1].ID
			}
			slices.Reverse(all)
			if all == nil {
				all = []MessageView{}
			}
			out = append(out, ExportedConversation{ConversationView: conversationView(c, nil, ""), All: all})
		}
		if len(cs) < exportPage {
			break
		}
		before = cs[len(cs)-1].ID
	}
	u, err := s.UsageOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"conversations": out, "usage_today": map[string]any{"day": u.Day, "tokens": u.Tokens}}, nil
}

// DeleteUserData removes the learner's conversations, messages and usage.
func (s *Service) DeleteUserData(ctx context.Context, userID string) error {
	return s.store.DeleteUserTutorData(ctx, userID)
}
