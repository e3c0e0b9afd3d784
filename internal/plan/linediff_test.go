package plan

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// lcsLen is the reference: the length of a longest common subsequence by
// dynamic programming.
func lcsLen(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sides rebuilds the old and new texts from a diff.
func sides(d []Line) (a, b []string) {
	for _, l := range d {
		switch l.Op {
		case Equal:
			a, b = append(a, l.Text), append(b, l.Text)
		case Delete:
			a = append(a, l.Text)
		case Insert:
			b = append(b, l.Text)
		}
	}
	return a, b
}

func checkDiff(t *testing.T, a, b []string) {
	t.Helper()
	d := LineDiff(a, b)
	ga, gb := sides(d)
	if !slices.Equal(ga, a) || !slices.Equal(gb, b) {
		t.Fatalf("diff of %q → %q does not rebuild both sides: %v", a, b, d)
	}
	equal := 0
	for _, l := range d {
		if l.Op == Equal {
			equal++
		}
	}
	if want := lcsLen(a, b); equal != want {
		t.Fatalf("diff of %q → %q keeps %d lines, a longest common subsequence has %d: %v", a, b, equal, want, d)
	}
	// Within a run of changes, deletions come first.
	for i := 1; i < len(d); i++ {
		if d[i-1].Op == Insert && d[i].Op == Delete {
			t.Fatalf("insertion before deletion at %d: %v", i, d)
		}
	}
}

func TestLineDiffExamples(t *testing.T) {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "")
	}
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"abc", "abc", "=a =b =c"},
		{"", "ab", "+a +b"},
		{"ab", "", "-a -b"},
		{"abc", "abxc", "=a =b +x =c"},
		{"abcabba", "cbabac", ""}, // Myers' paper example: checked by the properties only
		{"abc", "axc", "=a -b +x =c"},
	}
	for _, c := range cases {
		a, b := split(c.a), split(c.b)
		checkDiff(t, a, b)
		if c.want == "" {
			continue
		}
		var got []string
		for _, l := range LineDiff(a, b) {
			got = append(got, string(l.Op)+l.Text)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("LineDiff(%q, %q) = %q, want %q", c.a, c.b, strings.Join(got, " "), c.want)
		}
	}
	// The paper's example needs 5 edits: 7 + 6 - 2×4.
	d := LineDiff(split("abcabba"), split("cbabac"))
	edits := 0
	for _, l := range d {
		if l.Op != Equal {
			edits++
		}
	}
	if edits != 5 {
		t.Errorf("abcabba → cbabac: %d edits, want 5: %v", edits, d)
	}
}

func TestLineDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func() []string {
		n := r.IntN(14)
		out := make([]string, n)
		for i := range out {
			out[i] = string(rune('a' + r.IntN(4)))
		}
		return out
	}
	for range 3000 {
		a := gen()
		b := gen()
		if r.IntN(3) == 0 { // often, b is an edit of a
			b = slices.Clone(a)
			for range r.IntN(4) {
				if len(b) > 0 && r.IntN(2) == 0 {
					i := r.IntN(len(b))
					b = slices.Delete(b, i, i+1)
				} else {
					i := r.IntN(len(b) + 1)
					b = slices.Insert(b, i, string(rune('a'+r.IntN(5))))
				}
			}
		}
		checkDiff(t, a, b)
	}
}

func TestSanitizeMarkdown(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  停电超过 8 小时 < 8 h 的情形  \r\n第二行\t ", "  停电超过 8 小时 < 8 h 的情形\n第二行"},
		{"a<1, b>2, x <y", "a<1, b>2, x <y"},
		{"a<b and b>c", "ac"}, // a browser reads <b and b> as a tag too
		{"**粗体** <script>alert(1)</script>文字", "**粗体** alert(1)文字"},
		{"<img src=x onerror=alert(1)>图片", "图片"},
		{"<scr<b>ipt>alert(1)</script>", "alert(1)"},
		{"注释<!-- 隐藏 -->可见", "注释可见"},
		{"[点我](javascript:alert(1)) 和 [链接](https://example.com)", "[点我](#alert(1)) 和 [链接](https://example.com)"},
		{"见 <https://example.com/plan>", "见 <https://example.com/plan>"},
		{"\n\n正文\n\n", "正文"},
		{"bell\x07 char", "bell char"},
	}
	for _, c := range cases {
		if got := SanitizeMarkdown(c.in); got != c.want {
			t.Errorf("SanitizeMarkdown(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
