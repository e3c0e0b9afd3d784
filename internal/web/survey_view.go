package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// Shared pieces of the risk survey pages (风险排查): status badges and the
// wording of the survey service's messages.

// statusBadge is a status as the pages show it.
type statusBadge struct {
	Status string
	Label  string
	Class  string
}

// SheetStatus is the badge of a department's sheet status.
func (p Page) SheetStatus(s risksurvey.SheetStatus) statusBadge {
	class := map[risksurvey.SheetStatus]string{risksurvey.NotStarted: "muted", risksurvey.Draft: "info",
		risksurvey.Submitted: "warn", risksurvey.Returned: "danger", risksurvey.Completed: "ok"}[s]
	return statusBadge{Status: string(s), Label: p.Tr.T("survey.sheet_status." + string(s)), Class: class}
}

// AnswerState is the badge of an answer's review state.
func (p Page) AnswerState(s risksurvey.AnswerState) statusBadge {
	class := map[risksurvey.AnswerState]string{risksurvey.StateDraft: "muted", risksurvey.StateSubmitted: "warn",
		risksurvey.StateAccepted: "ok", risksurvey.StateReturned: "danger"}[s]
	return statusBadge{Status: string(s), Label: p.Tr.T("survey.answer_state." + string(s)), Class: class}
}

// CampaignStatus is the badge of a campaign's status.
func (p Page) CampaignStatus(s risksurvey.Status) statusBadge {
	class := "info"
	if s == risksurvey.Closed {
		class = "muted"
	}
	return statusBadge{Status: string(s), Label: p.Tr.T("survey.status." + string(s)), Class: class}
}

// scaleOptions lists a matrix scale for a select, with a blank first.
func scaleOptions(p Page, scale []risk.ScaleLevel, selected int, blank string) []option {
	out := []option{{Value: "", Label: blank, Selected: selected == 0}}
	for _, s := range scale {
		out = append(out, option{Value: strconv.Itoa(s.Value), Label: strconv.Itoa(s.Value) + " · " + p.L(s.Label, s.LabelEn), Selected: s.Value == selected})
	}
	return out
}

// surveyRules word the survey service's own messages.
var surveyRules = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^answer yes or no before submitting$`), "survey.err.unanswered"},
	{regexp.MustCompile(`^was accepted into the register and cannot change$`), "survey.err.accepted"},
	{regexp.MustCompile(`^is waiting for the office's review and cannot change$`), "survey.err.locked"},
	{regexp.MustCompile(`^is a risk of another unit$`), "survey.err.other_unit"},
	{regexp.MustCompile(`^no risk with id \d+$`), "survey.err.no_risk"},
	{regexp.MustCompile(`^must not be in the past$`), "survey.err.past"},
	{regexp.MustCompile(`^choose at least one unit$`), "survey.err.no_units"},
	{regexp.MustCompile(`^no checklist with this id$`), "survey.err.no_template"},
	{regexp.MustCompile(`^at least one question is needed$`), "survey.err.no_questions"},
	{regexp.MustCompile(`^is required: say what to correct$`), "survey.err.comment"},
	{regexp.MustCompile(`^must be yes or no$`), "validation.choose"},
	{regexp.MustCompile(`^must be one of the risk categories$`), "validation.choose"},
	{regexp.MustCompile(`^is used by another question$`), "validation.duplicate"},
	{regexp.MustCompile(`^the campaign is closed`), "survey.err.closed"},
	{regexp.MustCompile(`^the answers were submitted and wait`), "survey.err.submitted"},
	{regexp.MustCompile(`^only a submitted answer`), "survey.err.not_submitted"},
	{regexp.MustCompile(`^a built-in checklist cannot be deleted`), "survey.err.builtin_template"},
	{regexp.MustCompile(`^the campaign is already closed$`), "survey.err.already_closed"},
	{regexp.MustCompile(`^the unit is not part of this campaign$`), "survey.err.not_in_campaign"},
	{regexp.MustCompile(`^cannot change on a matrix in use`), "risk.err.matrix_in_use_shape"},
	{regexp.MustCompile(`^score ranges and levels cannot change`), "risk.err.matrix_in_use_shape"},
	{regexp.MustCompile(`^the built-in matrix \S+ cannot be`), "risk.err.matrix_builtin"},
	{regexp.MustCompile(`^the matrix \S+ is in use by (\d+)`), "risk.err.matrix_in_use"},
	{regexp.MustCompile(`^must be 1 to 20 letters, digits, - or _$`), "risk.err.matrix_id"},
	{regexp.MustCompile(`^must have between 2 and 10 levels$`), "risk.err.scale_size"},
	{regexp.MustCompile(`^must be (\d+): bands must cover every score`), "risk.err.band_gap"},
	{regexp.MustCompile(`^must end at the highest score, (\d+)$`), "risk.err.band_end"},
	{regexp.MustCompile(`^must not be lower than the level of the band before$`), "risk.err.band_order"},
	{regexp.MustCompile(`^must not be below min$`), "risk.err.band_order"},
	{regexp.MustCompile(`^at least one band is needed$`), "validation.required"},
}

// localizeSurvey returns err with its message and field messages in the
// page language where the survey, matrix or risk services phrased them.
func localizeSurvey(tr i18n.Translator, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	err = localizeRisk(tr, err)
	errors.As(err, &e)
	cp := *e
	word := func(msg string) string {
		for _, rule := range surveyRules {
			if m := rule.re.FindStringSubmatch(msg); m != nil {
				if len(m) > 1 {
					n, _ := strconv.Atoi(m[1])
					return tr.T(rule.key, n)
				}
				return tr.T(rule.key)
			}
		}
		return msg
	}
	cp.Message = word(e.Message)
	cp.Fields = make([]errs.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		fe.Message = word(fe.Message)
		cp.Fields[i] = fe
	}
	return &cp
}

// surveyFail answers a failed survey or matrix action with its message in
// the page language.
func (h *handler) surveyFail(w http.ResponseWriter, r *http.Request, err error) {
	code := errs.CodeOf(err)
	if code != errs.Conflict && code != errs.Invalid {
		h.fail(w, r, err)
		return
	}
	tr := h.trOf(r)
	err = localizeSurvey(tr, err)
	var e *errs.Error
	errors.As(err, &e)
	status := http.StatusConflict
	if code == errs.Invalid {
		status = http.StatusUnprocessableEntity
	}
	h.errorWithDetails(w, r, status, e.Message, fieldList(tr, e.Fields))
}

// unitFullNames names each unit with the units above it, leaving out the
// root (the group): "上海枢纽分公司 / 仓储部". Departments of different
// branches often share a name.
func unitFullNames(p Page, units []org.Unit) map[int64]string {
	byID := make(map[int64]org.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	out := make(map[int64]string, len(units))
	for _, u := range units {
		name := p.L(u.Name, u.NameEn)
		for x := u; x.ParentID != nil; {
			parent, ok := byID[*x.ParentID]
			if !ok || parent.ParentID == nil {
				break
			}
			name = p.L(parent.Name, parent.NameEn) + " / " + name
			x = parent
		}
		out[u.ID] = name
	}
	return out
}

// surveyUnitNames returns the full names of the org units.
func (h *handler) surveyUnitNames(r *http.Request, p Page) map[int64]string {
	units, err := h.d.Org.Units(r.Context())
	if err != nil {
		return map[int64]string{}
	}
	return unitFullNames(p, units)
}
