package workspace

import (
	"errors"
	"time"

	"github.com/rs/zerolog"
)

// ErrNotFound is returned (wrapped) when a user or channel exists neither in
// the directory nor, where a targeted call was possible, in Slack.
var ErrNotFound = errors.New("not found")

// Defaults applied by NewUsers and NewChannels to zero Options fields.
const (
	DefaultTTL                = time.Hour
	DefaultMinRefreshInterval = 30 * time.Second
)

// Options configure one directory. The zero value is usable: no cache file,
// default intervals, no logging, the wall clock.
type Options struct {
	// CacheFile is where completed sweeps are persisted; "" = no persistence.
	// Use one file per workspace (users) or per workspace and user (channels).
	CacheFile string
	// CacheTeamID is the team recorded in the cache file and required of it
	// on load, so a file of another workspace is never served. "" = TeamID.
	CacheTeamID string
	// TTL is how long a sweep stays fresh (default 1h). A cache file older
	// than TTL is still loaded for instant answers, but refreshed at once.
	TTL time.Duration
	// MinRefreshInterval bounds how often a cache miss may trigger a sweep
	// (default 30s).
	MinRefreshInterval time.Duration
	// TeamID is passed to list calls; Enterprise Grid org tokens need it.
	TeamID string
	// Logger receives sweep outcomes; the zero value logs nothing.
	Logger zerolog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Observer, when set, counts lookups answered from the directory (hit)
	// or not (miss).
	Observer Observer
	// Shared, with SharedKey, shares sweeps between replicas (shared.go):
	// nil sweeps on its own.
	Shared    SharedSnapshots
	SharedKey string
}

// Observer hears of directory lookups (pkg/metrics implements it).
type Observer interface {
	DirectoryLookup(directory string, hit bool)
}

type noObserver struct{}

func (noObserver) DirectoryLookup(string, bool) {}

func (o Options) withDefaults() Options {
	if o.Observer == nil {
		o.Observer = noObserver{}
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.MinRefreshInterval <= 0 {
		o.MinRefreshInterval = DefaultMinRefreshInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheTeamID == "" {
		o.CacheTeamID = o.TeamID
	}
	return o
}
