package workspace

import "strings"

// userIndex is one generation of the directory. Sweeps build a new one
// and swap it in; targeted calls only append to the current one, so
// list[:n] is never rewritten once published.
type userIndex struct {
	list   []User
	fold   []string         // per user: lower(name)\0lower(display)\0lower(real)\0lower(email)
	byID   map[string]int32 // ID -> position in list
	byKey  map[string]int32 // any lowercased field (substrings of fold) -> best user
	sorted bool             // list is sorted by ID
}

func newUserIndex(list []User) *userIndex {
	x := &userIndex{
		list:   list,
		fold:   make([]string, 0, len(list)),
		byID:   make(map[string]int32, len(list)),
		byKey:  make(map[string]int32, 3*len(list)),
		sorted: true,
	}
	var buf []byte
	for i := range list {
		buf = x.index(int32(i), buf)
	}
	return x
}

// add appends a user whose ID is not in the index.
func (x *userIndex) add(usr User) {
	n := len(x.list)
	if n > 0 && x.list[n-1].ID > usr.ID {
		x.sorted = false
	}
	x.list = append(x.list, usr)
	x.index(int32(n), nil)
}

// Field priorities for Find when one key matches several users.
const (
	prioName = iota
	prioEmail
	prioDisplay
	prioReal
	prioDeleted = 4
)

// foldPrio maps a field's position in a fold string to its priority.
func foldPrio(pos int) int {
	switch pos {
	case 0:
		return prioName
	case 1:
		return prioDisplay
	case 2:
		return prioReal
	default:
		return prioEmail
	}
}

func (x *userIndex) index(i int32, buf []byte) []byte {
	usr := &x.list[i]
	buf = buf[:0]
	for pos, s := range [4]string{usr.Name, usr.DisplayName, usr.RealName, usr.Email} {
		if pos > 0 {
			buf = append(buf, 0)
		}
		buf = appendLower(buf, s)
	}
	fold := string(buf)
	x.fold = append(x.fold, fold)
	x.byID[usr.ID] = i
	for pos, key := range foldFields(fold) {
		if key == "" {
			continue
		}
		if j, ok := x.byKey[key]; ok && x.keyScore(j, key) <= keyScore(usr, pos) {
			continue
		}
		x.byKey[key] = i
	}
	return buf
}

func keyScore(usr *User, pos int) int {
	s := foldPrio(pos)
	if usr.Deleted {
		s += prioDeleted
	}
	return s
}

// keyScore is the best score with which user j owns key.
func (x *userIndex) keyScore(j int32, key string) int {
	best := 1 << 30
	for pos, f := range foldFields(x.fold[j]) {
		if f == key {
			best = min(best, keyScore(&x.list[j], pos))
		}
	}
	return best
}

// foldFields splits a fold string into its four fields without allocating.
func foldFields(fold string) [4]string {
	var out [4]string
	for pos := range out {
		out[pos], fold, _ = strings.Cut(fold, "\x00")
	}
	return out
}

// foldScore ranks how well q matches a fold string: exact < prefix (of a
// field or of a word in it) < substring, then by field priority.
func foldScore(fold, q string) int {
	best := 1 << 30
	for pos, f := range foldFields(fold) {
		var rank int
		switch {
		case f == q:
			rank = 0
		case strings.HasPrefix(f, q) || wordPrefix(f, q):
			rank = 1
		case strings.Contains(f, q):
			rank = 2
		default:
			continue
		}
		best = min(best, rank*4+foldPrio(pos))
	}
	return best
}

// wordPrefix reports whether q starts a word of f after the first.
func wordPrefix(f, q string) bool {
	for i := 0; ; {
		j := strings.Index(f[i:], q)
		if j < 0 {
			return false
		}
		at := i + j
		if at > 0 && strings.IndexByte(" .-_@", f[at-1]) >= 0 {
			return true
		}
		i = at + 1
	}
}

// appendLower appends s lowercased; ASCII without a copy of s, the rest
// through strings.ToLower.
func appendLower(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return append(buf, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

func looksLikeEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.IndexByte(s[at+1:], '.') > 0 && !strings.ContainsAny(s, " \t<>")
}
