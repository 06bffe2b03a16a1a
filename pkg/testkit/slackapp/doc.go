// Package slackapp starts, for OAuth tests, the Slack side of a login:
// the emulator (pkg/slackemu) serving a workspace with our Slack app
// registered to redirect back to the server under test. The login
// harnesses of pkg/slackoauth, pkg/oauthserver and cmd share it instead
// of each building the same workspace, app and consent. It lives apart
// from pkg/testkit because slackemu's own tests import testkit.
package slackapp
