package orgio

import (
	"fmt"
	"strings"

	"github.com/continuo-bcm/continuo/internal/org"
)

// unitIndex finds stored org units by what people write in a spreadsheet:
// a code, a name in either language, or a path of those.
type unitIndex struct {
	byID     map[int64]org.Unit
	byCode   map[string][]int64
	byName   map[string][]int64
	children map[int64][]int64
}

func newUnitIndex(units []org.Unit) *unitIndex {
	x := &unitIndex{byID: map[int64]org.Unit{}, byCode: map[string][]int64{}, byName: map[string][]int64{}, children: map[int64][]int64{}}
	for _, u := range units {
		x.byID[u.ID] = u
		if u.Code != "" {
			k := nameKey(u.Code)
			x.byCode[k] = append(x.byCode[k], u.ID)
		}
		for _, n := range uniqueKeys(u.Name, u.NameEn) {
			x.byName[n] = append(x.byName[n], u.ID)
		}
		if u.ParentID != nil {
			x.children[*u.ParentID] = append(x.children[*u.ParentID], u.ID)
		}
	}
	return x
}

// uniqueKeys returns the name keys of the given names, without blanks and
// repeats (a unit whose English name equals its Chinese one counts once).
func uniqueKeys(names ...string) []string {
	var out []string
	for _, n := range names {
		k := nameKey(n)
		if k == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == k
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}

// display names a unit by its path of names, which is what tells two
// departments called 运营部 apart.
func (x *unitIndex) display(id int64) string {
	var parts []string
	for i := 0; i < 64; i++ {
		u, ok := x.byID[id]
		if !ok {
			break
		}
		parts = append([]string{u.Name}, parts...)
		if u.ParentID == nil {
			break
		}
		id = *u.ParentID
	}
	return strings.Join(parts, "/")
}

// resolve finds the unit named by v; the message says why it could not.
func (x *unitIndex) resolve(v string) (org.Unit, string) {
	ids, why := x.match(v, nil)
	if why != "" {
		return org.Unit{}, why
	}
	if len(ids) == 1 {
		return x.byID[ids[0]], ""
	}
	// A path: "杭州分公司/运营部", "HZ/运营部", "华东星链物流集团 > 杭州分公司 > 运营部".
	segs := splitPath(v)
	if len(segs) > 1 {
		var scope []int64
		for i, s := range segs {
			ids, why := x.match(s, scope)
			if why != "" {
				return org.Unit{}, fmt.Sprintf("in “%s”: %s", v, why)
			}
			if len(ids) == 0 {
				if i == 0 {
					return org.Unit{}, fmt.Sprintf("no org unit with code or name “%s” (from “%s”)", s, v)
				}
				return org.Unit{}, fmt.Sprintf("“%s” has no sub-unit with code or name “%s”", x.display(scope[0]), s)
			}
			if i == len(segs)-1 {
				return x.byID[ids[0]], ""
			}
			scope = []int64{ids[0]}
		}
	}
	return org.Unit{}, fmt.Sprintf("no org unit with code or name “%s”", v)
}

// match looks v up as a code, then as a name, among all units or, with a
// scope, among the children of the one unit in scope. It returns at most
// one id, or a message when v is ambiguous.
func (x *unitIndex) match(v string, scope []int64) ([]int64, string) {
	k := nameKey(v)
	if k == "" {
		return nil, ""
	}
	within := func(ids []int64) []int64 {
		if scope == nil {
			return ids
		}
		var out []int64
		for _, c := range x.children[scope[0]] {
			for _, id := range ids {
				if id == c {
					out = append(out, id)
				}
			}
		}
		return out
	}
	if ids := within(x.byCode[k]); len(ids) == 1 {
		return ids, ""
	} else if len(ids) > 1 {
		return nil, fmt.Sprintf("code “%s” is used by %d units (%s); give the code a unique value first", v, len(ids), x.list(ids))
	}
	if ids := within(x.byName[k]); len(ids) == 1 {
		return ids, ""
	} else if len(ids) > 1 {
		return nil, fmt.Sprintf("“%s” matches %d units (%s); use the unit code or a path such as “%s”", v, len(ids), x.list(ids), x.display(ids[0]))
	}
	return nil, ""
}

func (x *unitIndex) list(ids []int64) string {
	parts := make([]string, 0, len(ids))
	for i, id := range ids {
		if i == 5 {
			parts = append(parts, "…")
			break
		}
		s := x.display(id)
		if c := x.byID[id].Code; c != "" {
			s += " [" + c + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func splitPath(v string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '／' || r == '>' || r == '＞' || r == '\\' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// siteIndex finds stored sites by name in either language.
type siteIndex struct {
	byName map[string][]org.Site
}

func newSiteIndex(sites []org.Site) *siteIndex {
	x := &siteIndex{byName: map[string][]org.Site{}}
	for _, s := range sites {
		for _, k := range uniqueKeys(s.Name, s.NameEn) {
			x.byName[k] = append(x.byName[k], s)
		}
	}
	return x
}

func (x *siteIndex) resolve(v string) (org.Site, string) {
	switch ss := x.byName[nameKey(v)]; len(ss) {
	case 1:
		return ss[0], ""
	case 0:
		return org.Site{}, fmt.Sprintf("no site named “%s”", v)
	default:
		return org.Site{}, fmt.Sprintf("“%s” matches %d sites; give them distinct names first", v, len(ss))
	}
}
