"""The character groups of twitter-text's `regex.rb` that the URL, hashtag and mention
patterns share (ranges inside a character class)."""

UNICODE_SPACES = "\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
INVALID_CHARACTERS = "\ufffe\ufeff\uffff"
LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    "\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
# Unicode 16 Script=Cyrillic and General_Category=Pd, spelled out so the URL pattern can use the
# faster standard `re` (a test checks each character still has its property).
CYRILLIC = (
    "\u0400-\u0484\u0487-\u052f\u1c80-\u1c8a\u1d2b\u1d78\u2de0-\u2dff\ua640-\ua69f"
    "\ufe2e\ufe2f\U0001e030-\U0001e06d\U0001e08f"
)
DASH_PUNCTUATION = (
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c"
    "\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010d6e\U00010ead"
)
PUNCTUATION = r"""!"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~\\"""
CONTROL = "\x00-\x1f\x7f"
