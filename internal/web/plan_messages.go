package web

import (
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// The plan service's refusals, in the page language.
var planMessageRules = []msgRule{
	{regexp.MustCompile(`^the author of a plan version cannot approve or reject it: version (\d+) was drafted or submitted by (.*)$`),
		func(_ string, m []string) (string, []any) { return "planweb.err.author", []any{atoi(m[1]), m[2]} }},
	{regexp.MustCompile(`^(.+) already decided on version (\d+) \((\w+)\)$`),
		func(_ string, m []string) (string, []any) {
			return "planweb.err.already_decided", []any{m[1], atoi(m[2])}
		}},
	{regexp.MustCompile(`^(.+) is not an approver of this plan$`), withString("planweb.err.not_approver")},
	{regexp.MustCompile(`^the approvals (.+) can give on version (\d+) have all been given$`), withString("planweb.err.slots_filled")},
	{regexp.MustCompile(`^version (\d+) is (published|superseded) and cannot be changed`), withInt("planweb.err.published")},
	{regexp.MustCompile(`^version (\d+) is (in review|approved); withdraw it`), withInt("planweb.err.withdraw_first")},
	{regexp.MustCompile(`^version (\d+) is still (.+); finish or delete it`), withInt("planweb.err.open_version")},
	{regexp.MustCompile(`^version (\d+) is ([a-z ]+); (\w+) needs it to be`), withInt("planweb.err.wrong_status")},
	{regexp.MustCompile(`^version 1 is the plan's only version`), fixed("planweb.err.only_version")},
	{regexp.MustCompile(`^plan \d+ has been published and is kept`), fixed("planweb.err.published_kept")},
	{regexp.MustCompile(`^approval has started$`), fixed("planweb.err.approval_started")},
	{regexp.MustCompile(`^permission plan\.approve required`), fixed("planweb.err.no_approve")},
	{regexp.MustCompile(`^duplicate plan code$`), fixed("validation.form_errors")},
}

var planFieldRules = []msgRule{
	{regexp.MustCompile(`^cannot change while version (\d+) is`), withInt("planweb.err.approvers_fixed")},
	{regexp.MustCompile(`^is required when rejecting`), fixed("planweb.err.comment_required")},
	{regexp.MustCompile(`^must be between 1 and 60$`), fixed("planweb.err.review_months")},
	{regexp.MustCompile(`^must be between 0 \(all approvers\)`), fixed("planweb.err.quorum")},
	{regexp.MustCompile(`^is already used by plan \d+ (.*)$`), withString("validation.used_by")},
	{regexp.MustCompile(`^no team with id (\d+)$`), withInt("planweb.err.no_team")},
	{regexp.MustCompile(`^no risk with id (\d+)$`), withInt("planweb.err.no_risk")},
	{regexp.MustCompile(`^must be a positive number of minutes|^must not be negative`), fixed("validation.not_negative")},
	{regexp.MustCompile(`holds no role that may approve plans`), fixed("planweb.err.not_approver_account")},
	{regexp.MustCompile(`^must be 1 or more$|^must not be lower than the step`), fixed("planweb.err.step")},
	{regexp.MustCompile(`^is required: name a team`), fixed("planweb.err.role_required")},
	{regexp.MustCompile(`^must be 0 \(none\) or a number of minutes`), fixed("planweb.err.time_limit")},
	{regexp.MustCompile(`^is not a valid choice$`), fixed("validation.choose")},
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// localizePlanMessage translates the message of a plan service error.
func localizePlanMessage(tr i18n.Translator, err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		if out, ok := apply(tr, planMessageRules, "", e.Message); ok {
			return out
		}
	}
	return localizeMessage(tr, err)
}

// localizePlanField translates a field error of the plan service.
func localizePlanField(tr i18n.Translator, field, msg string) string {
	if out, ok := apply(tr, planFieldRules, field, msg); ok {
		return out
	}
	return localizeField(tr, field, msg)
}

// planFieldLabels name the plan form's fields in error summaries.
var planFieldLabels = map[string]string{
	"code":          "planweb.code",
	"kind":          "planweb.kind",
	"unit_id":       "common.unit",
	"owner_id":      "planweb.owner",
	"review_months": "planweb.review_months",
	"approvers":     "planweb.approvers",
	"quorum":        "planweb.quorum",
	"title":         "planweb.title_zh",
	"title_en":      "planweb.title_en",
	"change_note":   "planweb.change_note",
	"comment":       "planweb.comment",
}

// setPlanErr files a plan service error on a form like formState.setErr,
// with the plan service's messages translated. It reports whether err was
// a correctable input error.
func (f *formState) setPlanErr(tr i18n.Translator, err error, shown ...string) bool {
	code := errs.CodeOf(err)
	fields := errs.FieldsOf(err)
	if code != errs.Invalid && !(code == errs.Conflict && len(fields) > 0) {
		return false
	}
	for _, fe := range fields {
		msg := localizePlanField(tr, fe.Field, fe.Message)
		if isShown(fe.Field, shown) {
			f.add(fe.Field, msg)
			continue
		}
		label := fe.Field
		if key, ok := planFieldLabels[fe.Field]; ok {
			label = tr.T(key)
		}
		f.Other = append(f.Other, label+": "+msg)
	}
	if len(fields) == 0 {
		f.Other = append(f.Other, localizePlanMessage(tr, err))
	}
	return true
}

// daysBetween is the number of days from one day to another (YYYY-MM-DD).
func daysBetween(from, to string) int {
	a, err1 := time.Parse(plan.DateLayout, from)
	b, err2 := time.Parse(plan.DateLayout, to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}
