package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
)

const planPageSize = 25

// planRow is one line of the plan library.
type planRow struct {
	plan.Plan
	Name      string
	KindName  string
	Badge     planBadge
	UnitName  string
	OwnerName string
	// Review is "overdue", "due" (within the reminder window) or "".
	Review   string
	DaysLeft int
}

// planListPage is the plan library with its filters.
type planListPage struct {
	Page
	Query, Kind, Status, UnitID, OwnerID, Review string

	Kinds    []option
	Statuses []option
	Units    []option
	Owners   []option
	Reviews  []option

	Plans   []planRow
	Total   int
	PageNo  int
	Pages   int
	PrevURL string
	NextURL string
	// DueCount is how many published plans are due or overdue for review.
	DueCount int
}

// Filtered reports whether any filter is set (for the empty message).
func (p planListPage) Filtered() bool {
	return p.Query != "" || p.Kind != "" || p.Status != "" || p.UnitID != "" || p.OwnerID != "" || p.Review != ""
}

func (p planListPage) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": p.Query, "kind": p.Kind, "status": p.Status, "unit": p.UnitID, "owner": p.OwnerID, "review": p.Review} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// listPlans shows the plan library, general plan first, with live
// filters; the filter form asks for the results block only.
func (h *handler) listPlans(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := planListPage{Page: h.base(w, r, "planweb.title")}
	p.PageNo, _ = strconv.Atoi(q.Get("page"))
	p.PageNo = max(p.PageNo, 1)
	p.Query = strings.TrimSpace(q.Get("q"))
	f := plan.Filter{Query: p.Query, Limit: planPageSize, Offset: (p.PageNo - 1) * planPageSize}
	// Unknown choices come from links and bookmarks: dropped, not refused.
	if k := plan.Kind(q.Get("kind")); k.Valid() {
		f.Kind, p.Kind = k, string(k)
	}
	if s := plan.Status(q.Get("status")); s.Valid() {
		f.Status, p.Status = s, string(s)
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if id, ok := parseID(q.Get("unit")); ok && id > 0 {
		if _, known := unitByID(units, id); known {
			f.UnitID, p.UnitID = id, idString(id)
		}
	}
	if id, ok := parseID(q.Get("owner")); ok && id > 0 {
		f.OwnerID, p.OwnerID = id, idString(id)
	}
	now := h.d.Clock.Now().UTC()
	today := now.Format(plan.DateLayout)
	soon := now.Add(plan.ReminderWindow).Format(plan.DateLayout)
	switch q.Get("review") {
	case "due":
		f.ReviewDueBy, p.Review = soon, "due"
	case "overdue":
		f.ReviewDueBy, p.Review = now.Add(-24*time.Hour).Format(plan.DateLayout), "overdue"
	}

	p.Kinds = []option{{Value: "", Label: p.Tr.T("planweb.all_kinds")}}
	for _, k := range plan.Kinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.PlanKind(k), Selected: p.Kind == string(k)})
	}
	p.Statuses = []option{{Value: "", Label: p.Tr.T("planweb.all_statuses")}}
	for _, s := range plan.Statuses {
		if s == plan.Superseded {
			continue // a plan's status is its newest version's, never superseded
		}
		p.Statuses = append(p.Statuses, option{Value: string(s), Label: p.PlanStatus(s).Label, Selected: p.Status == string(s)})
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("people.all_units")}}, unitOptions(p.Page, units, p.UnitID, nil)...)
	p.Reviews = []option{{Value: "", Label: p.Tr.T("planweb.review_any")},
		{Value: "due", Label: p.Tr.T("planweb.review_due_filter"), Selected: p.Review == "due"},
		{Value: "overdue", Label: p.Tr.T("planweb.review_overdue_filter"), Selected: p.Review == "overdue"}}

	plans, total, err := h.d.Plan.Plans(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Owners to filter by: the owners of all plans (a library holds tens
	// of plans, not thousands).
	all, _, err := h.d.Plan.Plans(ctx, plan.Filter{Limit: 500})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ownerIDs []int64
	seen := map[int64]bool{}
	for _, pl := range append(all, plans...) {
		if pl.OwnerID > 0 && !seen[pl.OwnerID] {
			seen[pl.OwnerID] = true
			ownerIDs = append(ownerIDs, pl.OwnerID)
		}
		if pl.PublishedVersion > 0 && pl.ReviewDue != "" && pl.ReviewDue <= soon && !seen[-pl.ID] {
			seen[-pl.ID] = true
			p.DueCount++
		}
	}
	people := map[int64]org.Person{}
	if len(ownerIDs) > 0 {
		if people, err = h.d.Org.PeopleByIDs(ctx, ownerIDs); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	p.Owners = []option{{Value: "", Label: p.Tr.T("planweb.all_owners")}}
	for _, id := range ownerIDs {
		if pr, ok := people[id]; ok {
			p.Owners = append(p.Owners, option{Value: idString(id), Label: p.L(pr.Name, pr.NameEn), Selected: p.OwnerID == idString(id)})
		}
	}
	unitName := unitNames(p.Page, units)
	day0, _ := time.Parse(plan.DateLayout, today)
	for _, pl := range plans {
		row := planRow{Plan: pl, Name: p.L(pl.Title, pl.TitleEn), KindName: p.PlanKind(pl.Kind), Badge: p.PlanStatus(pl.Status),
			UnitName: unitName[pl.UnitID]}
		if pr, ok := people[pl.OwnerID]; ok {
			row.OwnerName = p.L(pr.Name, pr.NameEn)
		}
		if pl.PublishedVersion > 0 && pl.ReviewDue != "" && pl.ReviewDue <= soon {
			row.Review = "due"
			if pl.ReviewDue < today {
				row.Review = "overdue"
			}
			if due, err := time.Parse(plan.DateLayout, pl.ReviewDue); err == nil {
				row.DaysLeft = int(due.Sub(day0).Hours() / 24)
			}
		}
		p.Plans = append(p.Plans, row)
	}
	p.Total = total
	p.Pages = (total + planPageSize - 1) / planPageSize
	pageURL := func(n int) string {
		v := p.values()
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/plans"
		}
		return "/plans?" + v.Encode()
	}
	p.PrevURL, p.NextURL = pageURL(p.PageNo-1), pageURL(p.PageNo+1)
	if isPartial(r) && r.Header.Get("HX-Target") == "plan-results" {
		h.renderPartial(w, r, http.StatusOK, "plan_list", "plan_results", p)
		return
	}
	h.render(w, r, http.StatusOK, "plan_list", p)
}

// OverdueDays is how many days ago the review fell due.
func (r planRow) OverdueDays() int { return -r.DaysLeft }
