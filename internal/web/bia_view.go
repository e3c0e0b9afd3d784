package web

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
)

// biaPageSize is the length of a page of the process and resource lists.
const biaPageSize = 25

// BIAMinutes writes a duration in minutes in the page language (4 小时,
// 1 d 6 h); nil is a dash.
func (p Page) BIAMinutes(m *int) string {
	if m == nil {
		return "—"
	}
	return biaDuration(p.Tr, *m)
}

// BIADuration writes a duration in minutes in the page language.
func (p Page) BIADuration(m int) string { return biaDuration(p.Tr, m) }

func biaDuration(tr i18n.Translator, m int) string {
	if m <= 0 {
		return tr.T("bia.unit.m", 0)
	}
	var parts []string
	for _, u := range []struct {
		n   int
		key string
	}{{10080, "bia.unit.w"}, {1440, "bia.unit.d"}, {60, "bia.unit.h"}, {1, "bia.unit.m"}} {
		if m >= u.n {
			parts = append(parts, tr.T(u.key, m/u.n))
			m %= u.n
		}
	}
	return strings.Join(parts, " ")
}

// durationInput writes a duration for a form field: 4h, 1d 6h, 90m.
func durationInput(m *int) string {
	if m == nil {
		return ""
	}
	return bia.FormatMinutes(*m)
}

var durationPart = regexp.MustCompile(`^(\d+)\s*(w|d|h|m|min|周|天|日|小时|时|分钟|分)?$`)
var durationSplit = regexp.MustCompile(`(\d+\s*(?:min|小时|分钟|[wdhm周天日时分])?)`)

// parseDuration reads a duration typed in a form: whole minutes (90), or
// amounts with units (4h, 1d 6h, 2w, 30m; 4小时, 1天). "" is nil.
func parseDuration(s string) (*int, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return nil, true
	}
	parts := durationSplit.FindAllString(s, -1)
	if len(parts) == 0 || strings.TrimSpace(durationSplit.ReplaceAllString(s, "")) != "" {
		return nil, false
	}
	total := 0
	for _, part := range parts {
		m := durationPart.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return nil, false
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 10_000_000 {
			return nil, false
		}
		switch m[2] {
		case "w", "周":
			n *= 10080
		case "d", "天", "日":
			n *= 1440
		case "h", "小时", "时":
			n *= 60
		}
		total += n
	}
	return &total, true
}

// BIAKind names a resource kind (or "process") in the page language.
func (p Page) BIAKind(kind string) string { return p.Tr.T("bia.kind." + kind) }

// BIACategory names an impact category.
func (p Page) BIACategory(c bia.Category) string { return p.Tr.T("bia.category." + string(c)) }

// BIADepType names a dependency type.
func (p Page) BIADepType(t bia.DependencyType) string { return p.Tr.T("bia.dep." + string(t)) }

// BIAStatus names a questionnaire answer status.
func (p Page) BIAStatus(s bia.AnswerStatus) string { return p.Tr.T("bia.status." + string(s)) }

// BIALevel names an impact level 1–5.
func (p Page) BIALevel(l int) string {
	if l < 1 || l > bia.MaxLevel {
		return "—"
	}
	return p.Tr.T("bia.level." + strconv.Itoa(l))
}

// BIAStatusClass is the badge class of an answer status.
func (p Page) BIAStatusClass(s bia.AnswerStatus) string {
	switch s {
	case bia.Approved:
		return "ok"
	case bia.Submitted:
		return "info"
	case bia.Returned:
		return "warn"
	}
	return "muted"
}

// BIALevelClass is the colour class of an impact level: 5 and 4 red and
// orange, 3 yellow, 2 blue, 1 plain.
func (p Page) BIALevelClass(l int) string {
	switch {
	case l >= 5:
		return "lvl-1"
	case l == 4:
		return "lvl-2"
	case l == 3:
		return "lvl-3"
	case l == 2:
		return "lvl-4"
	}
	return "muted"
}

// NodeName names a node of the graph in the page language, with its code.
func (p Page) NodeName(n bia.Node) string {
	name := p.L(n.Name, n.NameEn)
	if name == "" {
		return n.Ref
	}
	if n.Code != "" {
		return n.Code + " " + name
	}
	return name
}

// NodeURL is where a node is shown: a process's page, or the graph with a
// resource picked and what its loss takes down.
func (p Page) NodeURL(n bia.Node) string {
	if n.Kind == "process" {
		return "/bia/processes/" + strconv.FormatInt(n.ID, 10)
	}
	return "/bia/graph?node=" + n.Ref
}

// biaNames gives the unit and people names a BIA page shows.
func (h *handler) biaNames(ctx context.Context, p Page, personIDs []int64) (units []org.Unit, unitName map[int64]string, people map[int64]string, err error) {
	units, err = h.d.Org.Units(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	unitName = unitNames(p, units)
	people = map[int64]string{}
	if len(personIDs) > 0 {
		found, err := h.d.Org.PeopleByIDs(ctx, personIDs)
		if err != nil {
			return nil, nil, nil, err
		}
		for id, person := range found {
			people[id] = p.L(person.Name, person.NameEn)
		}
	}
	return units, unitName, people, nil
}

// nodeOptions lists the processes and resources of the graph for the
// dependency form, processes first; kinds limits them (nil: all).
func nodeOptions(p Page, nodes []bia.Node, selected string, blank string) []option {
	var out []option
	if blank != "" {
		out = append(out, option{Value: "", Label: blank, Selected: selected == ""})
	}
	for _, n := range nodes {
		out = append(out, option{Value: n.Ref, Label: p.BIAKind(n.Kind) + " · " + p.NodeName(n), Selected: n.Ref == selected})
	}
	return out
}

// biaRule maps an English message of the BIA service to a catalog key.
type biaRule struct {
	re   *regexp.Regexp
	key  string
	args func(tr i18n.Translator, m []string) []any
}

func minutesArg(tr i18n.Translator, s string) string {
	if m, ok := parseDuration(s); ok && m != nil {
		return biaDuration(tr, *m)
	}
	return s
}

var biaRules = []biaRule{
	{regexp.MustCompile(`^must not be greater than the MTPD(?: derived from the impacts)? \((.+)\), RTO is (.+)$`), "bia.err.rto_gt_mtpd",
		func(tr i18n.Translator, m []string) []any { return []any{minutesArg(tr, m[1]), minutesArg(tr, m[2])} }},
	{regexp.MustCompile(`^must be at least 1 minute(, or null when unknown)?$`), "bia.err.min_minute", nil},
	{regexp.MustCompile(`^a process or resource cannot depend on itself$`), "bia.err.self", nil},
	{regexp.MustCompile(`^a process or resource cannot stand in for itself$`), "bia.err.self_alt", nil},
	{regexp.MustCompile(`^a resource cannot depend on a process$`), "bia.err.resource_on_process", nil},
	{regexp.MustCompile(`^must differ from the dependency it stands in for$`), "bia.err.alt_same", nil},
	{regexp.MustCompile(`^must be a (process|resource), like what it stands in for$`), "bia.err.alt_family", nil},
	{regexp.MustCompile(`^(\w+) impact falls from (\d) at (\S+) to (\d) at (\S+); it must not decrease over time$`), "bia.err.impact_falls",
		func(tr i18n.Translator, m []string) []any {
			return []any{tr.T("bia.category." + m[1]), m[2], minutesArg(tr, m[3]), m[4], minutesArg(tr, m[5])}
		}},
	{regexp.MustCompile(`^(\w+) impact is not rated at (.+)$`), "bia.err.impact_missing",
		func(tr i18n.Translator, m []string) []any {
			var ts []string
			for _, s := range strings.Split(m[2], ", ") {
				ts = append(ts, minutesArg(tr, s))
			}
			return []any{tr.T("bia.category." + m[1]), strings.Join(ts, tr.T("bia.list_sep"))}
		}},
	{regexp.MustCompile(`^is required to submit when no impact reaches the intolerable level$`), "bia.err.mtpd_required", nil},
	{regexp.MustCompile(`^is required to submit$`), "bia.err.required_submit", nil},
	{regexp.MustCompile(`^is required: tell the owner what to change$`), "bia.err.comment_required", nil},
	{regexp.MustCompile(`^no process with id (\d+)$`), "bia.err.no_process", func(_ i18n.Translator, m []string) []any { return []any{m[1]} }},
	{regexp.MustCompile(`^no resource with id (\d+)$`), "bia.err.no_resource", func(_ i18n.Translator, m []string) []any { return []any{m[1]} }},
	{regexp.MustCompile(`^no site with id \d+$`), "validation.no_site", nil},
	{regexp.MustCompile(`^must list at least one process$`), "bia.err.no_processes", nil},
	{regexp.MustCompile(`^choose a unit$`), "bia.err.choose_unit", nil},
	{regexp.MustCompile(`^must be a date as YYYY-MM-DD$`), "bia.err.date", nil},
	{regexp.MustCompile(`^is for resources of kind site only$`), "bia.err.site_only", nil},
	{regexp.MustCompile(`^(p|r)\d+ already depends on (p|r)\d+$`), "bia.err.duplicate_dependency", nil},
	{regexp.MustCompile(`^must be a duration$`), "bia.err.duration", nil},
	{regexp.MustCompile(`^must be between 1 and 5$`), "bia.err.level", nil},
	{regexp.MustCompile(`^must be a number$`), "bia.err.number", nil},
	{regexp.MustCompile(`^rate the level where an amount is given$`), "bia.err.amount_without_level", nil},
	{regexp.MustCompile(`^must not be negative$`), "validation.not_negative", nil},
}

var biaMessageRules = []biaRule{
	{regexp.MustCompile(`^the campaign ".*" is closed$`), "bia.err.campaign_closed", nil},
	{regexp.MustCompile(`^the campaign is already closed$`), "bia.err.campaign_closed", nil},
	{regexp.MustCompile(`^the answer is (\w+) and can(?:not| no longer) be`), "bia.err.answer_locked",
		func(tr i18n.Translator, m []string) []any { return []any{tr.T("bia.status." + m[1])} }},
	{regexp.MustCompile(`^only a submitted answer can be (approved|returned); this one is (\w+)$`), "bia.err.not_submitted",
		func(tr i18n.Translator, m []string) []any { return []any{tr.T("bia.status." + m[2])} }},
}

func applyBIA(tr i18n.Translator, rules []biaRule, msg string) (string, bool) {
	for _, r := range rules {
		if m := r.re.FindStringSubmatch(msg); m != nil {
			var args []any
			if r.args != nil {
				args = r.args(tr, m)
			}
			return tr.T(r.key, args...), true
		}
	}
	return msg, false
}

// localizeBIA translates the BIA service's messages in err into the page
// language, keeping the fields they name.
func localizeBIA(tr i18n.Translator, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	cp := *e
	cp.Message, _ = applyBIA(tr, biaMessageRules, e.Message)
	cp.Fields = make([]errs.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		fe.Message, _ = applyBIA(tr, biaRules, fe.Message)
		cp.Fields[i] = fe
	}
	return &cp
}

// biaMessage is the localized message of a BIA error without fields, for
// flashes and summaries.
func biaMessage(tr i18n.Translator, err error) string {
	err = localizeBIA(tr, err)
	var e *errs.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return strings.Join(fieldList(tr, e.Fields), "; ")
	}
	return localizeMessage(tr, err)
}

// refNode returns the node of the graph with a reference, or a stand-in
// naming the reference when it is not (no longer) in the graph.
func refNode(nodes map[string]bia.Node, ref string) bia.Node {
	if n, ok := nodes[ref]; ok {
		return n
	}
	return bia.Node{Ref: ref, Name: ref}
}

// dependencyRefs lists the nodes the dependencies name, to look them up.
func dependencyRefs(deps []bia.Dependency) []string {
	var refs []string
	for _, d := range deps {
		refs = append(refs, d.From, d.To)
		if d.Alternative != "" {
			refs = append(refs, d.Alternative)
		}
	}
	return refs
}

// biaTab is an entry of the BIA area's tabs.
type biaTab struct {
	Label   string
	Href    string
	Current bool
}

// BIATabs are the BIA area's sections, the current one marked.
func (p Page) BIATabs(current string) []biaTab {
	var out []biaTab
	for _, t := range []struct{ key, href string }{
		{"bia.processes", "/bia"}, {"bia.resources", "/bia/resources"}, {"bia.campaigns", "/bia/campaigns"},
		{"bia.graph", "/bia/graph"}, {"bia.analysis", "/bia/analysis"},
	} {
		out = append(out, biaTab{Label: p.Tr.T(t.key), Href: t.href, Current: t.href == current})
	}
	return out
}

// BIALevels are the levels of the impact scale, 1 to 5.
func (p Page) BIALevels() []int {
	out := make([]int, bia.MaxLevel)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// BIAInt writes an optional count; nil is a dash.
func (p Page) BIAInt(n *int) string {
	if n == nil {
		return "—"
	}
	return strconv.Itoa(*n)
}
