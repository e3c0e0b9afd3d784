package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
)

// valuesBody are the BIA values of a process as a client writes them, in
// a process or a questionnaire answer.
type valuesBody struct {
	Impacts      []bia.ImpactPoint `json:"impacts,omitempty" maxItems:"200" doc:"impact per category and time point"`
	MTPDMinutes  *int              `json:"mtpd_minutes,omitempty" nullable:"true" doc:"maximum tolerable period of disruption; absent or null to derive it from the impacts"`
	RTOMinutes   *int              `json:"rto_minutes,omitempty" nullable:"true" doc:"recovery time objective; at most the MTPD"`
	RPOMinutes   *int              `json:"rpo_minutes,omitempty" nullable:"true" doc:"recovery point objective: the data loss tolerated; 0 for none"`
	MBCO         string            `json:"mbco,omitempty" doc:"minimum business continuity objective"`
	PeakPeriods  string            `json:"peak_periods,omitempty"`
	MinStaff     *int              `json:"min_staff,omitempty" nullable:"true"`
	MinResources string            `json:"min_resources,omitempty" doc:"minimum resources needed to recover"`
}

func (b valuesBody) values() bia.Values {
	return bia.Values{Impacts: b.Impacts, MTPDMinutes: b.MTPDMinutes, RTOMinutes: b.RTOMinutes, RPOMinutes: b.RPOMinutes,
		MBCO: b.MBCO, PeakPeriods: b.PeakPeriods, MinStaff: b.MinStaff, MinResources: b.MinResources}
}

// processBody is a business process as a client writes it.
type processBody struct {
	Code        string `json:"code,omitempty" doc:"your own reference, unique when given"`
	Name        string `json:"name"`
	NameEn      string `json:"name_en,omitempty"`
	OwnerID     *int64 `json:"owner_id,omitempty" nullable:"true" doc:"the person who owns the process"`
	UnitID      int64  `json:"unit_id" doc:"the org unit that runs it"`
	Description string `json:"description,omitempty"`
	Important   bool   `json:"important,omitempty" doc:"supports important business"`
	// The BIA values, as in valuesBody (huma does not flatten an
	// unexported embedded struct).
	Impacts      []bia.ImpactPoint `json:"impacts,omitempty" maxItems:"200" doc:"impact per category and time point"`
	MTPDMinutes  *int              `json:"mtpd_minutes,omitempty" nullable:"true" doc:"maximum tolerable period of disruption; absent or null to derive it from the impacts"`
	RTOMinutes   *int              `json:"rto_minutes,omitempty" nullable:"true" doc:"recovery time objective; at most the MTPD"`
	RPOMinutes   *int              `json:"rpo_minutes,omitempty" nullable:"true" doc:"recovery point objective: the data loss tolerated; 0 for none"`
	MBCO         string            `json:"mbco,omitempty" doc:"minimum business continuity objective"`
	PeakPeriods  string            `json:"peak_periods,omitempty"`
	MinStaff     *int              `json:"min_staff,omitempty" nullable:"true"`
	MinResources string            `json:"min_resources,omitempty" doc:"minimum resources needed to recover"`
}

func (b processBody) process(id int64) bia.Process {
	return bia.Process{ID: id, Code: b.Code, Name: b.Name, NameEn: b.NameEn, OwnerID: b.OwnerID, UnitID: b.UnitID,
		Description: b.Description, Important: b.Important, Values: valuesBody{Impacts: b.Impacts, MTPDMinutes: b.MTPDMinutes,
			RTOMinutes: b.RTOMinutes, RPOMinutes: b.RPOMinutes, MBCO: b.MBCO, PeakPeriods: b.PeakPeriods, MinStaff: b.MinStaff,
			MinResources: b.MinResources}.values()}
}

// resourceBody is a resource as a client writes it.
type resourceBody struct {
	Kind            bia.ResourceKind `json:"kind" enum:"application,data,site,supplier,equipment,role"`
	Code            string           `json:"code,omitempty"`
	Name            string           `json:"name"`
	NameEn          string           `json:"name_en,omitempty"`
	Description     string           `json:"description,omitempty"`
	UnitID          *int64           `json:"unit_id,omitempty" nullable:"true" doc:"the unit that manages it; absent for a resource of the whole organisation (needs bia.manage)"`
	SiteID          *int64           `json:"site_id,omitempty" nullable:"true" doc:"for kind site: the organisation's site it is"`
	OwnerID         *int64           `json:"owner_id,omitempty" nullable:"true"`
	RecoveryMinutes *int             `json:"recovery_minutes,omitempty" nullable:"true" doc:"time to recover it once lost; absent when unknown"`
}

func (b resourceBody) resource(id int64) bia.Resource {
	return bia.Resource{ID: id, Kind: b.Kind, Code: b.Code, Name: b.Name, NameEn: b.NameEn, Description: b.Description,
		UnitID: b.UnitID, SiteID: b.SiteID, OwnerID: b.OwnerID, RecoveryMinutes: b.RecoveryMinutes}
}

// dependencyBody is a dependency as a client writes it.
type dependencyBody struct {
	From        string             `json:"from" doc:"the dependent: p12 (process 12) or r7 (resource 7)"`
	To          string             `json:"to" doc:"what it depends on"`
	Alternative string             `json:"alternative,omitempty" doc:"what stands in when it is lost: a backup supplier, a backup site"`
	Type        bia.DependencyType `json:"type,omitempty" enum:"uses,hosted_on,located_at,supplied_by,staffed_by,input,other" doc:"default uses"`
	Note        string             `json:"note,omitempty"`
}

func (b dependencyBody) dependency(id int64) bia.Dependency {
	return bia.Dependency{ID: id, From: b.From, To: b.To, Alternative: b.Alternative, Type: b.Type, Note: b.Note}
}

// campaignBody launches a campaign.
type campaignBody struct {
	Name        string  `json:"name"`
	NameEn      string  `json:"name_en,omitempty"`
	Description string  `json:"description,omitempty"`
	Due         string  `json:"due,omitempty" doc:"YYYY-MM-DD"`
	ProcessIDs  []int64 `json:"process_ids" doc:"the processes whose owners get a questionnaire"`
}

// reviewBody is the office's decision on an answer.
type reviewBody struct {
	Comment string `json:"comment,omitempty" doc:"required when returning an answer"`
}

type processQuery struct {
	UnitID    int64  `query:"unit_id" minimum:"0" doc:"only processes of this unit and its sub-units"`
	Important bool   `query:"important" doc:"only processes that support important business"`
	Q         string `query:"q" maxLength:"200" doc:"matches code and names"`
}

// spofQuery pages the single points of failure.
type spofQuery struct {
	Limit  int `query:"limit" minimum:"0" maximum:"5000" doc:"at most this many; 0 (the default) for all"`
	Offset int `query:"offset" minimum:"0" doc:"entries to skip"`
}

// spofPage is a page of the single points of failure.
type spofPage struct {
	Items  []bia.SPOF `json:"items"`
	Total  int        `json:"total" doc:"single points of failure in all"`
	Limit  int        `json:"limit" doc:"0: no limit"`
	Offset int        `json:"offset"`
}

type failedQuery struct {
	Failed []string `query:"failed" required:"true" maxItems:"1000" doc:"the lost processes and resources, comma-separated: r7,r9"`
}

func (h *handlers) registerBIA(api huma.API) {
	tags := []string{"bia"}
	read, write, manage := authz.Needs(authz.BIARead), authz.Needs(authz.BIAWrite), authz.Needs(authz.BIAManage)
	s := func() *bia.Service { return h.d.BIA }

	register(api, read, huma.Operation{
		OperationID: "get-bia-settings", Method: http.MethodGet, Path: "/bia/settings", Tags: tags,
		Summary: "The BIA conventions: time points, intolerable level, currency",
	}, func(ctx context.Context, _ *struct{}) (*out[bia.Settings], error) {
		st, err := s().Settings(ctx)
		if err != nil {
			return nil, err
		}
		return ok(st)
	})
	register(api, manage, huma.Operation{
		OperationID: "update-bia-settings", Method: http.MethodPut, Path: "/bia/settings", Tags: tags,
		Summary:     "Change the BIA conventions",
		Description: "Stored values are kept; the new time points and intolerable level apply to what is written from now on.",
	}, func(ctx context.Context, in *struct{ Body bia.Settings }) (*out[bia.Settings], error) {
		st, err := s().SaveSettings(ctx, in.Body)
		if err != nil {
			return nil, err
		}
		return ok(st)
	})

	// ---- processes ----
	register(api, read, huma.Operation{
		OperationID: "list-bia-processes", Method: http.MethodGet, Path: "/bia/processes", Tags: tags,
		Summary: "Business processes with their current BIA values",
	}, func(ctx context.Context, in *processQuery) (*out[items[bia.Process]], error) {
		return list(s().Processes(ctx, bia.ProcessFilter{UnitID: in.UnitID, Important: in.Important, Query: in.Q}))
	})
	register(api, write, huma.Operation{
		OperationID: "create-bia-process", Method: http.MethodPost, Path: "/bia/processes", Tags: tags,
		Summary: "Create a business process", DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
		Description: "The MTPD is derived from the impacts (the first time point where an impact reaches the intolerable level) " +
			"when not given; the RTO must not exceed it.",
	}, func(ctx context.Context, in *struct{ Body processBody }) (*out[bia.Process], error) {
		p, err := s().SaveProcess(ctx, in.Body.process(0))
		if err != nil {
			return nil, err
		}
		return ok(p)
	})
	register(api, read, huma.Operation{
		OperationID: "get-bia-process", Method: http.MethodGet, Path: "/bia/processes/{id}", Tags: tags,
		Summary: "One business process",
	}, func(ctx context.Context, in *idPath) (*out[bia.Process], error) {
		p, err := s().Process(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(p)
	})
	register(api, write, huma.Operation{
		OperationID: "update-bia-process", Method: http.MethodPut, Path: "/bia/processes/{id}", Tags: tags,
		Summary: "Replace a business process and its values", Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body processBody
	}) (*out[bia.Process], error) {
		p, err := s().SaveProcess(ctx, in.Body.process(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(p)
	})
	register(api, write, huma.Operation{
		OperationID: "delete-bia-process", Method: http.MethodDelete, Path: "/bia/processes/{id}", Tags: tags,
		Summary: "Delete a business process with its dependencies and questionnaire answers",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, s().DeleteProcess(ctx, in.ID)
	})
	register(api, read, huma.Operation{
		OperationID: "list-bia-process-answers", Method: http.MethodGet, Path: "/bia/processes/{id}/answers", Tags: tags,
		Summary: "Every questionnaire answer of a process, oldest first",
	}, func(ctx context.Context, in *idPath) (*out[items[bia.Answer]], error) {
		if _, err := s().Process(ctx, in.ID); err != nil {
			return nil, err
		}
		return list(s().Answers(ctx, bia.AnswerFilter{ProcessID: in.ID}))
	})

	// ---- resources ----
	register(api, read, huma.Operation{
		OperationID: "list-bia-resources", Method: http.MethodGet, Path: "/bia/resources", Tags: tags,
		Summary: "Resources processes depend on: systems, data, sites, suppliers, equipment, key roles",
	}, func(ctx context.Context, in *struct {
		Kind string `query:"kind" enum:"application,data,site,supplier,equipment,role," doc:"only resources of this kind"`
	}) (*out[items[bia.Resource]], error) {
		return list(s().Resources(ctx, bia.ResourceKind(in.Kind)))
	})
	register(api, write, huma.Operation{
		OperationID: "create-bia-resource", Method: http.MethodPost, Path: "/bia/resources", Tags: tags,
		Summary: "Create a resource", DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct{ Body resourceBody }) (*out[bia.Resource], error) {
		r, err := s().SaveResource(ctx, in.Body.resource(0))
		if err != nil {
			return nil, err
		}
		return ok(r)
	})
	register(api, read, huma.Operation{
		OperationID: "get-bia-resource", Method: http.MethodGet, Path: "/bia/resources/{id}", Tags: tags,
		Summary: "One resource",
	}, func(ctx context.Context, in *idPath) (*out[bia.Resource], error) {
		r, err := s().Resource(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(r)
	})
	register(api, write, huma.Operation{
		OperationID: "update-bia-resource", Method: http.MethodPut, Path: "/bia/resources/{id}", Tags: tags,
		Summary: "Replace a resource", Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body resourceBody
	}) (*out[bia.Resource], error) {
		r, err := s().SaveResource(ctx, in.Body.resource(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(r)
	})
	register(api, write, huma.Operation{
		OperationID: "delete-bia-resource", Method: http.MethodDelete, Path: "/bia/resources/{id}", Tags: tags,
		Summary:     "Delete a resource",
		Description: "Dependencies from and on it go with it; where it was an alternative, the dependency stays without one.",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, s().DeleteResource(ctx, in.ID)
	})

	// ---- dependencies ----
	register(api, read, huma.Operation{
		OperationID: "list-bia-dependencies", Method: http.MethodGet, Path: "/bia/dependencies", Tags: tags,
		Summary: "Dependencies, all or those touching one node",
	}, func(ctx context.Context, in *struct {
		Node string `query:"node" maxLength:"30" doc:"only dependencies from, on or with the alternative p12 / r7"`
	}) (*out[items[bia.Dependency]], error) {
		return list(s().Dependencies(ctx, in.Node))
	})
	register(api, write, huma.Operation{
		OperationID: "create-bia-dependency", Method: http.MethodPost, Path: "/bia/dependencies", Tags: tags,
		Summary: "Record that a process or resource depends on another", DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
		Description: "A node cannot depend on itself and a resource cannot depend on a process; every node named must exist.",
	}, func(ctx context.Context, in *struct{ Body dependencyBody }) (*out[bia.Dependency], error) {
		d, err := s().SaveDependency(ctx, in.Body.dependency(0))
		if err != nil {
			return nil, err
		}
		return ok(d)
	})
	register(api, read, huma.Operation{
		OperationID: "get-bia-dependency", Method: http.MethodGet, Path: "/bia/dependencies/{id}", Tags: tags,
		Summary: "One dependency",
	}, func(ctx context.Context, in *idPath) (*out[bia.Dependency], error) {
		d, err := s().Dependency(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(d)
	})
	register(api, write, huma.Operation{
		OperationID: "update-bia-dependency", Method: http.MethodPut, Path: "/bia/dependencies/{id}", Tags: tags,
		Summary: "Replace a dependency", Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body dependencyBody
	}) (*out[bia.Dependency], error) {
		d, err := s().SaveDependency(ctx, in.Body.dependency(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(d)
	})
	register(api, write, huma.Operation{
		OperationID: "delete-bia-dependency", Method: http.MethodDelete, Path: "/bia/dependencies/{id}", Tags: tags,
		Summary: "Delete a dependency",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, s().DeleteDependency(ctx, in.ID)
	})

	// ---- campaigns and questionnaires ----
	register(api, read, huma.Operation{
		OperationID: "list-bia-campaigns", Method: http.MethodGet, Path: "/bia/campaigns", Tags: tags,
		Summary: "BIA campaigns, newest first, with their progress",
	}, func(ctx context.Context, _ *struct{}) (*out[items[bia.Campaign]], error) {
		return list(s().Campaigns(ctx))
	})
	register(api, manage, huma.Operation{
		OperationID: "launch-bia-campaign", Method: http.MethodPost, Path: "/bia/campaigns", Tags: tags,
		Summary: "Launch a campaign: each listed process's owner gets a questionnaire", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body campaignBody }) (*out[bia.Campaign], error) {
		c, err := s().LaunchCampaign(ctx, bia.Campaign{Name: in.Body.Name, NameEn: in.Body.NameEn, Description: in.Body.Description,
			Due: in.Body.Due, ProcessIDs: in.Body.ProcessIDs})
		if err != nil {
			return nil, err
		}
		return ok(c)
	})
	register(api, read, huma.Operation{
		OperationID: "get-bia-campaign", Method: http.MethodGet, Path: "/bia/campaigns/{id}", Tags: tags,
		Summary: "One campaign with its progress",
	}, func(ctx context.Context, in *idPath) (*out[bia.Campaign], error) {
		c, err := s().Campaign(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(c)
	})
	register(api, manage, huma.Operation{
		OperationID: "close-bia-campaign", Method: http.MethodPost, Path: "/bia/campaigns/{id}/close", Tags: tags,
		Summary: "Close a campaign; answers not approved stay as they are", Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *idPath) (*out[bia.Campaign], error) {
		c, err := s().CloseCampaign(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(c)
	})
	register(api, read, huma.Operation{
		OperationID: "list-bia-answers", Method: http.MethodGet, Path: "/bia/answers", Tags: tags,
		Summary: "Questionnaire answers",
	}, func(ctx context.Context, in *struct {
		CampaignID int64  `query:"campaign_id" minimum:"0"`
		ProcessID  int64  `query:"process_id" minimum:"0"`
		Status     string `query:"status" enum:"pending,draft,submitted,returned,approved,"`
	}) (*out[items[bia.Answer]], error) {
		return list(s().Answers(ctx, bia.AnswerFilter{CampaignID: in.CampaignID, ProcessID: in.ProcessID, Status: bia.AnswerStatus(in.Status)}))
	})
	register(api, read, huma.Operation{
		OperationID: "get-bia-answer", Method: http.MethodGet, Path: "/bia/answers/{id}", Tags: tags,
		Summary: "One questionnaire answer",
	}, func(ctx context.Context, in *idPath) (*out[bia.Answer], error) {
		a, err := s().Answer(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})
	register(api, write, huma.Operation{
		OperationID: "save-bia-answer", Method: http.MethodPut, Path: "/bia/answers/{id}", Tags: tags,
		Summary:     "Save the answer as a draft",
		Description: "Checked as a process's values are, so that mistakes show while answering. Refused (409) once submitted or approved.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body valuesBody
	}) (*out[bia.Answer], error) {
		a, err := s().SaveAnswer(ctx, in.ID, in.Body.values())
		if err != nil {
			return nil, err
		}
		return ok(a)
	})
	register(api, write, huma.Operation{
		OperationID: "submit-bia-answer", Method: http.MethodPost, Path: "/bia/answers/{id}/submit", Tags: tags,
		Summary:     "Submit the answer to the crisis office",
		Description: "Every category must be rated at every time point, and RTO and RPO stated.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *idPath) (*out[bia.Answer], error) {
		a, err := s().Submit(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})
	register(api, manage, huma.Operation{
		OperationID: "approve-bia-answer", Method: http.MethodPost, Path: "/bia/answers/{id}/approve", Tags: tags,
		Summary: "Approve a submitted answer: its values become the process's current values", Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body *reviewBody
	}) (*out[bia.Answer], error) {
		comment := ""
		if in.Body != nil {
			comment = in.Body.Comment
		}
		a, err := s().Approve(ctx, in.ID, comment)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})
	register(api, manage, huma.Operation{
		OperationID: "return-bia-answer", Method: http.MethodPost, Path: "/bia/answers/{id}/return", Tags: tags,
		Summary: "Return a submitted answer to its owner with a comment", Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body reviewBody
	}) (*out[bia.Answer], error) {
		a, err := s().Return(ctx, in.ID, in.Body.Comment)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})
	register(api, read, huma.Operation{
		OperationID: "list-bia-answer-history", Method: http.MethodGet, Path: "/bia/answers/{id}/history", Tags: tags,
		Summary: "Every step of an answer with its values at the time, oldest first",
	}, func(ctx context.Context, in *idPath) (*out[items[bia.AnswerEvent]], error) {
		return list(s().AnswerHistory(ctx, in.ID))
	})

	// ---- analysis ----
	register(api, read, huma.Operation{
		OperationID: "get-bia-graph", Method: http.MethodGet, Path: "/bia/graph", Tags: tags,
		Summary: "The whole dependency graph: nodes and dependencies",
	}, func(ctx context.Context, _ *struct{}) (*out[bia.GraphView], error) {
		g, err := s().Graph(ctx)
		if err != nil {
			return nil, err
		}
		return ok(g)
	})
	register(api, read, huma.Operation{
		OperationID: "bia-impact", Method: http.MethodGet, Path: "/bia/analysis/impact", Tags: tags,
		Summary: "What the loss of some resources (or processes) takes down",
		Description: "Every process and resource made unavailable, directly or through others, with how long it stays down, " +
			"its RTO and MTPD and whether they are breached, and the impact levels reached before it is back. " +
			"A dependency with an alternative fails only when the alternative is lost too.",
	}, func(ctx context.Context, in *struct {
		Failed    []string `query:"failed" required:"true" maxItems:"1000" doc:"the lost processes and resources, comma-separated: r7,r9"`
		Resources bool     `query:"resources" doc:"list the resources taken down too, not only the processes"`
	}) (*out[bia.ImpactReport], error) {
		r, err := s().Impact(ctx, in.Failed, in.Resources)
		if err != nil {
			return nil, err
		}
		return ok(r)
	})
	register(api, read, huma.Operation{
		OperationID: "bia-feasibility", Method: http.MethodGet, Path: "/bia/analysis/feasibility", Tags: tags,
		Summary: "RTO gaps: processes that depend, without alternative, on something slower to recover than their RTO",
	}, func(ctx context.Context, _ *struct{}) (*out[items[bia.Gap]], error) {
		return list(s().Feasibility(ctx))
	})
	register(api, read, huma.Operation{
		OperationID: "bia-required-recovery", Method: http.MethodGet, Path: "/bia/analysis/required-recovery", Tags: tags,
		Summary: "The recovery time each resource must meet for the processes that need it",
	}, func(ctx context.Context, in *struct {
		Processes bool `query:"processes" doc:"include processes (their requirement from the processes that depend on them)"`
	}) (*out[items[bia.Requirement]], error) {
		return list(s().RequiredRecovery(ctx, in.Processes))
	})
	register(api, read, huma.Operation{
		OperationID: "bia-spof", Method: http.MethodGet, Path: "/bia/analysis/spof", Tags: tags,
		Summary: "Single points of failure: resources whose loss alone takes down an important process",
		Description: "In the order of the resources. On a large inventory the list is long (each entry names every important " +
			"process it takes down): page it with limit and offset.",
	}, func(ctx context.Context, in *spofQuery) (*out[spofPage], error) {
		all, err := s().SinglePointsOfFailure(ctx)
		if err != nil {
			return nil, err
		}
		page := spofPage{Total: len(all), Offset: in.Offset, Limit: in.Limit}
		from := min(in.Offset, len(all))
		to := len(all)
		if in.Limit > 0 {
			to = min(from+in.Limit, len(all))
		}
		page.Items = nonNil(all[from:to])
		return ok(page)
	})
	register(api, read, huma.Operation{
		OperationID: "bia-cycles", Method: http.MethodGet, Path: "/bia/analysis/cycles", Tags: tags,
		Summary: "Dependency cycles",
	}, func(ctx context.Context, _ *struct{}) (*out[items[bia.Cycle]], error) {
		return list(s().Cycles(ctx))
	})
	register(api, read, huma.Operation{
		OperationID: "bia-recovery-order", Method: http.MethodGet, Path: "/bia/analysis/recovery-order", Tags: tags,
		Summary: "The order to recover lost resources in: each after what it depends on",
	}, func(ctx context.Context, in *failedQuery) (*out[items[bia.RecoveryStep]], error) {
		return list(s().RecoveryOrder(ctx, in.Failed))
	})
}
