// Package htmlpage owns what every HTML page we serve (the connect pages
// of slackoauth, the consent and consents pages of oauthserver) sends
// besides its body: the hardening headers. Each page brings its own
// Content-Security-Policy, since what a page may run or post differs.
package htmlpage
