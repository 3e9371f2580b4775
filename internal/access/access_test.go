package access

import "testing"

func TestRoleOrder(t *testing.T) {
	for _, tc := range []struct {
		role, min Role
		want      bool
	}{
		{Learner, Learner, true},
		{Learner, Creator, false},
		{Creator, Learner, true},
		{Moderator, Creator, true},
		{Moderator, Admin, false},
		{Admin, Moderator, true},
		{"owner", Learner, false},
		{Admin, "owner", false},
		{"", "", false},
	} {
		if got := tc.role.AtLeast(tc.min); got != tc.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", tc.role, tc.min, got, tc.want)
		}
	}
}

func TestCallerIs(t *testing.T) {
	if (Caller{Role: Admin}).Is(Learner) {
		t.Error("an anonymous caller holds no role, whatever its Role field says")
	}
	if !(Caller{UserID: "u1", Role: Creator}).Is(Learner) {
		t.Error("a creator is a learner too")
	}
	if (Caller{UserID: "u1", Role: Learner}).Is(Creator) {
		t.Error("a learner is not a creator")
	}
}
