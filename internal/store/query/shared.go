package query

import (
	"encoding/json"
	"fmt"

	"github.com/lyolearn/lyo/internal/auth"
)

// MarshalDetails returns an audit entry's details as JSON text (pgx sends the bytes
// to a jsonb column as they are); nil details are stored as {}.
func MarshalDetails(d map[string]any) ([]byte, error) {
	if d == nil {
		return []byte("{}"), nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("details: %w", err)
	}
	return b, nil
}

// UnmarshalDetails never returns a nil map, so an entry stored without details
// reads the same as one stored with an empty map.
func UnmarshalDetails(b []byte) (map[string]any, error) {
	d := map[string]any{}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("details: %w", err)
	}
	if d == nil { // the JSON was null
		d = map[string]any{}
	}
	return d, nil
}

// FillToken gives t the family and user it must belong to, and refuses a token that
// names others: a bug in the caller would otherwise graft it onto a stranger's chain.
func FillToken(t *auth.RefreshToken, familyID, userID string) error {
	if t.FamilyID == "" {
		t.FamilyID = familyID
	}
	if t.UserID == "" {
		t.UserID = userID
	}
	if t.FamilyID != familyID || t.UserID != userID {
		return fmt.Errorf("refresh token %s names family %s of user %s, want family %s of user %s",
			t.ID, t.FamilyID, t.UserID, familyID, userID)
	}
	return nil
}
