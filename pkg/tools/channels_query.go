package tools

import (
	"fmt"
	"strings"
)

// channels_list query and query_targets (1.3.0 arguments): a
// case-insensitive substring filter over name (the default), topic and
// purpose.

// channelQuery is a parsed query filter; the zero value matches everything.
type channelQuery struct {
	text                 string
	name, topic, purpose bool
}

// key identifies the filter within a cursor's scope, so a cursor of one
// query does not page another.
func (q channelQuery) key() string {
	return fmt.Sprintf("%s|%t|%t|%t", q.text, q.name, q.topic, q.purpose)
}

func parseChannelQueryFrom(query, targets string) (channelQuery, error) {
	q := channelQuery{text: strings.ToLower(strings.TrimLeft(strings.TrimSpace(query), "#@"))}
	for _, t := range strings.Split(targets, ",") {
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "":
		case "name":
			q.name = true
		case "topic":
			q.topic = true
		case "purpose":
			q.purpose = true
		default:
			if len(t) > 40 {
				t = t[:40] + "..."
			}
			return channelQuery{}, Inputf("query_targets: %q is not a field; use a comma-separated list of name, topic and purpose (default name)", strings.TrimSpace(t))
		}
	}
	if !q.name && !q.topic && !q.purpose {
		q.name = true
	}
	return q, nil
}

// match reports whether the row passes the filter. Names are compared
// without their # or @ prefix.
func (q channelQuery) match(r Channel) bool {
	if q.text == "" {
		return true
	}
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q.text) }
	return (q.name && has(strings.TrimLeft(r.Name, "#@"))) || (q.topic && has(r.Topic)) || (q.purpose && has(r.Purpose))
}
