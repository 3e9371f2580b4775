// Package access names who is calling and what they may do: the roles, defined
// once for every domain, and the caller an authenticated request carries.
package access

// Role is what a user may do. Roles are ordered: each includes the ones below it.
type Role string

// The roles, lowest first.
const (
	Learner   Role = "learner"
	Creator   Role = "creator"
	Moderator Role = "moderator"
	Admin     Role = "admin"
)

// Roles lists every role, lowest first.
func Roles() []Role { return []Role{Learner, Creator, Moderator, Admin} }

func (r Role) rank() int {
	switch r {
	case Learner:
		return 1
	case Creator:
		return 2
	case Moderator:
		return 3
	case Admin:
		return 4
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r includes min. An unknown role includes nothing.
func (r Role) AtLeast(min Role) bool { return min.Valid() && r.rank() >= min.rank() }

// Caller is who a request comes from, as authentication decided.
type Caller struct {
	UserID    string
	Role      Role
	SessionID string // the sign-in (refresh-token family) the access token belongs to
}

// Anonymous reports whether no one is signed in.
func (c Caller) Anonymous() bool { return c.UserID == "" }

// Is reports whether the caller holds min or a role above it.
func (c Caller) Is(min Role) bool { return !c.Anonymous() && c.Role.AtLeast(min) }
