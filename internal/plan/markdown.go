package plan

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?(-->|$)`)
	// htmlTag matches an opening, closing or self-closing tag, and the
	// declarations and processing instructions Markdown would pass through
	// as raw HTML.
	htmlTag = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<[!?][^<>]*>`)
	// autolink is Markdown's <https://…> form, which is a link, not HTML.
	autolink = regexp.MustCompile(`^<(https?://|mailto:)[^\s<>]+>$`)
	// unsafeLink matches the target of a Markdown link or image that would
	// run script or embed data when rendered.
	unsafeLink = regexp.MustCompile(`(?i)(\]\(\s*)(javascript|vbscript|data|file):`)
)

// SanitizeMarkdown returns s as the safe Markdown plans store: line breaks
// normalised to \n, control characters and trailing spaces dropped, raw
// HTML tags and comments removed (Markdown autolinks kept), and the
// javascript:, vbscript:, data: and file: targets of links turned into
// in-page fragments. Text that is not HTML stays as written ("< 8 h",
// "a<1"). Renderers should still treat the text as Markdown without HTML;
// cleaning it on the way in keeps it safe wherever it ends up (exports,
// the offline crisis pack, messages).
func SanitizeMarkdown(s string) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	// Removing one tag can join the halves of another ("<scr<b>ipt>"), so
	// repeat until nothing changes.
	for {
		next := htmlComment.ReplaceAllString(s, "")
		next = htmlTag.ReplaceAllStringFunc(next, func(tag string) string {
			if autolink.MatchString(tag) {
				return tag
			}
			return ""
		})
		next = unsafeLink.ReplaceAllString(next, "${1}#")
		if next == s {
			break
		}
		s = next
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
