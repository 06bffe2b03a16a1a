// Package pushback shares Slack's 429 pushbacks between replicas. Slack's
// rate limits are per method, workspace and app, whatever the number of
// replicas, so a Retry-After one replica receives must pause that method
// for that workspace on all of them. The Sharer records each pushback of
// its replica in the store (slackapi.Options.OnPushback) and applies the
// others' to its slackapi.Factory (Factory.Pause), polling the store every
// second: a pause reaches every replica within about a second of the 429.
package pushback
