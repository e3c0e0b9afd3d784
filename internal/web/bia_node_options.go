package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaPickerSize is the most processes and resources a node picker lists:
// the user narrows the list by typing.
const biaPickerSize = 50

// biaPickerBlanks are the labels of a picker's empty choice.
var biaPickerBlanks = []string{"common.choose", "bia.no_alternative", "bia.pick_node"}

// biaPicker is a node picker as the bia_node_picker template draws it.
type biaPicker struct {
	P        Page
	Name     string // the form field: the reference (p12, r7) goes in it
	ID       string
	Label    string
	Family   string // "process", "resource" or "" for both
	Blank    string // catalog key of the empty choice, "" for none
	Search   string // the text typed in the search box
	Selected string
	Options  []option
	More     bool // more nodes match than are listed
	Err      string
}

// WithErr returns the picker marked with an error message.
func (pk biaPicker) WithErr(msg string) biaPicker {
	pk.Err = msg
	return pk
}

// biaNodeOption labels a node for a picker: kind, code and name.
func biaNodeOption(p Page, n bia.Node) option {
	return option{Value: n.Ref, Label: p.BIAKind(n.Kind) + " · " + p.NodeName(n)}
}

// fill lists the nodes matching the search (the important processes
// first when there is none), the selected node always among them.
func (pk *biaPicker) fill(ctx context.Context, svc *bia.Service) error {
	found, err := svc.FindNodes(ctx, bia.NodeQuery{Query: pk.Search, Family: pk.Family, Limit: biaPickerSize + 1})
	if err != nil {
		return err
	}
	if len(found) > biaPickerSize {
		found, pk.More = found[:biaPickerSize], true
	}
	pk.Options = pk.Options[:0]
	if pk.Selected != "" && !slices.ContainsFunc(found, func(n bia.Node) bool { return n.Ref == pk.Selected }) {
		sel, err := svc.Nodes(ctx, pk.Selected)
		if err != nil {
			return err
		}
		if n, ok := sel[pk.Selected]; ok {
			pk.Options = append(pk.Options, biaNodeOption(pk.P, n))
		}
	}
	for _, n := range found {
		pk.Options = append(pk.Options, biaNodeOption(pk.P, n))
	}
	return nil
}

// resolveBIANode turns what a picker sent into a node reference: the
// chosen one when it matches the search text (or there is none), or else
// the node the search text names: by code or reference, or the only
// match. Without JavaScript the list does not follow the search box, so
// the text typed wins over a choice it does not match. errKey says why
// no node was taken (no match, or several to choose from).
func resolveBIANode(ctx context.Context, svc *bia.Service, chosen, search, family string) (ref, errKey string, err error) {
	search = strings.TrimSpace(search)
	if search == "" {
		return chosen, "", nil
	}
	if chosen != "" {
		nodes, err := svc.Nodes(ctx, chosen)
		if err != nil {
			return "", "", err
		}
		n, ok := nodes[chosen]
		if !ok || nodeMatches(n, search) {
			return chosen, "", nil // an unknown one is refused by the service, naming the field
		}
	}
	found, err := svc.FindNodes(ctx, bia.NodeQuery{Query: search, Family: family, Limit: 2})
	if err != nil {
		return "", "", err
	}
	switch {
	case len(found) == 0:
		return "", "bia.picker_none", nil
	case strings.EqualFold(found[0].Code, search) || found[0].Ref == search:
		if len(found) == 1 || !strings.EqualFold(found[1].Code, search) {
			return found[0].Ref, "", nil
		}
		return "", "bia.picker_several", nil
	case len(found) == 1:
		return found[0].Ref, "", nil
	}
	return "", "bia.picker_several", nil
}

// biaNodeOptions answers a node picker's search with <option> elements:
// at most biaPickerSize matches by code or name, the first one chosen.
// family=process or family=resource limits the matches to one family.
func (h *handler) biaNodeOptions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	field := q.Get("field")
	pk := biaPicker{P: h.base(w, r, ""), Family: q.Get("family"), Blank: q.Get("blank")}
	if pk.Family != "process" && pk.Family != "resource" {
		pk.Family = ""
	}
	// blank=none leaves the empty choice out: a list to pick from, as
	// the risk form's process picker shows, rather than a select.
	if pk.Blank == "none" {
		pk.Blank = ""
	} else if !slices.Contains(biaPickerBlanks, pk.Blank) {
		pk.Blank = biaPickerBlanks[0]
	}
	if field != "" {
		pk.Search = strings.TrimSpace(q.Get(field + "_q"))
	}
	if pk.Search == "" {
		pk.Search = strings.TrimSpace(q.Get("q"))
	}
	if err := pk.fill(r.Context(), h.d.BIA); err != nil {
		h.fail(w, r, err)
		return
	}
	if pk.Search != "" && len(pk.Options) > 0 {
		pk.Selected = pk.Options[0].Value
	}
	h.renderPartial(w, r, http.StatusOK, sharedSet, "bia_node_options", pk)
}

// nodeMatches reports whether the search text is found in the node's
// code, names or reference, ignoring case, as FindNodes matches.
func nodeMatches(n bia.Node, search string) bool {
	key := strings.ToLower(n.Code + "\x00" + n.Name + "\x00" + n.NameEn + "\x00" + n.Ref)
	return strings.Contains(key, strings.ToLower(search))
}
