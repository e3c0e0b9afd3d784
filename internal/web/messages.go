package web

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

// The services speak English in their error messages (they are also the
// API's). The UI shows them in the page language: the known messages are
// mapped to catalog keys here; an unknown one is shown as it is, which is
// still better than hiding what is wrong.

type msgRule struct {
	re  *regexp.Regexp
	key func(field string, m []string) (string, []any)
}

func fixed(key string) func(string, []string) (string, []any) {
	return func(string, []string) (string, []any) { return key, nil }
}

func withInt(key string) func(string, []string) (string, []any) {
	return func(_ string, m []string) (string, []any) {
		n, _ := strconv.Atoi(m[1])
		return key, []any{n}
	}
}

func withString(key string) func(string, []string) (string, []any) {
	return func(_ string, m []string) (string, []any) { return key, []any{m[1]} }
}

var fieldRules = []msgRule{
	{regexp.MustCompile(`^is required$`), fixed("validation.required")},
	{regexp.MustCompile(`^must be at most (\d+) characters$`), withInt("validation.too_long")},
	{regexp.MustCompile(`^must be at least (\d+) characters$`), withInt("profile.password_too_short")},
	{regexp.MustCompile(`^is not a valid email address$`), fixed("validation.invalid_email")},
	{regexp.MustCompile(`^is not a valid phone number$`), func(field string, _ []string) (string, []any) {
		if strings.Contains(field, "mobile") {
			return "validation.invalid_mobile", nil
		}
		return "validation.invalid_phone", nil
	}},
	{regexp.MustCompile(`^is not a valid (\w+) id$`), fixed("validation.invalid_im")},
	{regexp.MustCompile(`^must be one of (.+)$`), fixed("validation.choose")},
	{regexp.MustCompile(`^(a unit cannot be its own parent|a unit cannot be moved under itself or its own sub-unit)$`), fixed("validation.parent_cycle")},
	{regexp.MustCompile(`^no org unit with (this )?id( \d+)?$`), fixed("validation.no_unit")},
	{regexp.MustCompile(`^no site with this id$`), fixed("validation.no_site")},
	{regexp.MustCompile(`^(no person with id \d+|is not a person id)$`), fixed("validation.no_person")},
	{regexp.MustCompile(`^is already used by (.+)$`), withString("validation.used_by")},
	{regexp.MustCompile(`^is already taken$`), fixed("validation.duplicate")},
	{regexp.MustCompile(`^is already a member of this team$`), fixed("validation.already_member")},
	{regexp.MustCompile(`^a member cannot be their own deputy$`), fixed("validation.own_deputy")},
	{regexp.MustCompile(`^is listed twice$`), fixed("validation.listed_twice")},
	{regexp.MustCompile(`^is not your current password$`), fixed("profile.password_wrong")},
	{regexp.MustCompile(`^must be 2–64 letters`), fixed("validation.username")},
	{regexp.MustCompile(`^is not a known role$`), fixed("validation.unknown_role")},
	{regexp.MustCompile(`^at most (\d+) contact methods$`), withInt("validation.too_many_contacts")},
	{regexp.MustCompile(`^must not be negative$`), fixed("validation.not_negative")},
	{regexp.MustCompile(`^must be a whole number$`), fixed("validation.whole_number")},
	{regexp.MustCompile(`^do not match$`), fixed("profile.password_mismatch")},
}

var messageRules = []msgRule{
	{regexp.MustCompile(`^you cannot disable your own account$`), fixed("users.cannot_disable_self")},
	{regexp.MustCompile(`^the unit still has `), fixed("org.in_use")},
	{regexp.MustCompile(`^(.+) is a member of team "(.+)"; remove them from the team first$`), func(_ string, m []string) (string, []any) {
		return "people.in_team", []any{m[1], m[2]}
	}},
	{regexp.MustCompile(`^(.+) is a deputy in team "(.+)"; replace them first$`), func(_ string, m []string) (string, []any) {
		return "people.deputy_in_team", []any{m[1], m[2]}
	}},
	{regexp.MustCompile(`^only an administrator can create a top-level unit$`), fixed("org.root_admin_only")},
	{regexp.MustCompile(`^permission \S+ required`), fixed("validation.forbidden")},
	{regexp.MustCompile(`^not signed in`), fixed("login.session_expired")},
	{regexp.MustCompile(`^refers to something that does not exist or is still in use$`), fixed("validation.in_use")},
	{regexp.MustCompile(`^(invalid input|duplicate employee number)$`), fixed("validation.form_errors")},
	{regexp.MustCompile(`^person \d+ is not a member of this team$`), fixed("teams.not_member")},
}

func apply(tr i18n.Translator, rules []msgRule, field, msg string) (string, bool) {
	for _, rule := range rules {
		if m := rule.re.FindStringSubmatch(msg); m != nil {
			key, args := rule.key(field, m)
			return tr.T(key, args...), true
		}
	}
	return msg, false
}

// quotedValue matches a message that quotes the value at fault first, as
// the spreadsheet imports do: “call me” is not a valid phone number.
var quotedValue = regexp.MustCompile(`^(“[^”]*”) (.+)$`)

// localizeField translates a field error message from a service.
func localizeField(tr i18n.Translator, field, msg string) string {
	if out, ok := apply(tr, fieldRules, field, msg); ok {
		return out
	}
	if m := quotedValue.FindStringSubmatch(msg); m != nil {
		if out, ok := apply(tr, fieldRules, field, m[2]); ok {
			return m[1] + " " + out
		}
	}
	return msg
}

// localizeMessage translates the message of a service error.
func localizeMessage(tr i18n.Translator, err error) string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return tr.T("error.internal")
	}
	if out, ok := apply(tr, messageRules, "", e.Message); ok {
		return out
	}
	switch e.Code {
	case errs.Forbidden:
		return tr.T("validation.forbidden")
	case errs.NotFound:
		return tr.T("validation.not_found")
	}
	return e.Message
}

// fieldList renders field errors as "label: message" lines for places
// that cannot show them next to an input.
func fieldList(tr i18n.Translator, fields []errs.FieldError) []string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, fieldLabel(tr, f.Field)+": "+localizeField(tr, f.Field, f.Message))
	}
	return out
}

// fieldLabel names a field in the page language where the field is one the
// UI knows, e.g. "contacts[1].value" → "Contact 2".
func fieldLabel(tr i18n.Translator, field string) string {
	if key, ok := fieldLabels[field]; ok {
		return tr.T(key)
	}
	if m := indexedField.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[2])
		switch m[1] {
		case "contacts":
			return tr.T("people.contact_n", n+1)
		case "grants":
			return tr.T("users.grant_n", n+1)
		case "members":
			return tr.T("teams.member_n", n+1)
		}
	}
	return field
}

var indexedField = regexp.MustCompile(`^(\w+)\[(\d+)\]`)

var fieldLabels = map[string]string{
	"name":             "common.name",
	"name_en":          "common.name_en",
	"code":             "common.code",
	"kind":             "common.kind",
	"parent_id":        "common.parent",
	"unit_id":          "common.unit",
	"site_id":          "common.site",
	"title":            "common.job_title",
	"title_en":         "people.title_en",
	"employee_no":      "people.employee_no",
	"username":         "users.username",
	"display_name":     "users.display_name",
	"email":            "common.email",
	"password":         "login.password",
	"new_password":     "profile.new_password",
	"current_password": "profile.current_password",
	"lang":             "profile.language",
	"duties":           "teams.duties",
	"duties_en":        "teams.duties_en",
	"sort_order":       "common.sort_order",
	"unit":             "common.unit",
	"site":             "common.site",
	"parent":           "common.parent",
	"mobile":           "common.mobile",
	"phone":            "common.phone",
	"dingtalk":         "common.dingtalk",
	"wecom":            "common.wecom",
	"feishu":           "common.feishu",
	"slack":            "common.slack",
	"active":           "common.active",
	"person_id":        "people.person",
	"role":             "teams.team_role",
	"duty":             "teams.duty",
	"duty_en":          "teams.duty_en",
	"password2":        "profile.confirm_password",
	"new_password2":    "profile.confirm_password",
	"org_name":         "setup.org_name",
	"org_name_en":      "setup.org_name_en",
	"days":             "profile.token_expires",
}

// formState carries what a form page needs to show its errors: messages
// by field name, shown under their inputs, and the rest in a summary.
type formState struct {
	Errs  map[string]string
	Other []string
}

// Err returns the message for a field, or "".
func (f formState) Err(field string) string { return f.Errs[field] }

// Invalid reports whether there is anything to correct.
func (f formState) Invalid() bool { return len(f.Errs) > 0 || len(f.Other) > 0 }

// add records a message for a field.
func (f *formState) add(field, msg string) {
	if f.Errs == nil {
		f.Errs = map[string]string{}
	}
	if _, ok := f.Errs[field]; !ok {
		f.Errs[field] = msg
	}
}

// setErr files the field errors of a service error: those of fields the
// form shows (names, or prefixes ending in "[" or ".") go under their
// input, the others into the summary. It reports whether err was a
// correctable input error at all; anything else the caller should fail on.
func (f *formState) setErr(tr i18n.Translator, err error, shown ...string) bool {
	code := errs.CodeOf(err)
	fields := errs.FieldsOf(err)
	if code != errs.Invalid && !(code == errs.Conflict && len(fields) > 0) {
		return false
	}
	for _, fe := range fields {
		msg := localizeField(tr, fe.Field, fe.Message)
		if isShown(fe.Field, shown) {
			f.add(fe.Field, msg)
		} else {
			f.Other = append(f.Other, fieldLabel(tr, fe.Field)+": "+msg)
		}
	}
	if len(fields) == 0 {
		f.Other = append(f.Other, localizeMessage(tr, err))
	}
	return true
}

func isShown(field string, shown []string) bool {
	for _, s := range shown {
		if field == s || (strings.HasSuffix(s, "[") || strings.HasSuffix(s, ".")) && strings.HasPrefix(field, s) {
			return true
		}
	}
	return false
}
