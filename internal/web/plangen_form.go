package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/plangen"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// plangenForm is the generator wizard as typed.
type plangenForm struct {
	Industry           string
	Size               string
	Region             string
	Language           string
	UnitID             string
	Code               string
	CriticalSystems    string
	PaymentProviders   string
	LogisticsProviders string
	Sites              string
	Regulators         string
}

// plangenLevel is how many risks of the draft have one level.
type plangenLevel struct {
	Level risk.Level
	Name  string
	Count int
}

// plangenPreview is the headline content of a draft before it is stored.
type plangenPreview struct {
	Draft  *plangen.Draft
	Levels []plangenLevel
	Tasks  int
}

// plangenCreated is what a stored draft holds, for the confirmation.
type plangenCreated struct {
	Plan      plan.Plan
	Version   int
	Risks     int
	Teams     []string
	Playbooks []plan.Playbook
	Tasks     int
	Targets   []plan.RecoveryTarget
	Audiences int
	Resources int
	Drills    []plan.Drill
	Courses   int
	APIURL    string
}

type plangenPage struct {
	Page
	formState
	Form       plangenForm
	Industries []option
	Sizes      []option
	Regions    []option
	Languages  []option
	Units      []option
	Preview    *plangenPreview
	Created    *plangenCreated
}

var plangenFields = []string{"industry", "size", "region", "language", "unit_id", "code", "sites",
	"critical_systems", "critical_systems[", "payment_providers", "logistics_providers", "regulators"}

// Minutes returns a number of minutes as the plan states time limits.
func (plangenPage) Minutes(m int) string { return plan.FormatMinutes(m) }

// RPO returns a recovery point objective for display.
func (plangenPage) RPO(m *int) string {
	if m == nil {
		return "—"
	}
	return plan.FormatMinutes(*m)
}

func (h *handler) plangenPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f plangenForm) (plangenPage, error) {
	p := plangenPage{Page: h.base(w, r, "plangen.title"), Form: f}
	kb, err := plangen.Builtin()
	if err != nil {
		return p, err
	}
	ch := kb.Choices()
	choose := option{Value: "", Label: p.Tr.T("common.choose")}
	list := func(cs []plangen.Choice, selected string) []option {
		out := []option{choose}
		for _, c := range cs {
			out = append(out, option{Value: c.ID, Label: p.L(c.Name, c.NameEn), Selected: c.ID == selected})
		}
		return out
	}
	p.Industries = list(ch.Industries, f.Industry)
	p.Sizes = list(ch.Sizes, f.Size)
	p.Regions = list(ch.Regions, f.Region)
	p.Languages = []option{{Value: plangen.LangZh, Label: "中文", Selected: f.Language == plangen.LangZh},
		{Value: plangen.LangEn, Label: "English", Selected: f.Language == plangen.LangEn}}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	opts := unitOptions(p.Page, units, f.UnitID, nil)
	for i, u := range units {
		opts[i].Disabled = !p.principal.On(authz.PlanWrite, u.Path)
	}
	p.Units = opts
	return p, nil
}

// request reads the form into a generator request; field errors are the
// form's own (a unit or a number that does not parse).
func (f plangenForm) request() (plangen.Request, error) {
	req := plangen.Request{Input: plangen.Input{Industry: f.Industry, Size: f.Size, Region: f.Region, Language: f.Language,
		CriticalSystems: splitList(f.CriticalSystems), PaymentProviders: splitList(f.PaymentProviders),
		LogisticsProviders: splitList(f.LogisticsProviders), Regulators: splitList(f.Regulators)}, Code: strings.TrimSpace(f.Code)}
	var v errs.Validation
	if id, ok := parseID(f.UnitID); ok {
		req.UnitID = id
	} else {
		v.Add("unit_id", "no org unit with this id")
	}
	if s := strings.TrimSpace(f.Sites); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			v.Add("sites", "must be a whole number, 0 or more")
		}
		req.Sites = n
	}
	return req, v.Err()
}

// splitList splits a list typed in one field: by commas (either width),
// enumeration commas, semicolons or lines.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n' || r == '\r'
	}) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func formOf(get func(string) string) plangenForm {
	return plangenForm{Industry: get("industry"), Size: get("size"), Region: get("region"), Language: get("language"),
		UnitID: strings.TrimSpace(get("unit_id")), Code: get("code"), CriticalSystems: get("critical_systems"),
		PaymentProviders: get("payment_providers"), LogisticsProviders: get("logistics_providers"), Sites: get("sites"),
		Regulators: get("regulators")}
}

// showPlanGenerator shows the wizard; with ?preview=1 it drafts the
// chosen input and shows its headline content, and with ?created=ID the
// summary of a plan it stored.
func (h *handler) showPlanGenerator(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := formOf(q.Get)
	if f.Language == "" {
		f.Language = plangen.LangZh
		if h.langOf(r) == i18n.EN {
			f.Language = plangen.LangEn
		}
	}
	p, err := h.plangenPage(ctx, w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if id, ok := parseID(q.Get("created")); ok && id > 0 {
		if p.Created, err = h.plangenCreated(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
		p.Title = p.Tr.T("plangen.created_title")
		h.render(w, r, http.StatusOK, "plangen", p)
		return
	}
	status := http.StatusOK
	if q.Get("preview") != "" {
		req, err := f.request()
		if err == nil {
			req.AsOf = h.d.Clock.Now().UTC()
			// The preview is written in the page's language.
			req.Language = string(p.Lang)
			var d *plangen.Draft
			if d, err = plangen.Generate(req.Input); err == nil {
				p.Preview = preview(p.Page, d)
			}
		}
		if err != nil {
			if !p.setErr(p.Tr, err, plangenFields...) {
				h.fail(w, r, err)
				return
			}
			status = http.StatusUnprocessableEntity
		}
	}
	h.render(w, r, status, "plangen", p)
}

func preview(p Page, d *plangen.Draft) *plangenPreview {
	pv := &plangenPreview{Draft: d}
	for _, l := range []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low} {
		n := 0
		for _, r := range d.Risks {
			if r.Level == l {
				n++
			}
		}
		zh, en := risk.LevelLabel(l)
		pv.Levels = append(pv.Levels, plangenLevel{Level: l, Name: p.L(zh, en), Count: n})
	}
	for _, pb := range d.Playbooks {
		pv.Tasks += len(pb.Actions)
	}
	return pv
}

// plangenCreated summarises a stored plan's first version.
func (h *handler) plangenCreated(ctx context.Context, id int64) (*plangenCreated, error) {
	pl, err := h.d.Plan.Plan(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := h.d.Plan.Version(ctx, id, 1)
	if err != nil {
		return nil, err
	}
	c := v.Content
	out := &plangenCreated{Plan: pl, Version: v.Number, Risks: len(c.Risks.RiskIDs), Playbooks: c.Playbooks,
		Targets: c.Recovery.Targets, Audiences: len(c.Communications.Audiences), Resources: len(c.Resources.Items),
		APIURL: "/api/v1/plans/" + strconv.FormatInt(id, 10)}
	for _, pb := range c.Playbooks {
		out.Tasks += len(pb.Tasks)
	}
	for _, d := range c.Training.Drills {
		if d.Kind == plan.Course {
			out.Courses++
		} else {
			out.Drills = append(out.Drills, d)
		}
	}
	names, err := h.d.Plan.Names(ctx, &c)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, t := range c.Organisation.Teams {
		if !seen[t.TeamID] {
			seen[t.TeamID] = true
			out.Teams = append(out.Teams, names.Teams[t.TeamID])
		}
	}
	return out, nil
}
