package web

import (
	"testing"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

// The services' English messages that the UI knows must come out in the
// page language; the tables are regular expressions, so test them.
func TestLocalizeField(t *testing.T) {
	zh := i18n.For(i18n.ZH)
	for _, c := range []struct{ field, msg, want string }{
		{"name", "is required", "此项为必填项。"},
		{"name", "must be at most 200 characters", "长度不能超过 200 个字符。"},
		{"contacts.mobile", "is not a valid phone number", "请输入有效的手机号码。"},
		{"contacts.phone", "is not a valid phone number", "请输入有效的电话号码。"},
		{"contacts[0].value", "is not a valid dingtalk id", "请输入有效的账号 ID（字母、数字或 . _ @ : -）。"},
		{"parent_id", "a unit cannot be moved under itself or its own sub-unit", "不能将单元设置为其自身或其下级单元的下级。"},
		{"members[0].deputies[1]", "no person with id 9", "请从列表中选择人员。"},
		{"employee_no", "is already used by 王芳", "已被 王芳 使用。"},
		{"new_password", "must be at least 10 characters", "密码长度不能少于 10 个字符。"},
		{"row 4.mobile", "“call me” is not a valid phone number", "“call me” 请输入有效的手机号码。"},
		{"x", "something nobody translated", "something nobody translated"},
	} {
		if got := localizeField(zh, c.field, c.msg); got != c.want {
			t.Errorf("localizeField(%q, %q) = %q, want %q", c.field, c.msg, got, c.want)
		}
	}
}

func TestLocalizeMessage(t *testing.T) {
	en := i18n.For(i18n.EN)
	for _, c := range []struct {
		err  error
		want string
	}{
		{errs.New(errs.Conflict, "%s is a member of team %q; remove them from the team first", "Li Na", "IT"),
			"Li Na is a member of the team “IT”; remove them from the team first."},
		{errs.New(errs.Invalid, "you cannot disable your own account"), "You cannot disable your own account."},
		{errs.New(errs.Forbidden, "permission people.write required on this unit"), "You do not have permission to perform this action."},
		{errs.New(errs.Forbidden, "something else"), "You do not have permission to perform this action."},
	} {
		if got := localizeMessage(en, c.err); got != c.want {
			t.Errorf("localizeMessage(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestProblemText(t *testing.T) {
	p := auditPage{Page: Page{Tr: i18n.For(i18n.ZH)}}
	for reason, want := range map[string]string{
		"entries 3 to 5 are missing":                            "第 3 至 5 条记录缺失。",
		"link to the previous entry is broken":                  "与上一条记录的链接已断开。",
		"content does not match its hash (the row was changed)": "内容与哈希值不符：该记录写入后被修改过。",
	} {
		if got := p.ProblemText(reason); got != want {
			t.Errorf("ProblemText(%q) = %q, want %q", reason, got, want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"":                    "/",
		"/teams/3?x=1#m":      "/teams/3?x=1#m",
		"//evil.example":      "/",
		"/\\evil.example":     "/",
		"https://evil":        "/",
		"/ok/../x":            "/ok/../x",
		"/%2F%2Fevil.example": "/", // harmless, but refused all the same
		"javascript:alert(1)": "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
