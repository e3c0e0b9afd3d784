package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/plangen"
)

// generateBody asks the plan generator for a draft.
type generateBody struct {
	Industry           string   `json:"industry" doc:"industry id or alias: ecommerce, logistics, manufacturing, banking, insurance, securities, healthcare, it_saas, energy_utilities, education, government, hospitality"`
	Size               string   `json:"size" doc:"micro (1–9 people), small (10–99), medium (100–999) or large (1,000+)"`
	Region             string   `json:"region" doc:"cn-east, cn-south, cn-southwest, cn-north, cn-central, cn-northeast, cn-northwest, north-america, europe, southeast-asia, middle-east, latin-america, africa or oceania"`
	Language           string   `json:"language,omitempty" doc:"zh-CN (default) or en: the language of the texts the risk register keeps in one language; the plan is written in both"`
	AsOf               string   `json:"as_of,omitempty" doc:"first day of the drill calendar, YYYY-MM-DD; default today"`
	CriticalSystems    []string `json:"critical_systems,omitempty" maxItems:"20" doc:"named critical systems, e.g. SAP ERP, HIS"`
	PaymentProviders   []string `json:"payment_providers,omitempty" maxItems:"20"`
	LogisticsProviders []string `json:"logistics_providers,omitempty" maxItems:"20"`
	Sites              int      `json:"sites,omitempty" minimum:"0" doc:"number of sites; 0 when not known"`
	Regulators         []string `json:"regulators,omitempty" maxItems:"20"`
	UnitID             int64    `json:"unit_id,omitempty" doc:"org unit that owns the plan, the risks and the teams created; default the root unit"`
	Code               string   `json:"code,omitempty" maxLength:"50" doc:"the plan's reference, e.g. BCP-01; unique when given"`
}

// generateResult is what the generator stored.
type generateResult struct {
	plangen.Result
	PlanURL string `json:"plan_url" doc:"the plan in this API"`
}

func (h *handlers) registerPlanGenerator(api huma.API) {
	tags := []string{"plans"}
	register(api, authz.Needs(authz.PlanRead), huma.Operation{
		OperationID: "plan-generator-options", Method: http.MethodGet, Path: "/plans/generator/options", Tags: tags,
		Summary: "Industries, sizes and regions the plan generator knows",
	}, func(ctx context.Context, _ *struct{}) (*out[plangen.Choices], error) {
		kb, err := plangen.Builtin()
		if err != nil {
			return nil, err
		}
		return ok(kb.Choices())
	})

	register(api, authz.Needs(authz.PlanWrite), huma.Operation{
		OperationID: "generate-plan", Method: http.MethodPost, Path: "/plans/generate", Tags: tags,
		Summary: "Draft a complete plan from industry, company size and region", DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict},
		Description: "Drafts a business continuity and emergency plan from the built-in knowledge base and stores it, in one transaction: " +
			"the plan as version 1 (a draft, in Chinese and English) with every chapter filled, its risks entered in the risk register " +
			"with their inherent rating on the 5×5 matrix (or linked when the unit already has a risk of the same title), and the teams it " +
			"needs created when the organisation has none of their kind. Needs plan.write, risk.write and, when teams are created, " +
			"teams.write on the unit. An unknown industry, size or region is a 422 naming the field and the known values.",
	}, func(ctx context.Context, in *struct{ Body generateBody }) (*out[generateResult], error) {
		b := in.Body
		asOf := h.d.Clock.Now().UTC()
		if b.AsOf != "" {
			d, err := time.Parse(time.DateOnly, b.AsOf)
			if err != nil {
				return nil, errs.Field("as_of", "must be a date as YYYY-MM-DD")
			}
			asOf = d
		}
		if b.Language == "" {
			b.Language = plangen.LangZh
		}
		req := plangen.Request{Input: plangen.Input{Industry: b.Industry, Size: b.Size, Region: b.Region, Language: b.Language,
			CriticalSystems: b.CriticalSystems, PaymentProviders: b.PaymentProviders, LogisticsProviders: b.LogisticsProviders,
			Sites: b.Sites, Regulators: b.Regulators}, UnitID: b.UnitID, Code: b.Code}
		res, err := plangen.Apply(ctx, plangen.Deps{Tx: h.d.DB, Org: h.d.Org, Risk: h.d.Risk, Plan: h.d.Plan}, req, asOf)
		if err != nil {
			return nil, err
		}
		return ok(generateResult{Result: res, PlanURL: Prefix + "/plans/" + strconv.FormatInt(res.PlanID, 10)})
	})
}
