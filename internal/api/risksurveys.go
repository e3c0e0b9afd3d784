package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// surveyTemplateBody is a checklist as a client writes it.
type surveyTemplateBody struct {
	Name          string                `json:"name" maxLength:"200"`
	NameEn        string                `json:"name_en,omitempty" maxLength:"200"`
	Description   string                `json:"description,omitempty" maxLength:"4000"`
	DescriptionEn string                `json:"description_en,omitempty" maxLength:"4000"`
	Questions     []risksurvey.Question `json:"questions" maxItems:"100" doc:"questions in order; a question without key gets the next free one (q01, q02…)"`
}

func (b surveyTemplateBody) template(id int64) risksurvey.Template {
	return risksurvey.Template{ID: id, Name: b.Name, NameEn: b.NameEn, Description: b.Description, DescriptionEn: b.DescriptionEn, Questions: b.Questions}
}

// campaignSummary is a campaign in the list: without its questions, with
// its counts.
type campaignSummary struct {
	risksurvey.Campaign
	Counts risksurvey.Counts `json:"counts"`
}

// sheetBody is a department's answers.
type sheetBody struct {
	Answers []risksurvey.AnswerInput `json:"answers" maxItems:"200" doc:"answers to change, by id; an answer without id adds a risk the checklist does not name; added risks left out are removed"`
	Submit  bool                     `json:"submit,omitempty" doc:"submit for review: every question must be answered yes or no, every reported risk needs a title (or risk_id) and a proposed likelihood and impact"`
}

type sheetPath struct {
	ID     int64 `path:"id" minimum:"1" doc:"the campaign"`
	UnitID int64 `path:"unit_id" minimum:"1" doc:"the department"`
}

// acceptResult is an accepted answer and the risk it went into.
type acceptResult struct {
	Answer risksurvey.Answer `json:"answer"`
	Risk   risk.Risk         `json:"risk"`
}

func (h *handlers) registerRiskSurveys(api huma.API) {
	if h.d.Survey == nil {
		return
	}
	tags := []string{"risk surveys"}
	read, write, manage := authz.Needs(authz.RiskRead), authz.Needs(authz.RiskWrite), authz.Needs(authz.RiskManage)
	s := h.d.Survey

	register(api, read, huma.Operation{
		OperationID: "list-risk-survey-templates", Method: http.MethodGet, Path: "/risk-survey-templates", Tags: tags,
		Summary:     "List the survey checklists (风险排查清单)",
		Description: "Built-in checklists first, then your own; each with its questions by category.",
	}, func(ctx context.Context, _ *struct{}) (*out[items[risksurvey.Template]], error) {
		return list(s.Templates(ctx))
	})

	register(api, read, huma.Operation{
		OperationID: "get-risk-survey-template", Method: http.MethodGet, Path: "/risk-survey-templates/{id}", Tags: tags,
		Summary: "One survey checklist",
	}, func(ctx context.Context, in *idPath) (*out[risksurvey.Template], error) {
		t, err := s.Template(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(t)
	})

	register(api, manage, huma.Operation{
		OperationID: "create-risk-survey-template", Method: http.MethodPost, Path: "/risk-survey-templates", Tags: tags,
		Summary: "Add a survey checklist", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body surveyTemplateBody }) (*out[risksurvey.Template], error) {
		t, err := s.SaveTemplate(ctx, in.Body.template(0))
		if err != nil {
			return nil, err
		}
		return ok(t)
	})

	register(api, manage, huma.Operation{
		OperationID: "update-risk-survey-template", Method: http.MethodPut, Path: "/risk-survey-templates/{id}", Tags: tags,
		Summary:     "Replace a survey checklist's names and questions",
		Description: "Built-in checklists can be edited too. Campaigns keep the questions they were launched with.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body surveyTemplateBody
	}) (*out[risksurvey.Template], error) {
		t, err := s.SaveTemplate(ctx, in.Body.template(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(t)
	})

	register(api, manage, huma.Operation{
		OperationID: "delete-risk-survey-template", Method: http.MethodDelete, Path: "/risk-survey-templates/{id}", Tags: tags,
		Summary:     "Delete a survey checklist of your own",
		Description: "Built-in checklists cannot be deleted (409). Campaigns launched with the checklist keep its questions.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, s.DeleteTemplate(ctx, in.ID)
	})

	register(api, read, huma.Operation{
		OperationID: "list-risk-surveys", Method: http.MethodGet, Path: "/risk-surveys", Tags: tags,
		Summary:     "List the survey campaigns",
		Description: "Newest first, each with the progress of its departments and the counts (completed, waiting for review, late).",
	}, func(ctx context.Context, _ *struct{}) (*out[items[campaignSummary]], error) {
		cs, err := s.Campaigns(ctx)
		if err != nil {
			return nil, err
		}
		res := make([]campaignSummary, len(cs))
		for i, c := range cs {
			c.Units = nonNil(c.Units)
			res[i] = campaignSummary{Campaign: c, Counts: c.Counts()}
		}
		return ok(items[campaignSummary]{Items: res})
	})

	register(api, manage, huma.Operation{
		OperationID: "create-risk-survey", Method: http.MethodPost, Path: "/risk-surveys", Tags: tags,
		Summary: "Launch a survey campaign", DefaultStatus: http.StatusCreated,
		Description: "Sends a checklist to a set of departments with a due date. The campaign keeps a copy of the checklist's questions; " +
			"each department gets an answer sheet with one answer per question.",
	}, func(ctx context.Context, in *struct{ Body risksurvey.Launch }) (*out[campaignSummary], error) {
		c, err := s.Launch(ctx, in.Body)
		if err != nil {
			return nil, err
		}
		return ok(campaignSummary{Campaign: c, Counts: c.Counts()})
	})

	register(api, read, huma.Operation{
		OperationID: "get-risk-survey", Method: http.MethodGet, Path: "/risk-surveys/{id}", Tags: tags,
		Summary: "One survey campaign with the progress of each department",
	}, func(ctx context.Context, in *idPath) (*out[campaignSummary], error) {
		c, err := s.Campaign(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(campaignSummary{Campaign: c, Counts: c.Counts()})
	})

	register(api, manage, huma.Operation{
		OperationID: "close-risk-survey", Method: http.MethodPost, Path: "/risk-surveys/{id}/close", Tags: tags,
		Summary:     "Close a survey campaign",
		Description: "No more answers; submitted answers can still be accepted.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *idPath) (*out[campaignSummary], error) {
		c, err := s.Close(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(campaignSummary{Campaign: c, Counts: c.Counts()})
	})

	register(api, manage, huma.Operation{
		OperationID: "remind-risk-survey", Method: http.MethodPost, Path: "/risk-surveys/{id}/remind", Tags: tags,
		Summary: "Remind the late departments now",
		Description: "Sends a reminder, through the notification service, to the people holding risk.write on each department that is past " +
			"the due date without submitting. At most one reminder per campaign, department and day: calling again the same day sends " +
			"nothing more. The server also reminds late departments by itself every hour.",
	}, func(ctx context.Context, in *idPath) (*out[risksurvey.RemindResult], error) {
		res, err := s.RemindLate(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(res)
	})

	register(api, read, huma.Operation{
		OperationID: "get-risk-survey-sheet", Method: http.MethodGet, Path: "/risk-surveys/{id}/units/{unit_id}", Tags: tags,
		Summary: "A department's answer sheet",
	}, func(ctx context.Context, in *sheetPath) (*out[risksurvey.Sheet], error) {
		sh, err := s.Sheet(ctx, in.ID, in.UnitID)
		if err != nil {
			return nil, err
		}
		return ok(sh)
	})

	register(api, write, huma.Operation{
		OperationID: "save-risk-survey-sheet", Method: http.MethodPut, Path: "/risk-surveys/{id}/units/{unit_id}", Tags: tags,
		Summary: "Answer a survey (save a draft or submit)",
		Description: "Needs risk.write on the department. Possible while the sheet is not started, a draft or returned; answers already " +
			"accepted cannot change. Errors name the answer, e.g. `body.answers[3].likelihood`.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID     int64 `path:"id" minimum:"1" doc:"the campaign"`
		UnitID int64 `path:"unit_id" minimum:"1" doc:"the department"`
		Body   sheetBody
	}) (*out[risksurvey.Sheet], error) {
		sh, err := s.SaveSheet(ctx, in.ID, in.UnitID, in.Body.Answers, in.Body.Submit)
		if err != nil {
			return nil, err
		}
		return ok(sh)
	})

	register(api, manage, huma.Operation{
		OperationID: "accept-risk-survey-answer", Method: http.MethodPost, Path: "/risk-survey-answers/{id}/accept", Tags: tags,
		Summary: "Accept an answer into the risk register",
		Description: "In one transaction: creates the risk (or updates the risk the answer names with its controls, cause and consequence) " +
			"and records an inherent assessment on the campaign's matrix, with the proposed likelihood and impact unless others are given.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body risksurvey.Acceptance
	}) (*out[acceptResult], error) {
		a, r, err := s.Accept(ctx, in.ID, in.Body)
		if err != nil {
			return nil, err
		}
		return ok(acceptResult{Answer: a, Risk: r})
	})

	register(api, manage, huma.Operation{
		OperationID: "return-risk-survey-answer", Method: http.MethodPost, Path: "/risk-survey-answers/{id}/return", Tags: tags,
		Summary:     "Return an answer to the department with a comment",
		Description: "The department corrects the answer and submits again.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body struct {
			Comment string `json:"comment" maxLength:"2000" doc:"what to correct"`
		}
	}) (*out[risksurvey.Answer], error) {
		a, err := s.Return(ctx, in.ID, in.Body.Comment)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})
}
