package web

import "testing"

// TestEveryPageTemplateParses parses every page's set: pages are parsed
// on first use in the server, so a broken page file must fail here.
func TestEveryPageTemplateParses(t *testing.T) {
	tpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.files) < 50 {
		t.Fatalf("only %d page files found", len(tpl.files))
	}
	if err := tpl.parseAll(); err != nil {
		t.Fatal(err)
	}
	for name := range tpl.files {
		set, err := tpl.page(name)
		if err != nil {
			t.Fatal(err)
		}
		if name != sharedSet && set.Lookup(name+".html") == nil {
			t.Errorf("page %s: its set has no template %s.html", name, name)
		}
	}
	if _, err := tpl.page("no-such-page"); err == nil {
		t.Error("an unknown page parsed")
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "999": "999", "1000": "1,000", "1500000": "1,500,000", "-25000.75": "-25,000.75",
		"123456789": "123,456,789", "": "", "1e6": "1e6", "abc": "abc", "12.3.4": "12.3.4",
	} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
