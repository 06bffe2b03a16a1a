package slackapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDefaultLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		want   Limit
	}{
		{"conversations.history", Tier3.Limit()},
		{"conversations.list", Tier2.Limit()},
		{"users.list", Tier2.Limit()},
		{"search.messages", Tier2.Limit()},
		{"users.info", Tier4.Limit()},
		{"files.info", Tier4.Limit()},
		{"chat.postMessage", Limit{PerMinute: 60, Burst: 3, PerChannel: true}},
		{"auth.test", Limit{PerMinute: 600, Burst: 100}},
		{"some.unknown.method", Tier3.Limit()},
		{"", Tier3.Limit()},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, DefaultLimit(tc.method))
		})
	}
}

func TestTierLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tier Tier
		n    int
	}{{Tier1, 1}, {Tier2, 20}, {Tier3, 50}, {Tier4, 100}, {Tier(0), 50}} {
		assert.Equal(t, Limit{PerMinute: tc.n, Burst: tc.n}, tc.tier.Limit())
	}
}

func TestLimitForOverrides(t *testing.T) {
	t.Parallel()
	o := map[string]Limit{
		"conversations.history": Tier1.Limit(),
		"no.burst":              {PerMinute: 5},
		"invalid":               {PerMinute: 0, Burst: 9},
	}
	assert.Equal(t, Tier1.Limit(), limitFor(o, "conversations.history"))
	assert.Equal(t, Limit{PerMinute: 5, Burst: 1}, limitFor(o, "no.burst"))
	assert.Equal(t, Tier3.Limit(), limitFor(o, "invalid"), "an invalid override falls back to the table")
	assert.Equal(t, Tier2.Limit(), limitFor(o, "users.list"))
}

func TestTableEntriesAreValid(t *testing.T) {
	t.Parallel()
	for m, l := range methodLimits() {
		assert.Positive(t, l.PerMinute, m)
		assert.Positive(t, l.Burst, m)
	}
}
