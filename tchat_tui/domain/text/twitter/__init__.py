"""A port of twitter-text 3.x: URL, hashtag, mention and emoji extraction, and `parse_tweet`.

What X links, tags and counts. The regexes are ported in spirit from upstream
`rb/lib/twitter-text/regex.rb` (Apache-2.0, see NOTICE), the rest from `extractor.rb` and
`js/src/parseTweet.js`; the port passes the upstream conformance suite. Emoji sequences come from
the `emoji` package, so current Unicode sequences (a family with zero-width joiners) count once.

Indices returned by the `*_with_indices` functions are code-point offsets into the text as given;
`parse_tweet` ranges are UTF-16 code units, as upstream defines them. The chat's own rules (limits
per network, the draft check) are in `tchat_tui.domain.text.rules`, its tag in
`tchat_tui.domain.text.tag`.

One module per idea: `characters` (the shared character groups), `urls`, `hashtags`, `mentions`,
`emoji_sequences`, and `length` (weighted length, validity, `prepare`).
"""
