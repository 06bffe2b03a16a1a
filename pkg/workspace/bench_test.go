package workspace

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// genAPI serves a generated workspace of 50,000 users and 5,000 channels.
func genAPI(b *testing.B) *slack.Client {
	b.Helper()
	ws := slackemu.Generate(slackemu.GenerateOptions{Users: 50000, Channels: 5000, Seed: 1})
	srv := slackemu.NewServer(ws, slackemu.Options{})
	b.Cleanup(srv.Close)
	return slack.New(slackemu.GenUserToken, slack.OptionAPIURL(srv.URL+"/api/"))
}

func warmUsersBench(b *testing.B, api *slack.Client, o Options) *Users {
	b.Helper()
	u := NewUsers(api, o)
	n, _, err := u.sweep(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if n < 50000 {
		b.Fatalf("swept %d users", n)
	}
	return u
}

// BenchmarkWarmUsers50k is one full users.list sweep (50 pages of 1,000)
// through slack-go and the emulator, plus indexing.
func BenchmarkWarmUsers50k(b *testing.B) {
	api := genAPI(b)
	b.ReportAllocs()
	for b.Loop() {
		warmUsersBench(b, api, Options{})
	}
}

// BenchmarkWarmChannels5k is one full conversations.list sweep.
func BenchmarkWarmChannels5k(b *testing.B) {
	api := genAPI(b)
	b.ReportAllocs()
	for b.Loop() {
		c := NewChannels(api, Options{})
		if _, _, err := c.sweep(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadUsersFile50k is what Start costs with a cache file present.
func BenchmarkLoadUsersFile50k(b *testing.B) {
	api := genAPI(b)
	o := Options{CacheFile: filepath.Join(b.TempDir(), "users.json")}
	warmUsersBench(b, api, o)
	b.ReportAllocs()
	for b.Loop() {
		u := NewUsers(api, o)
		u.loadFile()
		if u.Len() < 50000 {
			b.Fatalf("loaded %d users", u.Len())
		}
	}
}

// BenchmarkDirectoryHeap50k reports the heap retained by a users
// directory of 50,000 and a channels directory of 5,000.
func BenchmarkDirectoryHeap50k(b *testing.B) {
	api := genAPI(b)
	var users, chans float64
	for b.Loop() {
		before := heapAlloc()
		u := warmUsersBench(b, api, Options{})
		mid := heapAlloc()
		c := NewChannels(api, Options{})
		if _, _, err := c.sweep(context.Background()); err != nil {
			b.Fatal(err)
		}
		after := heapAlloc()
		runtime.KeepAlive(u)
		runtime.KeepAlive(c)
		users, chans = float64(mid-before)/(1<<20), float64(after-mid)/(1<<20)
	}
	b.ReportMetric(users, "users-MB")
	b.ReportMetric(chans, "channels-MB")
}

func heapAlloc() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func BenchmarkSearch(b *testing.B) {
	api := genAPI(b)
	u := warmUsersBench(b, api, Options{})
	some := u.All()[12345]
	for _, bm := range []struct{ name, query string }{
		{"common", "an"},
		{"surname", "smith"},
		{"exact email", some.Email},
		{"none", "zzzzqx"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				u.Search(bm.query, 20)
			}
		})
	}
}

func BenchmarkFind(b *testing.B) {
	api := genAPI(b)
	u := warmUsersBench(b, api, Options{})
	some := u.All()[12345]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.Find(context.Background(), some.RealName); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexUsers50k is this package's share of a sweep: installing
// 50,000 converted users (sort, fold, index).
func BenchmarkIndexUsers50k(b *testing.B) {
	api := genAPI(b)
	all := warmUsersBench(b, api, Options{}).All()
	b.ReportAllocs()
	for b.Loop() {
		u := NewUsers(api, Options{})
		u.install(slices.Clone(all))
	}
}
