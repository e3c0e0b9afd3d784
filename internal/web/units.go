package web

import (
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/org"
)

// option is one entry of a <select>.
type option struct {
	Value    string
	Label    string
	Selected bool
	Disabled bool
}

// unitNode is an org unit with its children, for the tree view.
type unitNode struct {
	org.Unit
	Children []*unitNode
}

// unitTree nests units (given in tree order) under their parents.
func unitTree(units []org.Unit) []*unitNode {
	nodes := make(map[int64]*unitNode, len(units))
	var roots []*unitNode
	for _, u := range units {
		nodes[u.ID] = &unitNode{Unit: u}
	}
	for _, u := range units {
		n := nodes[u.ID]
		if u.ParentID != nil {
			if parent, ok := nodes[*u.ParentID]; ok {
				parent.Children = append(parent.Children, n)
				continue
			}
		}
		roots = append(roots, n)
	}
	return roots
}

// unitDepths returns each unit's depth in the tree (roots are 0).
func unitDepths(units []org.Unit) map[int64]int {
	depth := make(map[int64]int, len(units))
	for _, u := range units { // tree order: parents come before children
		if u.ParentID != nil {
			depth[u.ID] = depth[*u.ParentID] + 1
		}
	}
	return depth
}

// unitOptions lists units for a select, indented by depth, in the page
// language. Units in the subtree of exclude (a unit being edited) are
// disabled: a unit cannot move under itself.
func unitOptions(p Page, units []org.Unit, selected string, exclude *org.Unit) []option {
	depth := unitDepths(units)
	out := make([]option, 0, len(units))
	for _, u := range units {
		id := strconv.FormatInt(u.ID, 10)
		out = append(out, option{
			Value:    id,
			Label:    strings.Repeat("\u2003", depth[u.ID]) + p.L(u.Name, u.NameEn),
			Selected: id == selected,
			Disabled: exclude != nil && strings.HasPrefix(u.Path, exclude.Path),
		})
	}
	return out
}

// unitNames maps unit ids to their names in the page language.
func unitNames(p Page, units []org.Unit) map[int64]string {
	m := make(map[int64]string, len(units))
	for _, u := range units {
		m[u.ID] = p.L(u.Name, u.NameEn)
	}
	return m
}

// parseID reads an optional id from a form value: "" is 0.
func parseID(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// idString formats an id for a form value; 0 is "".
func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
