//go:build race

package slackemu

const raceEnabled = true
