package orgio

import "testing"

// Every header and alias of an import must lead to one column only, or a
// file could mean two things at once.
func TestHeaderNamesAreUnambiguous(t *testing.T) {
	for name, cols := range map[string][]column{"people": peopleColumns, "units": unitColumns} {
		seen := map[string]string{}
		for _, c := range cols {
			for _, n := range append([]string{c.Key, c.ZH}, c.Aliases...) {
				k := normHeader(n)
				if k == "" {
					t.Errorf("%s: %q normalises to nothing", name, n)
				}
				if other, ok := seen[k]; ok && other != c.Key {
					t.Errorf("%s: %q names both %s and %s", name, n, other, c.Key)
				}
				seen[k] = c.Key
			}
		}
	}
	for in, want := range map[string]string{"Employee No.": "employeeno", " E-Mail ": "email", "ＮＡＭＥ": "name", "姓名*": "姓名", "手机：": "手机"} {
		if got := normHeader(in); got != want {
			t.Errorf("normHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanNumber(t *testing.T) {
	for in, want := range map[string]string{"1.3800001234E10": "13800001234", "13800001234.0": "13800001234", "+86 138": "+86 138", "E001": "E001", "1.5": "1.5"} {
		if got := cleanNumber(in); got != want {
			t.Errorf("cleanNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
