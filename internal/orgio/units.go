package orgio

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// kindNames maps what people write in the kind column to a unit kind.
var kindNames = map[string]org.UnitKind{
	"group": org.KindGroup, "集团": org.KindGroup, "集团总部": org.KindGroup, "总部": org.KindGroup, "总公司": org.KindGroup, "headquarters": org.KindGroup,
	"branch": org.KindBranch, "分公司": org.KindBranch, "分支机构": org.KindBranch,
	"subsidiary": org.KindSubsidiary, "子公司": org.KindSubsidiary, "控股子公司": org.KindSubsidiary, "全资子公司": org.KindSubsidiary,
	"department": org.KindDepartment, "dept": org.KindDepartment, "部门": org.KindDepartment, "职能部门": org.KindDepartment,
}

func parseKind(s string) (org.UnitKind, bool) {
	k, ok := kindNames[nameKey(s)]
	return k, ok
}

// unitNode is a unit as it will be after the import: a stored unit the
// file does not mention, a stored unit the file updates, or a new one.
type unitNode struct {
	line   int       // file row; 0 when the file does not mention the unit
	stored *org.Unit // nil for a unit the file creates
	unit   org.Unit  // the values to store (file rows only)
	parent int       // index of the parent node after the import; -1: top level
	id     int64     // stored id, or the id given on creation
	unitAt string    // display path, for messages
}

// ImportUnits creates and updates org units from a spreadsheet. A row whose
// code is already stored updates that unit; other rows create units. A
// parent may be a stored unit or any unit of the file, before or after the
// row that names it: units are stored parents first. Every row is checked
// before anything is stored; any problem rolls everything back.
func ImportUnits(ctx context.Context, svc *org.Service, t tx.Runner, r io.Reader, f Format) (Result, error) {
	principal, err := importer(ctx, authz.OrgWrite)
	if err != nil {
		return Result{}, err
	}
	tbl, err := readTable(r, f)
	if err != nil {
		return Result{}, err
	}
	var pr problems
	h := mapHeader(tbl, unitColumns, &pr)
	checkHeaderless(tbl, &pr)
	if !h.has("name") || !h.has("kind") {
		return Result{}, pr.err()
	}
	var res Result
	err = t.InTx(ctx, func(ctx context.Context) error {
		stored, err := svc.Units(ctx)
		if err != nil {
			return err
		}
		nodes, order := planUnits(stored, tbl, h, principal, &pr)
		if !pr.empty() {
			return pr.err()
		}
		res = Result{}
		for _, i := range order {
			n := &nodes[i]
			u := n.unit
			u.ParentID = nil
			if n.parent >= 0 {
				pid := nodes[n.parent].id
				if pid == 0 {
					continue // its parent failed and is already reported
				}
				u.ParentID = &pid
			}
			fieldOf := func(f string) string {
				if f == "parent_id" {
					return "parent"
				}
				return f
			}
			if n.stored == nil {
				created, err := svc.CreateUnit(ctx, u)
				if err != nil {
					if stop := serviceProblem(&pr, n.line, err, fieldOf, n.unitAt); stop != nil {
						return stop
					}
					continue
				}
				n.id = created.ID
				res.Created++
				continue
			}
			if _, err := svc.UpdateUnit(ctx, u); err != nil {
				if stop := serviceProblem(&pr, n.line, err, fieldOf, n.unitAt); stop != nil {
					return stop
				}
				continue
			}
			res.Updated++
		}
		res.Imported = res.Created + res.Updated
		return pr.err()
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// planUnits checks the rows against the stored tree and returns the nodes
// and the order to store the file's rows in (parents first).
func planUnits(stored []org.Unit, tbl *table, h headerIndex, principal authz.Principal, pr *problems) ([]unitNode, []int) {
	ux := newUnitIndex(stored)
	nodes := make([]unitNode, 0, len(stored)+len(tbl.rows))
	nodeOf := map[int64]int{}
	for i := range stored {
		u := stored[i]
		nodes = append(nodes, unitNode{stored: &u, unit: u, id: u.ID, parent: -1, unitAt: ux.display(u.ID)})
		nodeOf[u.ID] = i
	}
	for i := range nodes {
		if p := nodes[i].stored.ParentID; p != nil {
			if j, ok := nodeOf[*p]; ok {
				nodes[i].parent = j
			}
		}
	}

	// Pass 1: each row's own fields, and which stored unit it updates.
	parentCell := map[int]string{} // node → parent cell
	var fileNodes []int
	seenCode := map[string]int{}
	for _, r := range tbl.rows {
		code := cleanNumber(h.cell(r, "code"))
		idx := -1
		if code != "" {
			k := nameKey(code)
			if first, dup := seenCode[k]; dup {
				pr.add(r.line, "code", "code “%s” is also on row %d", code, first)
				continue
			}
			seenCode[k] = r.line
			switch ids := ux.byCode[k]; len(ids) {
			case 0:
			case 1:
				idx = nodeOf[ids[0]]
			default:
				pr.add(r.line, "code", "code “%s” is used by %d stored units (%s); give them distinct codes first", code, len(ids), ux.list(ids))
				continue
			}
		}
		var n unitNode
		if idx >= 0 {
			n = nodes[idx]
		} else {
			n = unitNode{parent: -1}
		}
		n.line = r.line
		if n.stored == nil {
			// A stored unit keeps its code as written: the code is the key
			// that matched, whatever its case in the file.
			n.unit.Code = code
		}
		n.unit.Name = h.cell(r, "name")
		if n.unit.Name == "" {
			pr.add(r.line, "name", "is required")
		}
		if h.has("name_en") {
			n.unit.NameEn = h.cell(r, "name_en")
		}
		if v := h.cell(r, "kind"); v == "" {
			pr.add(r.line, "kind", "is required: group, branch, subsidiary or department (集团/分公司/子公司/部门)")
		} else if k, ok := parseKind(v); ok {
			n.unit.Kind = k
		} else {
			pr.add(r.line, "kind", "“%s” is not a unit kind; use group, branch, subsidiary or department (集团/分公司/子公司/部门)", v)
		}
		if v := cleanNumber(h.cell(r, "sort_order")); v != "" {
			if so, err := strconv.Atoi(width.Fold.String(v)); err == nil && so >= math.MinInt32 && so <= math.MaxInt32 {
				n.unit.SortOrder = so
			} else {
				pr.add(r.line, "sort_order", "“%s” is not a whole number", v)
			}
		}
		if err := n.unit.Validate(); err != nil {
			for _, fe := range errs.FieldsOf(err) {
				if (fe.Field == "name" && n.unit.Name == "") || (fe.Field == "kind") {
					continue // reported above
				}
				pr.add(r.line, fe.Field, "%s", fe.Message)
			}
		}
		if n.stored == nil {
			n.unitAt = n.unit.Name
			idx = len(nodes)
			nodes = append(nodes, n)
		} else {
			nodes[idx] = n
		}
		fileNodes = append(fileNodes, idx)
		parentCell[idx] = h.cell(r, "parent")
	}

	// Pass 2: parents, among stored units and the file's rows alike. A
	// stored unit the file updates is known by its new code and names.
	byCode, byName := map[string][]int{}, map[string][]int{}
	for i, n := range nodes {
		if n.unit.Code != "" {
			k := nameKey(n.unit.Code)
			byCode[k] = append(byCode[k], i)
		}
		for _, k := range uniqueKeys(n.unit.Name, n.unit.NameEn) {
			byName[k] = append(byName[k], i)
		}
	}
	describe := func(ids []int) string {
		parts := make([]string, 0, len(ids))
		for j, i := range ids {
			if j == 5 {
				parts = append(parts, "…")
				break
			}
			s := nodes[i].unitAt
			if nodes[i].line > 0 {
				s += " (row " + strconv.Itoa(nodes[i].line) + ")"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", ")
	}
	for _, i := range fileNodes {
		n := &nodes[i]
		v := parentCell[i]
		if v == "" {
			if n.stored == nil {
				n.parent = -1
			}
			continue // an existing unit keeps its parent
		}
		k := nameKey(v)
		cands := byCode[k]
		if len(cands) == 0 {
			cands = byName[k]
		}
		switch len(cands) {
		case 0:
			pr.add(n.line, "parent", "no org unit with code or name “%s”, neither stored nor in this file", v)
		case 1:
			if cands[0] == i {
				pr.add(n.line, "parent", "a unit cannot be its own parent")
			} else {
				n.parent = cands[0]
			}
		default:
			pr.add(n.line, "parent", "“%s” matches %d units (%s); use the unit code", v, len(cands), describe(cands))
		}
	}

	// Pass 3: the tree after the import must have no loops.
	state := make([]uint8, len(nodes)) // 0 unseen, 1 on the current walk, 2 done
	for _, start := range fileNodes {
		var walk []int
		i := start
		for i >= 0 && state[i] == 0 {
			state[i] = 1
			walk = append(walk, i)
			i = nodes[i].parent
		}
		if i >= 0 && state[i] == 1 {
			// The walk from i back to i is a loop.
			k := 0
			for walk[k] != i {
				k++
			}
			loop := walk[k:]
			names := make([]string, 0, len(loop)+1)
			for _, j := range loop {
				names = append(names, nodeName(nodes[j]))
			}
			names = append(names, nodeName(nodes[i]))
			for _, j := range loop {
				if nodes[j].line > 0 {
					pr.add(nodes[j].line, "parent", "the parents form a loop: %s", strings.Join(names, " → "))
				}
			}
		}
		for _, j := range walk {
			state[j] = 2
		}
	}
	if !pr.empty() {
		return nodes, nil
	}

	// Pass 4: may the principal do it? The org service checks again when
	// storing; checking here reports every row at once.
	rootOK := principal.System || principal.HasRole(authz.Admin)
	anchor := func(i int) (string, bool) { // path of the nearest stored unit at or above node i
		for ; i >= 0; i = nodes[i].parent {
			if nodes[i].stored != nil {
				return nodes[i].stored.Path, true
			}
		}
		return "", false
	}
	for _, i := range fileNodes {
		n := &nodes[i]
		if n.stored != nil && !principal.On(authz.OrgWrite, n.stored.Path) {
			pr.add(n.line, "code", "you may not change org unit “%s”", n.unitAt)
			continue
		}
		moved := n.stored == nil || !sameParentNode(nodes, n)
		if !moved {
			continue
		}
		if path, ok := anchor(n.parent); ok {
			if !principal.On(authz.OrgWrite, path) {
				pr.add(n.line, "parent", "you may not add or move org units under “%s”", nodeName(nodes[n.parent]))
			}
		} else if !rootOK {
			pr.add(n.line, "parent", "only an administrator can create a top-level unit; name a parent unit")
		}
	}
	if !pr.empty() {
		return nodes, nil
	}

	// Order: by depth in the tree after the import, so that every unit's
	// new parent and ancestors already stand where they will stay.
	depth := make([]int, len(nodes))
	known := make([]bool, len(nodes))
	for _, start := range fileNodes {
		var walk []int
		i := start
		for i >= 0 && !known[i] {
			walk = append(walk, i)
			i = nodes[i].parent
		}
		d := -1
		if i >= 0 {
			d = depth[i]
		}
		for k := len(walk) - 1; k >= 0; k-- {
			d++
			depth[walk[k]], known[walk[k]] = d, true
		}
	}
	order := append([]int(nil), fileNodes...)
	sort.SliceStable(order, func(a, b int) bool { return depth[order[a]] < depth[order[b]] })
	return nodes, order
}

func sameParentNode(nodes []unitNode, n *unitNode) bool {
	old := n.stored.ParentID
	if n.parent < 0 {
		return old == nil
	}
	p := nodes[n.parent]
	return old != nil && p.stored != nil && p.stored.ID == *old
}

func nodeName(n unitNode) string {
	if n.unit.Code != "" {
		return fmt.Sprintf("%s [%s]", n.unit.Name, n.unit.Code)
	}
	return n.unit.Name
}
