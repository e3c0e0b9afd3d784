package orgio

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

// column is one recognised column of an import file. Key is the English
// header (and the field name in error reports), ZH the Chinese one; either
// is accepted, as are the aliases that HR exports commonly use.
type column struct {
	Key      string
	ZH       string
	Aliases  []string
	Required bool
	Text     bool    // digits that must stay text in Excel (phone numbers, ids)
	Width    float64 // template column width, in characters
	Help     string
	HelpZH   string
	Example  string
}

// Header returns the column header in the given language.
func (c column) Header(lang i18n.Lang) string {
	if lang == i18n.ZH {
		return c.ZH
	}
	return c.Key
}

var peopleColumns = []column{
	{Key: "employee_no", ZH: "工号", Aliases: []string{"员工编号", "员工号", "职工号", "employee number", "emp no", "staff no", "staff id"}, Text: true, Width: 12,
		Help:   "Employee number. A person whose number is already stored is updated; otherwise a new person is created. Must be unique in the file.",
		HelpZH: "员工工号。系统中已有该工号的人员将被更新，否则新建人员。文件内不得重复。", Example: "XL0602"},
	{Key: "name", ZH: "姓名", Aliases: []string{"名字", "full name", "chinese name", "中文名"}, Required: true, Width: 10,
		Help: "Name (required).", HelpZH: "姓名（必填）。", Example: "彭志刚"},
	{Key: "name_en", ZH: "英文名", Aliases: []string{"英文姓名", "english name"}, Width: 16,
		Help: "Name in English or pinyin.", HelpZH: "英文名或拼音。", Example: "Peng Zhigang"},
	{Key: "title", ZH: "职务", Aliases: []string{"职位", "岗位", "job title", "position"}, Width: 16,
		Help: "Job title.", HelpZH: "职务。", Example: "信息安全主管"},
	{Key: "title_en", ZH: "英文职务", Aliases: []string{"职务英文", "英文职位", "english title", "job title en"}, Width: 22,
		Help: "Job title in English.", HelpZH: "英文职务。", Example: "Information Security Lead"},
	{Key: "unit", ZH: "部门", Aliases: []string{"所属部门", "单位", "所属单位", "组织", "部门编码", "单位编码", "department", "org unit", "unit code", "dept"}, Required: true, Width: 16,
		Help:   "Org unit (required): its code, its Chinese or English name when that is unique, or a path such as “杭州分公司/运营部”.",
		HelpZH: "所属组织（必填）：填写组织编码、唯一的中文或英文名称，或“杭州分公司/运营部”这样的路径。", Example: "XL-IT"},
	{Key: "site", ZH: "地点", Aliases: []string{"工作地点", "办公地点", "场所", "location", "office"}, Width: 16,
		Help: "Site (office, warehouse, data centre) by its Chinese or English name.", HelpZH: "工作地点（办公楼、仓库、数据中心），填写中文或英文名称。", Example: "集团总部大楼"},
	{Key: "mobile", ZH: "手机", Aliases: []string{"手机号", "手机号码", "移动电话", "mobile phone", "cell", "cell phone"}, Text: true, Width: 18,
		Help: "Mobile number, e.g. +86 138 0000 0001. Several numbers are separated by “;”.", HelpZH: "手机号码，如 +86 138 0000 0001；多个号码用“;”分隔。", Example: "+86 138 0000 0022"},
	{Key: "phone", ZH: "电话", Aliases: []string{"座机", "办公电话", "固定电话", "telephone", "office phone", "tel"}, Text: true, Width: 18,
		Help: "Office phone.", HelpZH: "办公电话。", Example: "+86 21 5555 0602"},
	{Key: "email", ZH: "邮箱", Aliases: []string{"电子邮箱", "电子邮件", "邮件", "mail", "email address"}, Width: 28,
		Help: "Email address.", HelpZH: "电子邮箱。", Example: "peng.zhigang@xinglian.example"},
	{Key: "dingtalk", ZH: "钉钉", Aliases: []string{"钉钉号", "钉钉id", "ding talk"}, Width: 14,
		Help: "DingTalk user id.", HelpZH: "钉钉用户 ID。", Example: "dt-pengzhigang"},
	{Key: "wecom", ZH: "企业微信", Aliases: []string{"企微", "企业微信号", "企业微信id", "wechat work", "wxwork"}, Width: 14,
		Help: "WeCom (WeChat Work) user id.", HelpZH: "企业微信用户 ID。", Example: "PengZhiGang"},
	{Key: "feishu", ZH: "飞书", Aliases: []string{"飞书号", "飞书id", "lark"}, Width: 14,
		Help: "Feishu (Lark) user id.", HelpZH: "飞书用户 ID。", Example: "ou_pengzhigang"},
	{Key: "slack", ZH: "Slack", Aliases: []string{"slack id", "slack member id"}, Width: 14,
		Help: "Slack member id.", HelpZH: "Slack 成员 ID。", Example: ""},
	{Key: "active", ZH: "在职", Aliases: []string{"是否在职", "在职状态", "状态", "status", "is active"}, Width: 8,
		Help: "Yes/no (是/否). Empty: yes for a new person, unchanged for an existing one.", HelpZH: "是/否。留空时：新人员视为在职，已有人员保持不变。", Example: "是"},
}

var unitColumns = []column{
	{Key: "code", ZH: "编码", Aliases: []string{"代码", "组织编码", "单位编码", "部门编码", "unit code"}, Text: true, Width: 14,
		Help:   "Unique code. A unit whose code is already stored is updated; otherwise a new unit is created.",
		HelpZH: "唯一编码。系统中已有该编码的组织将被更新，否则新建。", Example: "HZ-CS"},
	{Key: "name", ZH: "名称", Aliases: []string{"组织名称", "单位名称", "部门名称", "中文名称"}, Required: true, Width: 22,
		Help: "Name (required).", HelpZH: "名称（必填）。", Example: "客服部"},
	{Key: "name_en", ZH: "英文名称", Aliases: []string{"英文名", "english name"}, Width: 28,
		Help: "Name in English.", HelpZH: "英文名称。", Example: "Customer Service"},
	{Key: "kind", ZH: "类型", Aliases: []string{"层级", "组织类型", "单位类型", "type", "level"}, Required: true, Width: 12,
		Help: "group, branch, subsidiary or department (集团/分公司/子公司/部门).", HelpZH: "集团/分公司/子公司/部门（group/branch/subsidiary/department）。", Example: "部门"},
	{Key: "parent", ZH: "上级", Aliases: []string{"上级单位", "上级部门", "上级组织", "上级编码", "parent code", "parent unit"}, Width: 16,
		Help:   "Parent unit: code or unique name of a stored unit or of a unit anywhere in this file. Empty: a top-level unit (for a new unit) or the current parent (for an existing one).",
		HelpZH: "上级组织：已有组织或本文件中任一组织的编码或唯一名称。留空：新组织为顶级组织，已有组织保持原上级。", Example: "HZ"},
	{Key: "sort_order", ZH: "排序", Aliases: []string{"顺序", "序号", "sort", "order"}, Width: 8,
		Help: "Order among siblings (a whole number).", HelpZH: "同级排序（整数）。", Example: "20"},
}

// normHeader makes header matching case-, width- and space-insensitive
// and ignores the punctuation people put around headers ("E-mail",
// "Employee No.", "姓名*", "手机：").
func normHeader(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) || strings.ContainsRune("_-.*:()[]/", r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// headerIndex maps each recognised column key to its cell index.
type headerIndex map[string]int

func (h headerIndex) has(key string) bool { _, ok := h[key]; return ok }

// cell returns the value of a column in a row, "" when absent.
func (h headerIndex) cell(r record, key string) string {
	i, ok := h[key]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// mapHeader recognises the header row, reporting unknown, repeated and
// missing required columns.
func mapHeader(t *table, cols []column, pr *problems) headerIndex {
	lookup := map[string]string{}
	for _, c := range cols {
		for _, n := range append([]string{c.Key, c.ZH}, c.Aliases...) {
			lookup[normHeader(n)] = c.Key
		}
	}
	h := headerIndex{}
	var unknown []string
	for i, raw := range t.header {
		if raw == "" {
			continue
		}
		key, ok := lookup[normHeader(raw)]
		if !ok {
			unknown = append(unknown, raw)
			pr.add(t.headerLine, "column "+colName(i), "unknown column “%s”", raw)
			continue
		}
		if j, dup := h[key]; dup {
			pr.add(t.headerLine, "column "+colName(i), "column “%s” repeats column %s (%s)", raw, colName(j), key)
			continue
		}
		h[key] = i
	}
	if len(unknown) > 0 {
		pr.add(t.headerLine, "", "the recognised columns are %s", knownColumns(cols))
	}
	for _, c := range cols {
		if c.Required && !h.has(c.Key) {
			pr.add(t.headerLine, "", "required column “%s” (%s) is missing", c.Key, c.ZH)
		}
	}
	return h
}

func knownColumns(cols []column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Key + "/" + c.ZH
	}
	return strings.Join(parts, ", ")
}

// checkHeaderless reports, once per column, values in columns that have
// no header: they would otherwise be dropped without a word.
func checkHeaderless(t *table, pr *problems) {
	reported := map[int]bool{}
	for _, r := range t.rows {
		for i, c := range r.cells {
			if c == "" || reported[i] || (i < len(t.header) && t.header[i] != "") {
				continue
			}
			reported[i] = true
			pr.add(r.line, "column "+colName(i), "column %s has values but no header", colName(i))
		}
	}
}

func colName(i int) string {
	n, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return n
}

// problems collects everything wrong with a file, by row.
type problems struct {
	list []problem
}

type problem struct {
	line  int
	seq   int
	field errs.FieldError
}

// add records a problem on a spreadsheet row; field is the column key (or
// "" for the row as a whole).
func (p *problems) add(line int, field, format string, args ...any) {
	name := "row " + strconv.Itoa(line)
	if field != "" {
		name += "." + field
	}
	p.list = append(p.list, problem{line: line, seq: len(p.list), field: errs.FieldError{Field: name, Message: fmt.Sprintf(format, args...)}})
}

func (p *problems) empty() bool { return len(p.list) == 0 }

// err returns the Invalid error listing the problems in row order, or nil.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].line < p.list[j].line })
	n := min(len(p.list), maxProblems)
	fields := make([]errs.FieldError, 0, n+1)
	for _, x := range p.list[:n] {
		fields = append(fields, x.field)
	}
	if more := len(p.list) - n; more > 0 {
		fields = append(fields, errs.FieldError{Field: "file", Message: fmt.Sprintf("%d more problems are not listed; fix the ones above and import again", more)})
	}
	return &errs.Error{Code: errs.Invalid, Message: failedMessage, Fields: fields}
}

var (
	sciRe      = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)
	trailingRe = regexp.MustCompile(`^([0-9]+)\.0+$`)
)

// cleanNumber undoes what spreadsheets do to long digit strings typed as
// numbers: 13800001234 stored as 1.3800001234E10 or 13800001234.0.
func cleanNumber(s string) string {
	if sciRe.MatchString(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f < 1e18 && f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	if m := trailingRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}

// parseBool reads the yes/no values of both languages.
func parseBool(s string) (v bool, ok bool) {
	switch strings.ToLower(width.Fold.String(strings.TrimSpace(s))) {
	case "1", "y", "yes", "true", "t", "x", "active", "是", "在职", "有效", "启用", "√", "✓":
		return true, true
	case "0", "n", "no", "false", "f", "inactive", "否", "离职", "无效", "停用", "×", "✗":
		return false, true
	}
	return false, false
}

// splitValues splits a cell holding several values of one kind.
func splitValues(s string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '\n' }) {
		if v = cleanCell(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// nameKey is how names are compared: case-, width- and space-insensitive.
func nameKey(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
