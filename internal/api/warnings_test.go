package api_test

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/warning"
)

func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../warning/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newIndicator returns a setup that defines an indicator (as the manager)
// and names its id key.
func newIndicator(key, body string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		var ind warning.Indicator
		e.json("manager", http.MethodPost, "/indicators", body, http.StatusCreated, &ind)
		e.ids[key] = ind.ID
	}
}

const tempIndicator = `{"code": "WH-TEMP-SH", "name": "上海冷库温度", "name_en": "Shanghai cold store temperature", "measure": "°C",
	"source": "alertmanager", "owner_unit_id": {eastops}, "direction": "higher_is_worse", "hysteresis": 0.5,
	"thresholds": {"blue": 4, "yellow": 6, "orange": 8, "red": 10}, "audience": {"unit_ids": [{eastops}, {west}]}}`

// newWarning returns a setup that issues a yellow warning to the east
// operations and the west branch, and names its id key.
func newWarning(key string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		var w warning.Warning
		e.json("manager", http.MethodPost, "/warnings", `{"level": 3, "title": "杭州枢纽暴雨黄色预警", "title_en": "Hangzhou hub rainstorm: yellow warning",
			"category": "Met", "area": "杭州市余杭区", "unit_ids": [{eastops}], "impact": "园区道路积水", "measures": "转移低洼库位货物",
			"valid_until": "2025-03-15T09:30:00Z", "audience": {"unit_ids": [{eastops}, {west}], "person_ids": [{carol}],
			"partners": [{"name": "顺达运输调度", "mobile": "+86 139 0000 0009"}]}}`, http.StatusCreated, &w)
		e.ids[key] = w.ID
	}
}

func TestIndicatorsAPI(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "define an indicator", role: "manager", method: "POST", url: "/indicators", body: tempIndicator,
			status: 201, contains: []string{`"code":"WH-TEMP-SH"`, `"thresholds":{"blue":4,"yellow":6,"orange":8,"red":10}`, `"level":0`, `"active":true`}},
		{name: "a rainfall sum over 3 h", role: "manager", method: "POST", url: "/indicators",
			body: `{"code": "RAIN-3H-HZ", "name": "杭州枢纽3小时降雨量", "measure": "mm", "owner_unit_id": {east}, "direction": "higher_is_worse",
				"aggregation": "sum", "window_minutes": 180, "thresholds": {"orange": 50, "red": 100}}`,
			status: 201, contains: []string{`"aggregation":"sum"`, `"window_minutes":180`}},
		{name: "thresholds not monotonic", role: "manager", method: "POST", url: "/indicators",
			body:   `{"code": "X1", "name": "x", "owner_unit_id": {east}, "direction": "higher_is_worse", "thresholds": {"yellow": 6, "orange": 8, "red": 7}}`,
			status: 422, contains: []string{`"field":"body.thresholds.red"`, "must be above the orange threshold (8)"}},
		{name: "thresholds rising when lower is worse", role: "manager", method: "POST", url: "/indicators",
			body:   `{"code": "X2", "name": "台风距离", "owner_unit_id": {east}, "direction": "lower_is_worse", "thresholds": {"blue": 100, "red": 800}}`,
			status: 422, contains: []string{`"field":"body.thresholds.red"`, "below the blue threshold"}},
		{name: "no threshold", role: "manager", method: "POST", url: "/indicators",
			body:   `{"code": "X3", "name": "x", "owner_unit_id": {east}, "direction": "higher_is_worse", "thresholds": {}}`,
			status: 422, contains: []string{`"field":"body.thresholds"`}},
		{name: "unknown direction", role: "manager", method: "POST", url: "/indicators",
			body:   `{"code": "X4", "name": "x", "owner_unit_id": {east}, "direction": "up", "thresholds": {"red": 1}}`,
			status: 422, contains: []string{`"field":"body.direction"`}},
		{name: "viewer may not define", role: "viewer", method: "POST", url: "/indicators", body: tempIndicator,
			status: 403},
		{name: "another indicator", role: "manager", method: "POST", url: "/indicators", body: strings.Replace(tempIndicator, "WH-TEMP-SH", "WH-TEMP-HZ", 1),
			setup:  newIndicator("dup", strings.Replace(tempIndicator, "WH-TEMP-SH", "DUP-1", 1)),
			status: 201, contains: []string{`"code":"WH-TEMP-HZ"`}},
		{name: "duplicate code refused", role: "manager", method: "POST", url: "/indicators", body: strings.Replace(tempIndicator, "WH-TEMP-SH", "DUP-1", 1),
			status: 409, contains: []string{`"field":"body.code"`, "already used"}},
		{name: "list as viewer", role: "viewer", method: "GET", url: "/indicators",
			status: 200, contains: []string{`"code":"WH-TEMP-SH"`, `"code":"RAIN-3H-HZ"`}},
		{name: "update keeps the code unique and the state", role: "manager", method: "PUT", url: "/indicators/{dup}",
			body:   strings.Replace(strings.Replace(tempIndicator, "WH-TEMP-SH", "DUP-1", 1), `"red": 10`, `"red": 12`, 1),
			status: 200, contains: []string{`"red":12`}},
		{name: "observation crosses yellow", role: "manager", method: "POST", url: "/indicators/{dup}/observations",
			body:   `{"value": 6.5, "labels": {"sensor": "B2-03"}}`,
			status: 201, contains: []string{`"level":3`, `"value":6.5`, `"sensor":"B2-03"`},
			check: func(t *testing.T, e *env, res response) {
				var page struct {
					Items []warning.Warning `json:"items"`
					Total int               `json:"total"`
				}
				e.json("viewer", "GET", "/warnings?in_force=true&indicator_id={dup}", "", 200, &page)
				if page.Total != 1 || page.Items[0].Level != warning.Yellow || page.Items[0].Source != warning.SourceAPI {
					t.Fatalf("warnings in force: %+v", page)
				}
			}},
		{name: "observation by code", role: "manager", method: "POST", url: "/observations",
			body:   `{"indicator": "DUP-1", "value": 12.5}`,
			status: 201, contains: []string{`"level":1`}},
		{name: "observation of an unknown code", role: "manager", method: "POST", url: "/observations",
			body:   `{"indicator": "NOPE", "value": 1}`,
			status: 422, contains: []string{`"field":"body.indicator"`}},
		{name: "observations listed", role: "viewer", method: "GET", url: "/indicators/{dup}/observations",
			status: 200, contains: []string{`"value":6.5`, `"value":12.5`}},
		{name: "observation as viewer", role: "viewer", method: "POST", url: "/indicators/{dup}/observations", body: `{"value": 1}`,
			status: 403},
		{name: "delete", role: "manager", method: "DELETE", url: "/indicators/{dup}", status: 204},
		{name: "deleted", role: "viewer", method: "GET", url: "/indicators/{dup}", status: 404},
	})
}

func TestAlertmanagerAndCAPInputs(t *testing.T) {
	t.Parallel()
	json := map[string]string{"Content-Type": "application/json"}
	capXML := map[string]string{"Content-Type": "application/cap+xml"}
	setup := func(t *testing.T, e *env) {
		newIndicator("temp", tempIndicator)(t, e)
		newIndicator("wms", `{"code": "WMS-ERR", "name": "WMS错误率", "measure": "%", "source": "alertmanager", "owner_unit_id": {group},
			"direction": "higher_is_worse", "thresholds": {"yellow": 1, "orange": 3, "red": 5}}`)(t, e)
		newIndicator("typhoon", `{"code": "TYPHOON-SH", "name": "台风", "name_en": "Typhoon", "source": "cap", "owner_unit_id": {eastops},
			"direction": "higher_is_worse", "thresholds": {}, "audience": {"unit_ids": [{eastops}]}}`)(t, e)
	}
	runScenarios(t, []scenario{
		{name: "firing alerts", role: "manager", method: "POST", url: "/alertmanager", body: sample(t, "alertmanager_firing.json"), header: json,
			setup:  setup,
			status: 200, contains: []string{`"ref":"5a8d1e5f0b3c7d21"`, `"outcome":"raised","level":3`, `"ref":"c03f29a2b8e44f10"`, `"outcome":"raised","level":1`}},
		{name: "resolved alert", role: "manager", method: "POST", url: "/alertmanager", body: sample(t, "alertmanager_resolved.json"), header: json,
			status: 200, contains: []string{`"outcome":"lifted"`}},
		{name: "payload of version 3", role: "manager", method: "POST", url: "/alertmanager", body: sample(t, "alertmanager_v3.json"), header: json,
			status: 422, contains: []string{`"field":"version"`, "only version 4"}},
		{name: "not JSON", role: "manager", method: "POST", url: "/alertmanager", body: `{"version": "4",`, header: json,
			status: 422, contains: []string{`"field":"body"`, "not valid JSON"}},
		{name: "without a token", method: "POST", url: "/alertmanager", body: sample(t, "alertmanager_firing.json"), header: json,
			status: 401},
		{name: "with a viewer's token", role: "viewer", method: "POST", url: "/alertmanager", body: sample(t, "alertmanager_firing.json"), header: json,
			status: 403},
		{name: "CAP typhoon warning", role: "manager", method: "POST", url: "/cap", body: sample(t, "cap_typhoon_orange.xml"), header: capXML,
			status: 200, contains: []string{`"outcome":"raised"`, `"level":2`, `"ref":"shanghai.meteo@weather.example.cn,31000041600000_20250314173000"`},
			check: func(t *testing.T, e *env, res response) {
				var r warning.AlertResult
				decode(t, res.body, &r)
				e.ids["capw"] = *r.WarningID
				e.json("viewer", "GET", "/warnings/{capw}", "", 200, nil)
			}},
		{name: "the same CAP alert again", role: "manager", method: "POST", url: "/cap", body: sample(t, "cap_typhoon_orange.xml"),
			header: map[string]string{"Content-Type": "application/xml; charset=utf-8"},
			status: 200, contains: []string{`"outcome":"duplicate"`, `"warning_id":{capw}`}},
		{name: "CAP update to red", role: "manager", method: "POST", url: "/cap", body: sample(t, "cap_typhoon_red_update.xml"), header: capXML,
			status: 200, contains: []string{`"outcome":"upgraded"`, `"level":1`, `"warning_id":{capw}`}},
		{name: "CAP missing severity", role: "manager", method: "POST", url: "/cap", body: sample(t, "cap_missing_severity.xml"), header: capXML,
			status: 422, contains: []string{`"field":"alert.info[0].severity"`, "is required"}},
		{name: "CAP not well-formed", role: "manager", method: "POST", url: "/cap", header: capXML,
			body:   `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>a`,
			status: 422, contains: []string{`"field":"alert"`, "not well-formed XML"}},
		{name: "CAP as JSON", role: "manager", method: "POST", url: "/cap", body: `{"alert": 1}`, header: json,
			status: 415, contains: []string{"application/cap+xml"}},
		{name: "CAP test message ignored", role: "manager", method: "POST", url: "/cap", body: sample(t, "cap_rainstorm_en_test.xml"), header: capXML,
			status: 200, contains: []string{`"outcome":"ignored"`, "status Test"}},
	})
}

func TestWarningsAPI(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "issue", role: "manager", method: "POST", url: "/warnings",
			body: `{"level": 3, "title": "杭州枢纽暴雨黄色预警", "unit_ids": [{eastops}], "measures": "转移低洼库位货物",
				"audience": {"unit_ids": [{eastops}], "roles": ["leader"]}}`,
			status: 201, contains: []string{`"status":"active"`, `"level":3`, `"source":"manual"`, `"revision":1`, `"issued_by_name":"Manager"`}},
		{name: "issue without audience", role: "manager", method: "POST", url: "/warnings",
			body:   `{"level": 3, "title": "x", "audience": {}}`,
			status: 422, contains: []string{`"field":"body.audience"`}},
		{name: "issue with level 5", role: "manager", method: "POST", url: "/warnings",
			body:   `{"level": 5, "title": "x", "audience": {"unit_ids": [{east}]}}`,
			status: 422, contains: []string{`"field":"body.level"`}},
		{name: "issue to an unknown unit", role: "manager", method: "POST", url: "/warnings",
			body:   `{"level": 4, "title": "x", "audience": {"unit_ids": [999999]}}`,
			status: 422, contains: []string{`"field":"body.audience.unit_ids[0]"`}},
		{name: "issue as a department lead", role: "lead", method: "POST", url: "/warnings",
			body:   `{"level": 4, "title": "x", "audience": {"unit_ids": [{east}]}}`,
			status: 403},
		{name: "get", role: "viewer", method: "GET", url: "/warnings/{w1}", setup: newWarning("w1"),
			status: 200, contains: []string{`"title_en":"Hangzhou hub rainstorm: yellow warning"`, `"name":"顺达运输调度"`}},
		{name: "recipients", role: "viewer", method: "GET", url: "/warnings/{w1}/recipients",
			status: 200, contains: []string{`"person_ids":[{alice},{bob},{carol}]`, `"unit_ids":[{eastops},{west}]`}},
		{name: "acknowledge for a unit of one's subtree", role: "lead", method: "POST", url: "/warnings/{w1}/acks",
			body:   `{"unit_id": {eastops}, "measures": "已转移B区低洼库位货物,暂停室外装卸"}`,
			status: 201, contains: []string{`"unit_id":{eastops}`, `"revision":1`, `"acked_by_name":"Lead"`}},
		{name: "acknowledge for another branch", role: "lead", method: "POST", url: "/warnings/{w1}/acks",
			body: `{"unit_id": {west}, "measures": "x"}`, status: 403},
		{name: "acknowledge for a unit that is not a recipient", role: "lead", method: "POST", url: "/warnings/{w1}/acks",
			body: `{"unit_id": {east}, "measures": "x"}`, status: 422, contains: []string{`"field":"body.unit_id"`}},
		{name: "acknowledge without measures", role: "lead", method: "POST", url: "/warnings/{w1}/acks",
			body: `{"unit_id": {eastops}, "measures": ""}`, status: 422, contains: []string{`"field":"body.measures"`}},
		{name: "acknowledge as viewer", role: "viewer", method: "POST", url: "/warnings/{w1}/acks",
			body: `{"unit_id": {eastops}, "measures": "x"}`, status: 403},
		{name: "progress", role: "viewer", method: "GET", url: "/warnings/{w1}/acks",
			status: 200, contains: []string{`"unit_id":{eastops},"unit_name":"华东运营部","unit_name_en":"East Operations","acked":true`,
				`"unit_id":{west},"unit_name":"华西分公司","unit_name_en":"West Branch","acked":false`}},
		{name: "overdue after two hours", role: "viewer", method: "GET", url: "/warning-acks/overdue",
			setup:  func(t *testing.T, e *env) { e.clock.Advance(2*60*60*1e9 + 1) },
			status: 200, contains: []string{`"warning_id":{w1},"revision":1,"level":3,"title":"杭州枢纽暴雨黄色预警","title_en":"Hangzhou hub rainstorm: yellow warning","unit_id":{west}`},
			excludes: []string{`"title_en":"Hangzhou hub rainstorm: yellow warning","unit_id":{eastops}`}},
		{name: "upgrade", role: "manager", method: "POST", url: "/warnings/{w1}/upgrade", body: `{"level": 2, "note": "雨势加大"}`,
			status: 200, contains: []string{`"status":"upgraded"`, `"level":2`, `"revision":2`}},
		{name: "upgrade to a lower level", role: "manager", method: "POST", url: "/warnings/{w1}/upgrade", body: `{"level": 4}`,
			status: 422, contains: []string{`"field":"body.level"`, "above the current level"}},
		{name: "downgrade", role: "manager", method: "POST", url: "/warnings/{w1}/downgrade", body: `{"level": 4}`,
			status: 200, contains: []string{`"status":"downgraded"`, `"level":4`}},
		{name: "CAP export", role: "viewer", method: "GET", url: "/warnings/{w1}/cap",
			status: 200, contains: []string{`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">`, `<msgType>Update</msgType>`, `<severity>Minor</severity>`,
				`<headline>杭州枢纽暴雨黄色预警</headline>`, `<geocode>`, `<value>EAST-OPS</value>`},
			check: func(t *testing.T, e *env, res response) {
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/cap+xml") {
					t.Errorf("Content-Type %q", ct)
				}
				a, err := warning.ParseCAP(bytes.NewReader(res.body))
				if err != nil {
					t.Fatalf("exported CAP does not parse: %v", err)
				}
				d, _ := a.Draft()
				if d.Warning.Level != warning.Blue || d.Warning.Measures != "转移低洼库位货物" || d.Warning.ValidUntil == nil {
					t.Fatalf("exported warning %+v", d.Warning)
				}
			}},
		{name: "lift", role: "manager", method: "POST", url: "/warnings/{w1}/lift", body: `{"note": "降雨结束"}`,
			status: 200, contains: []string{`"status":"lifted"`, `"ended_at":"`}},
		{name: "lift again", role: "manager", method: "POST", url: "/warnings/{w1}/lift", body: `{}`,
			status: 409},
		{name: "history", role: "viewer", method: "GET", url: "/warnings/{w1}/history",
			status: 200, contains: []string{`"action":"raised"`, `"action":"acknowledged"`, `"action":"upgraded","from_level":3,"to_level":2`,
				`"action":"downgraded"`, `"action":"lifted"`, `"note":"降雨结束"`}},
		{name: "list lifted", role: "viewer", method: "GET", url: "/warnings?status=lifted",
			status: 200, contains: []string{`"total":1`, `"id":{w1}`}},
		{name: "list by recipient unit", role: "viewer", method: "GET", url: "/warnings?unit_id={west}",
			status: 200, contains: []string{`"id":{w1}`}},
		{name: "list with a bad status", role: "viewer", method: "GET", url: "/warnings?status=burning",
			status: 422, contains: []string{`"field":"query.status"`}},
		{name: "feeds", role: "manager", method: "POST", url: "/warning-feeds",
			body:   `{"name": "上海中心气象台", "url": "https://weather.example.cn/cap/feed.atom", "interval_seconds": 600}`,
			status: 201, contains: []string{`"interval_seconds":600`, `"active":true`}},
		{name: "feed with a bad URL", role: "manager", method: "POST", url: "/warning-feeds",
			body: `{"name": "x", "url": "ftp://example.cn/feed"}`, status: 422, contains: []string{`"field":"body.url"`}},
	})
}
