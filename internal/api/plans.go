package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// planFields are a plan's library fields as a client writes them.
type planFields struct {
	Code         string          `json:"code,omitempty" maxLength:"50" doc:"your own reference, e.g. XL-YA-01; unique when given"`
	Kind         plan.Kind       `json:"kind" enum:"general,special,onsite,bcp,drp" doc:"general 综合应急预案, special 专项应急预案, onsite 现场处置方案, bcp business continuity plan, drp IT disaster recovery plan"`
	UnitID       int64           `json:"unit_id" doc:"the org unit the plan belongs to"`
	OwnerID      int64           `json:"owner_id,omitempty" doc:"the person answerable for keeping it current"`
	ReviewMonths int             `json:"review_months,omitempty" minimum:"0" maximum:"60" doc:"months from publication to the next review; 0 or absent: 12"`
	Approvers    []plan.Approver `json:"approvers,omitempty" maxItems:"20" doc:"who must approve each version: named accounts or roles; absent: one approval by any holder of plan.approve on the unit"`
	Quorum       int             `json:"quorum,omitempty" minimum:"0" doc:"how many of the approvers suffice; 0: all"`
}

func (b planFields) plan() plan.Plan {
	return plan.Plan{Code: b.Code, Kind: b.Kind, UnitID: b.UnitID, OwnerID: b.OwnerID, ReviewMonths: b.ReviewMonths,
		Approvers: b.Approvers, Quorum: b.Quorum}
}

// versionBody is the content of a draft as a client writes it.
type versionBody struct {
	Title      string       `json:"title" doc:"the plan's title in Chinese (or the organisation's language)"`
	TitleEn    string       `json:"title_en,omitempty"`
	ChangeNote string       `json:"change_note,omitempty" doc:"what changed and why"`
	Content    plan.Content `json:"content,omitempty"`
}

func (b versionBody) version() plan.Version {
	return plan.Version{Title: b.Title, TitleEn: b.TitleEn, ChangeNote: b.ChangeNote, Content: b.Content}
}

// newPlanBody creates a plan with its first draft: the library fields
// and the draft's title and content.
type newPlanBody struct {
	Code         string          `json:"code,omitempty" maxLength:"50" doc:"your own reference, e.g. XL-YA-01; unique when given"`
	Kind         plan.Kind       `json:"kind" enum:"general,special,onsite,bcp,drp"`
	UnitID       int64           `json:"unit_id" doc:"the org unit the plan belongs to"`
	OwnerID      int64           `json:"owner_id,omitempty" doc:"the person answerable for keeping it current"`
	ReviewMonths int             `json:"review_months,omitempty" minimum:"0" maximum:"60" doc:"months from publication to the next review; 0 or absent: 12"`
	Approvers    []plan.Approver `json:"approvers,omitempty" maxItems:"20"`
	Quorum       int             `json:"quorum,omitempty" minimum:"0"`
	Title        string          `json:"title"`
	TitleEn      string          `json:"title_en,omitempty"`
	ChangeNote   string          `json:"change_note,omitempty"`
	Content      plan.Content    `json:"content,omitempty"`
}

func (b newPlanBody) plan() plan.Plan {
	return planFields{Code: b.Code, Kind: b.Kind, UnitID: b.UnitID, OwnerID: b.OwnerID, ReviewMonths: b.ReviewMonths,
		Approvers: b.Approvers, Quorum: b.Quorum}.plan()
}

func (b newPlanBody) version() plan.Version {
	return versionBody{Title: b.Title, TitleEn: b.TitleEn, ChangeNote: b.ChangeNote, Content: b.Content}.version()
}

// planAndVersion is a plan with one of its versions.
type planAndVersion struct {
	Plan    plan.Plan    `json:"plan"`
	Version plan.Version `json:"version"`
}

type planPage struct {
	Items  []plan.Plan `json:"items"`
	Total  int         `json:"total" doc:"plans matching the filter, on all pages"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
}

type versionPath struct {
	ID     int64 `path:"id" minimum:"1" doc:"the plan"`
	Number int   `path:"number" minimum:"1" doc:"the version number"`
}

type decisionBody struct {
	Comment string `json:"comment,omitempty" maxLength:"4000" doc:"required when rejecting: what must change"`
}

func (h *handlers) registerPlans(api huma.API) {
	tags := []string{"plans"}
	read, write, approve := authz.Needs(authz.PlanRead), authz.Needs(authz.PlanWrite), authz.Needs(authz.PlanApprove)

	register(api, read, huma.Operation{
		OperationID: "list-plans", Method: http.MethodGet, Path: "/plans", Tags: tags,
		Summary:     "The plan library",
		Description: "Plans by kind (general plan first), then code and title. The title and status are those of each plan's newest version.",
	}, func(ctx context.Context, in *struct {
		Q         string      `query:"q" maxLength:"200" doc:"matches code and titles"`
		Kind      plan.Kind   `query:"kind" enum:"general,special,onsite,bcp,drp"`
		UnitID    int64       `query:"unit_id" minimum:"0" doc:"only plans of this unit and its sub-units"`
		Status    plan.Status `query:"status" enum:"draft,in_review,approved,published,superseded" doc:"status of the newest version"`
		Published bool        `query:"published" doc:"only plans with a version in force"`
		OwnerID   int64       `query:"owner_id" minimum:"0" doc:"only the plans of this owner (a person)"`
		ReviewBy  string      `query:"review_due_by" doc:"only published plans due for review on or before this day, YYYY-MM-DD"`
		Limit     int         `query:"limit" default:"50" minimum:"1" maximum:"500"`
		Offset    int         `query:"offset" minimum:"0"`
	}) (*out[planPage], error) {
		ps, total, err := h.d.Plan.Plans(ctx, plan.Filter{Query: in.Q, Kind: in.Kind, UnitID: in.UnitID, Status: in.Status,
			Published: in.Published, OwnerID: in.OwnerID, ReviewDueBy: in.ReviewBy, Limit: in.Limit, Offset: in.Offset})
		if err != nil {
			return nil, err
		}
		return ok(planPage{Items: nonNil(ps), Total: total, Limit: in.Limit, Offset: in.Offset})
	})

	register(api, write, huma.Operation{
		OperationID: "create-plan", Method: http.MethodPost, Path: "/plans", Tags: tags,
		Summary: "Add a plan with its first draft", DefaultStatus: http.StatusCreated,
		Description: "Creates the library entry and version 1 as a draft, authored by the caller. plan.write is checked on the plan's unit. " +
			"Teams, units, people and risks the content names must exist; free text is Markdown, and raw HTML in it is removed.",
	}, func(ctx context.Context, in *struct{ Body newPlanBody }) (*out[planAndVersion], error) {
		p, v, err := h.d.Plan.CreatePlan(ctx, in.Body.plan(), in.Body.version())
		if err != nil {
			return nil, err
		}
		return ok(planAndVersion{Plan: p, Version: v})
	})

	register(api, read, huma.Operation{
		OperationID: "plans-due-for-review", Method: http.MethodGet, Path: "/plans/due-for-review", Tags: tags,
		Summary: "Published plans due or overdue for review",
		Description: "Plans whose review falls due within 30 days of `as_of` (default today), or has passed, earliest first, " +
			"with the owner to remind.",
	}, func(ctx context.Context, in *struct {
		AsOf string `query:"as_of" doc:"the day to look from, YYYY-MM-DD; default today"`
	}) (*out[items[plan.ReviewReminder]], error) {
		at := h.d.Clock.Now()
		if in.AsOf != "" {
			d, err := time.Parse(plan.DateLayout, in.AsOf)
			if err != nil {
				return nil, errs.Field("query.as_of", "must be a date as YYYY-MM-DD")
			}
			at = d
		}
		return list(h.d.Plan.DueForReview(ctx, at))
	})

	register(api, read, huma.Operation{
		OperationID: "get-plan", Method: http.MethodGet, Path: "/plans/{id}", Tags: tags,
		Summary: "One plan of the library",
	}, func(ctx context.Context, in *idPath) (*out[plan.Plan], error) {
		p, err := h.d.Plan.Plan(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(p)
	})

	register(api, write, huma.Operation{
		OperationID: "update-plan", Method: http.MethodPut, Path: "/plans/{id}", Tags: tags,
		Summary: "Change a plan's library fields",
		Description: "Code, kind, unit, owner, review interval and approvers. The content changes only through drafts. " +
			"A new review interval moves the review due date of the version in force.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body planFields
	}) (*out[plan.Plan], error) {
		p := in.Body.plan()
		p.ID = in.ID
		p, err := h.d.Plan.UpdatePlan(ctx, p)
		if err != nil {
			return nil, err
		}
		return ok(p)
	})

	register(api, write, huma.Operation{
		OperationID: "delete-plan", Method: http.MethodDelete, Path: "/plans/{id}", Tags: tags,
		Summary:     "Delete a plan that was never published",
		Description: "Published plans are kept for the record: deleting one is refused with 409.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, h.d.Plan.DeletePlan(ctx, in.ID)
	})

	register(api, write, huma.Operation{
		OperationID: "confirm-plan-review", Method: http.MethodPost, Path: "/plans/{id}/confirm-review", Tags: tags,
		Summary:     "Record a review that found the plan still right",
		Description: "The next review falls due one review interval from today. A review that changes the plan starts a new draft instead.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body *struct {
			Note string `json:"note,omitempty" maxLength:"4000" doc:"what was reviewed"`
		}
	}) (*out[plan.Plan], error) {
		note := ""
		if in.Body != nil {
			note = in.Body.Note
		}
		p, err := h.d.Plan.ConfirmReview(ctx, in.ID, note)
		if err != nil {
			return nil, err
		}
		return ok(p)
	})

	register(api, read, huma.Operation{
		OperationID: "get-published-plan-version", Method: http.MethodGet, Path: "/plans/{id}/published", Tags: tags,
		Summary: "The version of a plan in force",
	}, func(ctx context.Context, in *idPath) (*out[planAndVersion], error) {
		p, v, err := h.d.Plan.Published(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(planAndVersion{Plan: p, Version: v})
	})

	register(api, read, huma.Operation{
		OperationID: "list-plan-versions", Method: http.MethodGet, Path: "/plans/{id}/versions", Tags: tags,
		Summary: "A plan's versions, newest first, without content",
	}, func(ctx context.Context, in *idPath) (*out[items[plan.VersionSummary]], error) {
		return list(h.d.Plan.Versions(ctx, in.ID))
	})

	register(api, write, huma.Operation{
		OperationID: "create-plan-version", Method: http.MethodPost, Path: "/plans/{id}/versions", Tags: tags,
		Summary: "Start a new draft from an earlier version", DefaultStatus: http.StatusCreated,
		Description: "Copies the content of version `from` (default: the version in force) into a new draft. " +
			"A plan has one version on its way at a time: 409 while a draft, a version in review or an approved one exists.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body *struct {
			From int `json:"from,omitempty" minimum:"0" doc:"the version to start from; 0 or absent: the version in force"`
		}
	}) (*out[plan.Version], error) {
		from := 0
		if in.Body != nil {
			from = in.Body.From
		}
		v, err := h.d.Plan.NewDraft(ctx, in.ID, from)
		if err != nil {
			return nil, err
		}
		return ok(v)
	})

	register(api, read, huma.Operation{
		OperationID: "get-plan-version", Method: http.MethodGet, Path: "/plans/{id}/versions/{number}", Tags: tags,
		Summary: "One version with its content and approval record",
	}, func(ctx context.Context, in *versionPath) (*out[plan.Version], error) {
		v, err := h.d.Plan.Version(ctx, in.ID, in.Number)
		if err != nil {
			return nil, err
		}
		return ok(v)
	})

	register(api, write, huma.Operation{
		OperationID: "update-plan-version", Method: http.MethodPut, Path: "/plans/{id}/versions/{number}", Tags: tags,
		Summary: "Replace the title and content of a draft",
		Description: "Only drafts change: a version in review or approved must be withdrawn first, and a published version never " +
			"changes (409); start a new draft from it instead.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID     int64 `path:"id" minimum:"1"`
		Number int   `path:"number" minimum:"1"`
		Body   versionBody
	}) (*out[plan.Version], error) {
		v, err := h.d.Plan.SaveDraft(ctx, in.ID, in.Number, in.Body.version())
		if err != nil {
			return nil, err
		}
		return ok(v)
	})

	register(api, write, huma.Operation{
		OperationID: "delete-plan-version", Method: http.MethodDelete, Path: "/plans/{id}/versions/{number}", Tags: tags,
		Summary: "Delete a draft", Errors: []int{http.StatusConflict},
		Description: "Only a draft that is not the plan's only version (delete the plan instead).",
	}, func(ctx context.Context, in *versionPath) (*struct{}, error) {
		return nil, h.d.Plan.DeleteDraft(ctx, in.ID, in.Number)
	})

	step := func(id, path, summary, description string, rule authz.Rule, do func(ctx context.Context, planID int64, number int) (plan.Version, error)) {
		register(api, rule, huma.Operation{
			OperationID: id, Method: http.MethodPost, Path: "/plans/{id}/versions/{number}/" + path, Tags: tags,
			Summary: summary, Description: description, Errors: []int{http.StatusConflict},
		}, func(ctx context.Context, in *versionPath) (*out[plan.Version], error) {
			v, err := do(ctx, in.ID, in.Number)
			if err != nil {
				return nil, err
			}
			return ok(v)
		})
	}
	step("submit-plan-version", "submit", "Submit a draft for review",
		"The draft goes to the plan's approvers; it cannot be edited while in review.", write, h.d.Plan.Submit)
	step("withdraw-plan-version", "withdraw", "Take a version in review or approved back to draft",
		"Approvals given so far no longer count.", write, h.d.Plan.Withdraw)
	step("publish-plan-version", "publish", "Publish an approved version",
		"The version comes into force and never changes again; the version in force before it is kept as superseded. "+
			"The plan's review falls due one review interval from today.", write, h.d.Plan.Publish)

	decide := func(id, path, summary, description string, verdict plan.Verdict) {
		register(api, approve, huma.Operation{
			OperationID: id, Method: http.MethodPost, Path: "/plans/{id}/versions/{number}/" + path, Tags: tags,
			Summary: summary, Description: description, Errors: []int{http.StatusConflict},
		}, func(ctx context.Context, in *struct {
			ID     int64 `path:"id" minimum:"1"`
			Number int   `path:"number" minimum:"1"`
			Body   *decisionBody
		}) (*out[plan.Version], error) {
			comment := ""
			if in.Body != nil {
				comment = in.Body.Comment
			}
			v, err := h.d.Plan.Decide(ctx, in.ID, in.Number, verdict, comment)
			if err != nil {
				return nil, err
			}
			return ok(v)
		})
	}
	decide("approve-plan-version", "approve", "Approve a version in review",
		"plan.approve is checked on the plan's unit. The version's author (or submitter) cannot approve it (403); each approver "+
			"decides once (409). When the plan's required approvals are reached the version is approved.", plan.Approve)
	decide("reject-plan-version", "reject", "Reject a version in review, with a comment",
		"The version goes back to draft; approvals given in this round lapse. The comment is required.", plan.Reject)

	register(api, read, huma.Operation{
		OperationID: "diff-plan-versions", Method: http.MethodGet, Path: "/plans/{id}/diff", Tags: tags,
		Summary: "Compare two versions of a plan",
		Description: "Section by section and playbook by playbook (matched by key), each written out as lines of text with " +
			"teams, units and people by name, with a line diff of every part that changed.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		From int   `query:"from" required:"true" minimum:"1" doc:"the older version"`
		To   int   `query:"to" required:"true" minimum:"1" doc:"the newer version"`
	}) (*out[plan.Diff], error) {
		if _, err := h.d.Plan.Plan(ctx, in.ID); err != nil {
			return nil, err
		}
		d, err := h.d.Plan.Diff(ctx, in.ID, in.From, in.To)
		if err != nil {
			return nil, problemOf(ctx, err, func(f string) string { return "query." + f })
		}
		return ok(d)
	})
}
