package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// resolvePerson turns a user ID, @name or email into a user ID: IDs as
// they are, names and emails from the users directory (an email it does
// not hold is asked of users.lookupByEmail). key names the argument in
// errors.
func resolvePerson(ctx context.Context, s *Session, ref, key string) (string, error) {
	name := strings.TrimPrefix(strings.TrimSpace(ref), "@")
	if name == "" {
		return "", Inputf("%s: %q needs a name, email or ID", key, ref)
	}
	if params.IsUserID(name) {
		return name, nil
	}
	u, err := s.Users.Find(ctx, name)
	if errors.Is(err, workspace.ErrNotFound) {
		return "", Inputf("%s: no user named @%s; call users_search to find the right name", key, clip(name, 40))
	}
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// resolvePeople resolves a comma-separated list of people (IDs, @names,
// emails) into distinct user IDs, refusing an empty list and more than max.
func resolvePeople(ctx context.Context, s *Session, list, key string, max int) ([]string, error) {
	var refs []string
	for _, r := range strings.Split(list, ",") {
		if r = strings.TrimSpace(r); r != "" {
			refs = append(refs, r)
		}
	}
	switch {
	case len(refs) == 0:
		return nil, Inputf("%s is required: user IDs, @names or emails, separated by commas", key)
	case len(refs) > max:
		return nil, Inputf("%s names %d people; at most %d at a time", key, len(refs), max)
	}
	ids := make([]string, 0, len(refs))
	seen := map[string]bool{}
	for _, r := range refs {
		if strings.ContainsAny(r, "<>") {
			return nil, Inputf("%s: %q is not a user ID, @name or email", key, clip(r, 40))
		}
		id, err := resolvePerson(ctx, s, r, key)
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}
