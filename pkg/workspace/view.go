package workspace

import (
	"strings"

	"github.com/slack-go/slack"
)

// Access is how much of a shared users directory one caller may read. The
// directory is swept with one member's token; a caller whose own token
// could not read the same data from Slack must not read it from the cache.
type Access int

const (
	// AccessFull shows everything, emails included (users:read and
	// users:read.email).
	AccessFull Access = iota
	// AccessNoEmail shows people without their email addresses and never
	// matches a query against an email (users:read without
	// users:read.email).
	AccessNoEmail
	// AccessNone shows nobody: reads fail as Slack would answer the
	// caller's own token, with missing_scope (no users:read).
	AccessNone
	accessLevels = iota
)

func (a Access) String() string {
	switch a {
	case AccessFull:
		return "full"
	case AccessNoEmail:
		return "no-email"
	default:
		return "none"
	}
}

// View returns the directory as a caller with access a sees it. Views
// share the data, the sweeps and the cache file; each is made once, so
// callers with the same access share one value.
func (u *Users) View(a Access) *Users {
	if a < AccessFull || a >= accessLevels {
		a = AccessNone
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	v := u.views[a]
	if v == nil {
		v = &Users{usersData: u.usersData, view: a}
		u.views[a] = v
	}
	return v
}

// Access is the access this view was made for.
func (u *Users) Access() Access { return u.view }

// Err is the error every read of this view answers with, as Slack would
// answer the caller's token (missing_scope), or nil when it may read.
func (u *Users) Err() error {
	if u.view == AccessNone {
		return scopeError("users:read")
	}
	return nil
}

// scopeError is the error Slack answers a token that lacks scope, so the
// usual mapping turns it into an actionable message naming the scope.
// The caller's scopes are known from auth.test, so asking Slack only to
// hear this answer would cost a call and tell us nothing new.
func scopeError(scope string) error {
	return slack.SlackErrorResponse{Err: "missing_scope", Needed: scope}
}

// present is usr as this view shows it.
func (u *Users) present(usr User) User {
	if u.view != AccessFull {
		usr.Email = ""
	}
	return usr
}

// visibleFold is the part of a fold string this view may match: without
// the email, which is always the last field.
func (u *Users) visibleFold(fold string) string {
	if u.view == AccessFull {
		return fold
	}
	if i := strings.LastIndexByte(fold, 0); i >= 0 {
		return fold[:i]
	}
	return fold
}

// matchesVisible reports whether usr matches key (lowercased) on a field
// this view shows; raw is the unfolded key, for IDs.
func (u *Users) matchesVisible(usr *User, raw, key string) bool {
	if u.view == AccessFull || usr.ID == raw {
		return true
	}
	for _, f := range [3]string{usr.Name, usr.DisplayName, usr.RealName} {
		if strings.ToLower(f) == key {
			return true
		}
	}
	return false
}

// scanVisible finds the best user whose shown fields equal key, for views
// whose index hit was a hidden field (another user's email). Rare: a
// linear scan. u.mu must be held.
func (u *Users) scanVisible(key string) (User, bool) {
	best, at := 1<<30, -1
	for i, f := range u.idx.fold {
		s := foldScore(u.visibleFold(f), key)
		if s >= 4 { // not an exact match of a field
			continue
		}
		if u.idx.list[i].Deleted {
			s += prioDeleted
		}
		if s < best {
			best, at = s, i
		}
	}
	if at < 0 {
		return User{}, false
	}
	return u.present(u.idx.list[at]), true
}
