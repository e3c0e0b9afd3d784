// Package riskio moves the risk register in and out of spreadsheets: the
// import of risks, with their ratings, from the XLSX or CSV files that
// departments keep their risk checklists (风险排查清单) in, the blank
// template for it, and the export of the ranked register.
//
// The import works like the org imports of package orgio, whose file
// reading and problem reporting it shares: every row is checked first,
// every problem is reported with its spreadsheet row number, and only a
// file without problems is stored, in one transaction, through the risk
// service (which checks unit-scoped permission and writes the audit log).
package riskio

import (
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// col builds a column whose Chinese header comes from the message catalog;
// the English label is accepted as an alias of the key.
func col(key string, required bool, width float64, help, helpZH, example string, aliases ...string) orgio.Column {
	en := i18n.T(i18n.EN, "riskio.col."+key)
	return orgio.Column{Key: key, ZH: i18n.T(i18n.ZH, "riskio.col."+key), Aliases: append(aliases, en), Required: required,
		Width: width, Help: help, HelpZH: helpZH, Example: example}
}

// importColumns are the columns an import applies, in template order.
var importColumns = []orgio.Column{
	col("code", false, 10, "Your reference, e.g. R-017. A risk whose code is already stored is updated; otherwise a new risk is created. Must be unique in the file.",
		"风险编号，如 R-017。系统中已有该编号的风险将被更新，否则新建。文件内不得重复。", "R-017", "编号", "序号编码", "risk code", "risk id", "ref"),
	col("title", true, 28, "Name of the risk (required).", "风险名称（必填）。", "台风导致仓库进水", "风险", "风险名", "风险描述", "风险事件", "名称", "risk", "risk title", "name"),
	col("title_en", false, 28, "Name in English.", "英文名称。", "Typhoon flooding at the warehouse", "英文标题", "风险名称英文", "title en"),
	col("category", true, 16, "Category (required), in English or Chinese: natural disaster, public health, safety accident, cyber security, IT failure, supply chain, utilities, personnel, customer complaint, public opinion, policy/regulatory, financial, other.",
		"风险类别（必填），中英文均可：自然灾害、公共卫生、安全事故、网络与信息安全、信息系统故障、供应链、水电气等公用设施、人员、客户投诉、舆情、政策法规、财务、其他。", "自然灾害",
		"类别", "风险类型", "类型", "风险分类", "分类", "type", "risk category"),
	col("unit", true, 18, "Org unit (required): code, unique Chinese or English name, or a path such as “华东分公司/仓储部”.",
		"所属组织（必填）：组织编码、唯一的中文或英文名称，或“华东分公司/仓储部”这样的路径。", "XL-HD-WH",
		"部门", "所属部门", "责任部门", "单位", "责任单位", "组织", "department", "unit code", "dept"),
	col("owner", false, 14, "Person answerable for the risk: employee number or unique name.", "风险责任人：工号或唯一的姓名。", "XL0301",
		"风险责任人", "负责人", "责任人工号", "risk owner", "responsible"),
	col("cause", false, 30, "What could make it happen.", "风险成因（致灾因素）。", "沿海台风季强降雨，仓库地势低洼", "成因", "原因", "风险原因", "致灾因素"),
	col("consequence", false, 30, "What would follow.", "可能造成的后果。", "货物受潮损毁，发运中断 2 天", "后果", "风险后果", "后果描述", "impact description"),
	col("controls", false, 30, "Existing controls.", "现有控制措施。", "防汛沙袋、排水泵、台风预警值班", "控制措施", "现有措施", "已有控制措施", "现有管控措施", "existing controls"),
	col("treatment", false, 12, "avoid, reduce, transfer or accept (规避/降低/转移/接受); empty while undecided.", "应对策略：规避/降低/转移/接受；未定时留空。", "降低",
		"应对方式", "处置策略", "风险应对", "strategy"),
	col("status", false, 10, "open, treated, accepted or closed (待处置/已处置/已接受/已关闭). Empty: open for a new risk, unchanged for a stored one.",
		"状态：待处置/已处置/已接受/已关闭。留空：新风险为待处置，已有风险保持不变。", "待处置", "风险状态", "处置状态"),
	col("review_date", false, 12, "Next review, as YYYY-MM-DD.", "下次复核日期，格式 YYYY-MM-DD。", "2026-06-30", "复核日期", "下次复核日期", "复核时间", "review", "next review"),
	col("matrix", false, 10, "The matrix of the ratings: 3x3, 4x4 or 5x5 (or its name). Needed with ratings unless the risk is already rated.",
		"评估所用矩阵：3x3、4x4 或 5x5（或矩阵名称）。填写评分时必填，已评估过的风险可留空（沿用原矩阵）。", "5x5", "矩阵", "评估矩阵", "风险矩阵", "assessment matrix"),
	col("inherent_likelihood", false, 10, "Inherent likelihood (before controls): a value of the matrix scale, 1 = lowest, or its label.",
		"固有风险可能性（不考虑控制措施）：矩阵刻度的数值（1 为最低）或其标签。", "4", "可能性", "固有可能性", "发生可能性", "likelihood"),
	col("inherent_impact", false, 10, "Inherent impact: a value of the matrix scale, 1 = lowest, or its label.", "固有风险影响程度：矩阵刻度的数值（1 为最低）或其标签。", "4",
		"影响", "影响程度", "固有影响", "impact"),
	col("residual_likelihood", false, 10, "Residual likelihood (with the controls in place); needs an inherent rating.", "剩余风险可能性（考虑现有控制措施后）；需先有固有评分。", "2",
		"剩余可能性"),
	col("residual_impact", false, 10, "Residual impact; needs an inherent rating.", "剩余风险影响程度；需先有固有评分。", "3", "剩余影响"),
}

// exportOnlyColumns are written by the export and recognised, but not
// applied, by the import, so that an exported register can be imported
// again: scores and levels follow from the ratings, and treatment actions
// are edited in the register.
var exportOnlyColumns = []orgio.Column{
	col("actions", false, 36, "", "", "", "处置措施", "应对行动"),
	col("inherent_score", false, 8, "", "", "", "固有分值", "固有风险分值"),
	col("inherent_level", false, 10, "", "", "", "固有等级"),
	col("residual_score", false, 8, "", "", "", "剩余分值", "剩余风险分值"),
	col("residual_level", false, 10, "", "", "", "剩余等级"),
	col("level", false, 10, "", "", "", "等级", "风险等级", "current level"),
}

// readColumns are all the columns an import recognises.
var readColumns = append(append([]orgio.Column{}, importColumns...), exportOnlyColumns...)

// labels maps normalised words of both languages to a value.
type labels[T ~string] map[string]T

func (l labels[T]) add(v T, words ...string) {
	for _, w := range words {
		if k := orgio.NormHeader(w); k != "" {
			l[k] = v
		}
	}
}

func (l labels[T]) parse(s string) (T, bool) {
	v, ok := l[orgio.NormHeader(s)]
	return v, ok
}

var categoryLabels, treatmentLabels, statusLabels = func() (labels[risk.Category], labels[risk.Strategy], labels[risk.Status]) {
	c := labels[risk.Category]{}
	for _, x := range risk.Categories {
		c.add(x, string(x), i18n.T(i18n.EN, "riskio.category."+string(x)), i18n.T(i18n.ZH, "riskio.category."+string(x)))
	}
	c.add(risk.NaturalDisaster, "自然灾害类", "natural", "disaster", "气象灾害", "地质灾害")
	c.add(risk.PublicHealth, "公共卫生事件", "疫情", "传染病", "health", "epidemic", "pandemic")
	c.add(risk.SafetyAccident, "安全生产", "事故灾难", "安全事故类", "safety", "accident")
	c.add(risk.CyberSecurity, "网络安全", "信息安全", "cyber", "cybersecurity", "information security", "cyber security")
	c.add(risk.ITFailure, "IT故障", "系统故障", "信息系统", "IT", "IT outage", "system failure")
	c.add(risk.SupplyChain, "供应链中断", "供应商", "supplier")
	c.add(risk.Utilities, "公用设施", "公用事业", "水电气", "停电", "utility")
	c.add(risk.Personnel, "人员风险", "人力资源", "people", "staff", "HR")
	c.add(risk.CustomerComplaint, "投诉", "客户", "complaint", "customer")
	c.add(risk.PublicOpinion, "舆论", "负面舆情", "声誉", "reputation", "media")
	c.add(risk.PolicyRegulatory, "政策", "法规", "法律法规", "合规", "监管", "regulatory", "policy", "compliance", "legal")
	c.add(risk.Financial, "财务风险", "金融", "finance", "financial risk")
	c.add(risk.Other, "其它")

	t := labels[risk.Strategy]{}
	for _, x := range risk.Strategies {
		t.add(x, string(x), i18n.T(i18n.EN, "riskio.treatment."+string(x)), i18n.T(i18n.ZH, "riskio.treatment."+string(x)))
	}
	t.add(risk.Reduce, "减轻", "缓解", "控制", "降低风险", "mitigate", "mitigation")
	t.add(risk.Avoid, "回避", "规避风险")
	t.add(risk.Transfer, "分担", "共担", "转嫁", "保险", "share", "insure")
	t.add(risk.Accept, "承受", "保留", "自留", "接受风险", "retain", "tolerate")

	s := labels[risk.Status]{}
	for _, x := range risk.Statuses {
		s.add(x, string(x), i18n.T(i18n.EN, "riskio.status."+string(x)), i18n.T(i18n.ZH, "riskio.status."+string(x)))
	}
	s.add(risk.StatusOpen, "未处置", "处置中", "开放", "新建", "new")
	s.add(risk.StatusTreated, "已处理", "已控制", "in place")
	s.add(risk.StatusClosed, "关闭", "已消除", "done")
	return c, t, s
}()

// label returns the name of a value in a language, from the catalog.
func label(lang i18n.Lang, group, value string) string {
	if value == "" {
		return ""
	}
	return i18n.T(lang, "riskio."+group+"."+value)
}

func levelLabel(lang i18n.Lang, l risk.Level) string {
	zh, en := risk.LevelLabel(l)
	if lang == i18n.ZH {
		return zh
	}
	return en
}

// scaleValue reads a rating: the value of a step of the scale, or its
// label in either language. 0 means the cell does not name a step.
func scaleValue(s string, scale []risk.ScaleLevel) (int, bool) {
	if n, err := strconv.Atoi(orgio.CleanNumber(strings.TrimSpace(s))); err == nil {
		return n, true
	}
	k := orgio.NormHeader(s)
	for _, l := range scale {
		if k == orgio.NormHeader(l.Label) || k == orgio.NormHeader(l.LabelEn) {
			return l.Value, true
		}
	}
	return 0, false
}
