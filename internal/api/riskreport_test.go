package api_test

import (
	"bytes"
	"strings"
	"testing"
)

func TestRiskReportAPI(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "report as HTML in Chinese", role: "viewer", method: "GET", url: "/risk-report?format=html&lang=zh-CN",
			setup: newRisk("hot", "east", "仓库火灾", "safety_accident", [2]int{5, 5}), status: 200,
			contains: []string{"风险评估报告", "固有风险", "剩余风险", "仓库火灾", "重大和较大风险详情"}, excludes: []string{"<script"},
			check: func(t *testing.T, e *env, res response) {
				if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "risk-assessment-report-") || !strings.Contains(cd, "-zh.html") {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{name: "report as DOCX in English", role: "viewer", method: "GET", url: "/risk-report?format=docx&lang=en", status: 200,
			check: func(t *testing.T, e *env, res response) {
				doc := unzipped(t, res.body)["word/document.xml"]
				for _, want := range []string{"Risk assessment report", "Inherent risk", "Ranked register"} {
					if !bytes.Contains(doc, []byte(want)) {
						t.Errorf("document.xml lacks %q", want)
					}
				}
			}},
		{name: "report in a bad format", role: "viewer", method: "GET", url: "/risk-report?format=odt", status: 422,
			contains: []string{`"field":"query.format"`}},
		{name: "report on an unknown matrix", role: "viewer", method: "GET", url: "/risk-report?matrix=9x9&format=html", status: 422},
		{name: "report anonymously", method: "GET", url: "/risk-report", status: 401},
	})
}
