package auth

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // timezones are validated the same with or without the system's database
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/lyolearn/lyo/internal/fault"
)

// NormalizeEmail trims and lower-cases an address, so one mailbox is one account.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(email string) bool {
	if len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>\x00") || !utf8.ValidString(email) {
		return false
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(email, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

const (
	usernameMin = 3
	usernameMax = 30
)

// validUsername allows 3–30 of a-z 0-9 _ . starting with a letter or digit.
func validUsername(u string) bool {
	if len(u) < usernameMin || len(u) > usernameMax {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '.') {
			return false
		}
	}
	return true
}

// usernameFromEmail derives a valid username from an address's local part.
func usernameFromEmail(email string) string {
	local, _, _ := strings.Cut(email, "@")
	var b strings.Builder
	for _, r := range strings.ToLower(local) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == '_' || r == '-' || r == '+':
			if b.Len() > 0 {
				b.WriteByte('_')
			}
		}
		if b.Len() >= usernameMax-5 {
			break
		}
	}
	u := strings.TrimRight(b.String(), "_")
	for len(u) < usernameMin {
		u += "0"
	}
	return u
}

// ProfilePatch is a partial update of the caller's own account: nil leaves a field
// as it is. access.Role, email and verification are not here, so a client cannot set them.
type ProfilePatch struct {
	Username             *string `json:"username"`
	DisplayName          *string `json:"display_name"`
	Bio                  *string `json:"bio"`
	AvatarMediaID        *string `json:"avatar_media_id"`
	Language             *string `json:"language"`
	BirthYear            *int    `json:"birth_year"`
	BreakReminderMinutes *int    `json:"break_reminder_minutes"`
	DailyLimitMinutes    *int    `json:"daily_limit_minutes"`
	Timezone             *string `json:"timezone"`
	FollowingVisible     *bool   `json:"following_visible"`
}

// apply validates the patch against now and returns the new username and profile.
func (p ProfilePatch) apply(u User, now time.Time) (string, Profile, error) {
	var bad fault.Invalid
	fail := func(field, msg string) { bad.Add(field, "%s", msg) }
	username, prof := u.Username, u.Profile
	if p.Username != nil {
		username = strings.ToLower(strings.TrimSpace(*p.Username))
		if !validUsername(username) {
			fail("username", "use 3 to 30 of a-z, 0-9, _ and ., starting with a letter or digit")
		}
	}
	text := func(field string, v *string, max int, dst *string) {
		if v == nil {
			return
		}
		s := strings.TrimSpace(*v)
		if utf8.RuneCountInString(s) > max {
			fail(field, "too long")
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			fail(field, "not valid text")
		}
		*dst = s
	}
	text("display_name", p.DisplayName, 80, &prof.DisplayName)
	text("bio", p.Bio, 1000, &prof.Bio)
	text("avatar_media_id", p.AvatarMediaID, 64, &prof.AvatarMediaID)
	if p.Language != nil {
		prof.Language = strings.TrimSpace(*p.Language)
		if prof.Language != "" {
			tag, err := language.Parse(prof.Language)
			if err != nil || len(prof.Language) > 35 {
				fail("language", "use a language tag such as en or pt-BR")
			} else {
				prof.Language = tag.String()
			}
		}
	}
	if p.BirthYear != nil {
		prof.BirthYear = *p.BirthYear
		if y := *p.BirthYear; y != 0 && (y < 1900 || y > now.Year()) {
			fail("birth_year", "use a year from 1900 to this year, or 0 to remove it")
		}
	}
	minutes := func(field string, v *int, max int, dst *int) {
		if v == nil {
			return
		}
		if *v < 0 || *v > max {
			fail(field, "use 0 (off) up to "+strconv.Itoa(max))
		}
		*dst = *v
	}
	minutes("break_reminder_minutes", p.BreakReminderMinutes, 240, &prof.BreakReminderMinutes)
	minutes("daily_limit_minutes", p.DailyLimitMinutes, 1440, &prof.DailyLimitMinutes)
	if p.Timezone != nil {
		prof.Timezone = strings.TrimSpace(*p.Timezone)
		if !ValidTimezone(prof.Timezone) {
			fail("timezone", "use an IANA timezone such as Europe/Paris, or an empty string for UTC")
		}
	}
	if p.FollowingVisible != nil {
		v := *p.FollowingVisible
		prof.FollowingVisible = &v
	}
	if err := bad.Err(); err != nil {
		return "", Profile{}, err
	}
	return username, prof, nil
}

// ValidTimezone reports whether name is "" (UTC) or an IANA timezone this
// server knows (its own copy of the database: package time/tzdata).
func ValidTimezone(name string) bool {
	if name == "" {
		return true
	}
	if len(name) > 64 || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// IsMinor reports whether a learner who gave their birth year may be under 18 at
// now. A year alone cannot tell 17 from 18, so the year someone turns 18 still
// counts as minor: the quieter defaults err on the learner's side. Without a birth
// year Lyo does not guess.
func (p Profile) IsMinor(now time.Time) bool {
	return p.BirthYear != 0 && now.Year()-p.BirthYear <= 18
}

// ShowsFollowing reports whether others may list whom the user follows: the
// user's own choice once made, else hidden for minors and shown for everyone
// else.
func (p Profile) ShowsFollowing(now time.Time) bool {
	if p.FollowingVisible != nil {
		return *p.FollowingVisible
	}
	return !p.IsMinor(now)
}
