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
