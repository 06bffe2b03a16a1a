// Package mrkdwn turns Slack message text ("mrkdwn", as returned by the Web
// API) into faithful, readable plain text for a model or a person.
//
// It owns one job: expanding Slack's angle-bracket markup and decoding its
// three HTML entities, while keeping everything else exactly as written.
//
//	<@U123> / <@U123|name>        @name (through the Resolver, else @U123)
//	<#C123|general> / <#C123>     #general (label, Resolver, else #C123)
//	<!here> <!channel> <!everyone> @here @channel @everyone
//	<!subteam^S123|@team>         @team (label, Resolver, else @S123)
//	<!date^1392734382^{date}|Feb 18> the fallback text (Feb 18), else the
//	                              time as "2014-02-18 14:39 UTC"
//	<https://x.com|Example>       Example (https://x.com)
//	<https://x.com> / <https://x.com|https://x.com> / <http://x.com|x.com>
//	                              the URL alone
//	<mailto:a@b.com|a@b.com>      a@b.com
//	&amp; &lt; &gt;               & < >
//
// Punctuation, quotes, emoji codes (:tada:), *bold*, _italic_, ~strike~,
// `code` and ``` fences are kept as they are: unlike a sanitizer that strips
// "@ # ! ( )" and code, the output says what the message said.
//
// Decisions:
//   - Entities are decoded in the same single pass that parses the markup,
//     never before it, so "&lt;@U1&gt;" stays the literal text "<@U1>" and is
//     not mistaken for a mention. Only &amp;, &lt; and &gt; are decoded, as
//     those are the only ones Slack produces; "&quot;" stays as typed.
//   - Markup inside code spans and fences is expanded too. Slack escapes
//     what a person types inside code (a typed "<" arrives as "&lt;"), so raw
//     angle brackets there are Slack's own markup, chiefly auto-linked URLs
//     (<https://x.com>), and Slack's clients render them as links inside
//     code as well.
//   - Text in angle brackets that is not Slack markup (no @ # ! prefix and
//     no URL scheme, e.g. a bot's "Vec<T>") stays literal, brackets included,
//     as does a '<' with no closing '>' before the next '<'.
//
// Render runs in linear time, never panics and is safe for concurrent use.
package mrkdwn
