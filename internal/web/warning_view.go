package web

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// warnBadge is how a warning level is shown: its colour class, numeral
// and name in the page language.
type warnBadge struct {
	Level int
	Color string // red, orange, yellow, blue or none
	Roman string
	Label string
}

// WarnLevel describes a warning level for the templates.
func (p Page) WarnLevel(l warning.Level) warnBadge {
	if !l.Valid() {
		return warnBadge{Color: "none", Label: p.Tr.T("warnweb.level.none")}
	}
	return warnBadge{Level: int(l), Color: l.Color(), Roman: l.Roman(), Label: p.Tr.T("warnweb.level." + l.Color())}
}

// WarnStatus names a warning status in the page language.
func (p Page) WarnStatus(s warning.Status) string { return p.Tr.T("warnweb.status." + string(s)) }

// WarnAction names a history action in the page language.
func (p Page) WarnAction(a warning.Action) string { return p.Tr.T("warnweb.action." + string(a)) }

// WarnSource names where a warning or an observation came from.
func (p Page) WarnSource(s warning.SourceKind) string { return p.Tr.T("warnweb.source." + string(s)) }

// Join lists names the way the page language does: 、 in Chinese, a
// comma in English.
func (p Page) Join(items []string) string {
	if p.Lang == i18n.EN {
		return strings.Join(items, ", ")
	}
	return strings.Join(items, "、")
}

// Num formats a number without needless digits.
func (p Page) Num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// NumPtr formats an optional number; nil gives "".
func (p Page) NumPtr(x *float64) string {
	if x == nil {
		return ""
	}
	return p.Num(*x)
}

// warnLevelOptions lists the levels, red first, for a select.
func warnLevelOptions(p Page, selected string, blank bool) []option {
	var out []option
	if blank {
		out = append(out, option{Value: "", Label: p.Tr.T("common.choose")})
	}
	for _, l := range []warning.Level{warning.Red, warning.Orange, warning.Yellow, warning.Blue} {
		v := strconv.Itoa(int(l))
		out = append(out, option{Value: v, Label: l.Roman() + " · " + p.Tr.T("warnweb.level."+l.Color()), Selected: v == selected})
	}
	return out
}

// audienceForm is the audience widget as typed: recipient departments,
// teams, team seats, people, and partners one per line.
type audienceForm struct {
	UnitIDs   []string
	TeamIDs   []string
	Roles     []string
	PersonIDs []string
	Partners  string
}

// audienceChoices are the options of the audience widget.
type audienceChoices struct {
	Units  []checkOption
	Teams  []checkOption
	Roles  []checkOption
	People []option
}

// checkOption is one checkbox of a list.
type checkOption struct {
	Value    string
	Label    string
	Checked  bool
	Depth    int
	Disabled bool
}

func audienceFormOf(a warning.Audience) audienceForm {
	f := audienceForm{}
	for _, id := range a.UnitIDs {
		f.UnitIDs = append(f.UnitIDs, idString(id))
	}
	for _, id := range a.TeamIDs {
		f.TeamIDs = append(f.TeamIDs, idString(id))
	}
	for _, r := range a.Roles {
		f.Roles = append(f.Roles, string(r))
	}
	for _, id := range a.PersonIDs {
		f.PersonIDs = append(f.PersonIDs, idString(id))
	}
	var lines []string
	for _, c := range a.Partners {
		// Email and mobile are told apart by the "@", so empty ones are
		// left out.
		parts := []string{c.Name, c.Organisation}
		for _, x := range []string{c.Email, c.Mobile, c.Lang} {
			if x != "" {
				parts = append(parts, x)
			}
		}
		lines = append(lines, strings.Join(parts, ", "))
	}
	f.Partners = strings.Join(lines, "\n")
	return f
}

// readAudienceForm reads the audience widget of a posted form (fields
// prefixed with prefix, such as "audience.").
func readAudienceForm(form url.Values, prefix string) audienceForm {
	return audienceForm{UnitIDs: form[prefix+"unit_ids"], TeamIDs: form[prefix+"team_ids"], Roles: form[prefix+"roles"],
		PersonIDs: form[prefix+"person_ids"], Partners: form.Get(prefix + "partners")}
}

// audience converts the widget into an audience; ids that are not
// numbers and partner lines without a name are reported on v.
func (f audienceForm) audience(v *errs.Validation, prefix string) warning.Audience {
	a := warning.Audience{}
	ids := func(field string, in []string) []int64 {
		out := []int64{}
		for _, s := range in {
			if id, ok := parseID(s); ok && id > 0 {
				out = append(out, id)
			} else if strings.TrimSpace(s) != "" {
				v.Add(prefix+field, "is not an id")
			}
		}
		return out
	}
	a.UnitIDs = ids("unit_ids", f.UnitIDs)
	a.TeamIDs = ids("team_ids", f.TeamIDs)
	a.PersonIDs = ids("person_ids", f.PersonIDs)
	for _, r := range f.Roles {
		a.Roles = append(a.Roles, org.TeamRole(r))
	}
	for _, line := range strings.Split(f.Partners, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, ",")
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		c := warning.Contact{Name: strings.TrimSpace(parts[0]), Organisation: strings.TrimSpace(parts[1])}
		// Email and mobile may come in either order, then the language
		// of the messages (en or zh-CN) when it is not the default.
		for _, x := range parts[2:] {
			x = strings.TrimSpace(x)
			switch {
			case x == "":
			case (strings.EqualFold(x, "en") || strings.EqualFold(x, "zh-CN")) && c.Lang == "":
				c.Lang = map[bool]string{true: "en", false: "zh-CN"}[strings.EqualFold(x, "en")]
			case strings.Contains(x, "@") && c.Email == "":
				c.Email = x
			case c.Mobile == "":
				c.Mobile = x
			}
		}
		a.Partners = append(a.Partners, c)
	}
	return a
}

// audienceChoicesFor builds the options of the audience widget.
func (h *handler) audienceChoicesFor(ctx context.Context, p Page, f audienceForm, units []org.Unit) (audienceChoices, error) {
	var c audienceChoices
	depth := unitDepths(units)
	for _, u := range units {
		id := idString(u.ID)
		c.Units = append(c.Units, checkOption{Value: id, Label: p.L(u.Name, u.NameEn), Checked: slices.Contains(f.UnitIDs, id), Depth: depth[u.ID]})
	}
	teams, err := h.d.Org.Teams(ctx)
	if err != nil {
		return c, err
	}
	for _, t := range teams {
		id := idString(t.ID)
		c.Teams = append(c.Teams, checkOption{Value: id, Label: p.L(t.Name, t.NameEn), Checked: slices.Contains(f.TeamIDs, id)})
	}
	for _, r := range org.TeamRoles {
		c.Roles = append(c.Roles, checkOption{Value: string(r), Label: p.Tr.T("team_role." + string(r)), Checked: slices.Contains(f.Roles, string(r))})
	}
	people, _, err := h.d.Org.People(ctx, org.PeopleFilter{Limit: maxCandidates})
	if err != nil {
		return c, err
	}
	for _, ps := range people {
		id := idString(ps.ID)
		c.People = append(c.People, option{Value: id, Label: p.L(ps.Name, ps.NameEn), Selected: slices.Contains(f.PersonIDs, id)})
	}
	return c, nil
}

// audienceField maps an error on a part of the audience to the input that
// shows it: "audience.unit_ids[2]" → "audience.unit_ids".
func audienceField(field string) string {
	if i := strings.IndexByte(field, '['); i > 0 && strings.HasPrefix(field, "audience.") {
		return field[:i]
	}
	return field
}

// partnerLine says which partner line an error is about, for the message.
func partnerLine(field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "audience.partners[")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, ']'), 0)])
	return n + 1, err == nil
}

// fileWarnErrors files a service error on a form: audience and indexed
// errors go under their widget, the rest by name. It reports whether the
// error was a correctable input error.
func fileWarnErrors(p Page, fs *formState, err error, shown ...string) bool {
	code := errs.CodeOf(err)
	fields := errs.FieldsOf(err)
	if code != errs.Invalid && !(code == errs.Conflict && len(fields) > 0) {
		return false
	}
	for _, fe := range fields {
		field := audienceField(fe.Field)
		if i := strings.IndexByte(field, '['); i > 0 {
			field = field[:i] // unit_ids[0] → unit_ids
		}
		msg := localizeWarnField(p, fe.Field, fe.Message)
		if n, ok := partnerLine(fe.Field); ok {
			msg = p.Tr.T("warnweb.partner_line", n) + ": " + msg
		}
		if slices.Contains(shown, field) {
			fs.add(field, msg)
		} else {
			fs.Other = append(fs.Other, fe.Field+": "+msg)
		}
	}
	if len(fields) == 0 {
		fs.Other = append(fs.Other, localizeMessage(p.Tr, err))
	}
	return true
}

// localizeWarnField translates the warning service's field messages that
// the shared rules do not know.
func localizeWarnField(p Page, field, msg string) string {
	switch {
	case strings.HasPrefix(msg, "must be above the "), strings.HasPrefix(msg, "must be below the "):
		// thresholds: "must be above the blue threshold (4) when higher is worse"
		var prev string
		var x float64
		var rest string
		if _, err := fmt.Sscanf(msg[len("must be above the "):], "%s threshold (%g) %s", &prev, &x, &rest); err == nil {
			key := "warnweb.threshold_above"
			if strings.HasPrefix(msg, "must be below") {
				key = "warnweb.threshold_below"
			}
			return p.Tr.T(key, p.Tr.T("warnweb.level."+prev), p.Num(x))
		}
	case msg == "at least one level needs a threshold":
		return p.Tr.T("warnweb.threshold_needed")
	case msg == "must be a finite number", msg == "is not a number":
		return p.Tr.T("warnweb.not_a_number")
	case strings.HasPrefix(msg, "name at least one unit"):
		return p.Tr.T("warnweb.audience_empty")
	case msg == "must be in the future":
		return p.Tr.T("warnweb.in_future")
	case strings.HasPrefix(msg, "needs an email or a mobile"):
		return p.Tr.T("warnweb.partner_contact")
	case msg == "is not an email address":
		return p.Tr.T("warnweb.partner_email")
	case strings.HasPrefix(msg, "is not a mobile number"):
		return p.Tr.T("warnweb.partner_mobile")
	case strings.HasPrefix(msg, "is required with aggregation"):
		return p.Tr.T("warnweb.window_required")
	case strings.HasPrefix(msg, "must be between 0 and 44640"):
		return p.Tr.T("warnweb.window_range")
	case msg == "must be a number not below 0":
		return p.Tr.T("validation.not_negative")
	case strings.HasPrefix(msg, "must be above the current level"):
		return p.Tr.T("warnweb.level_not_above")
	case strings.HasPrefix(msg, "must be below the current level"):
		return p.Tr.T("warnweb.level_not_below")
	case strings.HasPrefix(msg, "the warning is already at level"):
		return p.Tr.T("warnweb.level_same")
	case strings.HasPrefix(msg, "may hold only letters"):
		return p.Tr.T("warnweb.code_chars")
	case strings.HasPrefix(msg, "is not a recipient department"), strings.Contains(msg, "is not a recipient department"):
		return p.Tr.T("warnweb.not_recipient")
	case strings.HasPrefix(msg, "is not a time"), strings.HasPrefix(msg, "must be a time HH:MM"):
		return p.Tr.T("warnweb.bad_time")
	case msg == "is not a known time zone":
		return p.Tr.T("warnweb.bad_zone")
	}
	return localizeField(p.Tr, field, msg)
}

// canOnAny reports whether the viewer holds perm on one of the units.
func canOnAny(p Page, perm authz.Permission, units []org.Unit, ids []int64) bool {
	for _, u := range units {
		if slices.Contains(ids, u.ID) && p.principal.On(perm, u.Path) {
			return true
		}
	}
	return false
}
