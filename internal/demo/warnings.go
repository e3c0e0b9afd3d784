package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/tx"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// The demo's early warning: the indicators a logistics group watches
// (cold-store temperature, order backlog, WMS error rate, typhoon distance
// to the Shanghai hub, rainfall at the Hangzhou hub, the Qiantang river
// level, and typhoon alerts from the meteorological service), six hours
// of observations, and the yellow rainstorm warning they raised at the
// Hangzhou hub, acknowledged so far by two of its four recipient
// departments.

type warningStore interface {
	warning.Store
	audit.Store
}

func num(x float64) *float64 { return &x }

type demoIndicator struct {
	ind warning.Indicator
	// units and teams of the audience, by code and name
	audienceUnits []string
	obs           []float64 // one an hour, the last one now
}

// loadWarnings fills the indicators and observations inside the demo's
// transaction. Its service runs on a clock that starts six hours ago and
// moves an hour per observation, so that the warning's history reads as
// it happened.
func loadWarnings(ctx context.Context, orgSvc *org.Service, t tx.Runner) error {
	st, ok := t.(warningStore)
	if !ok {
		return fmt.Errorf("demo: warnings need the database, not a %T", t)
	}
	now := time.Now().UTC().Truncate(time.Minute)
	clk := clock.NewFake(now.Add(-6 * time.Hour))
	svc := warning.NewService(st, t, audit.NewLog(st, t, clock.Real{}), clk)
	return storeWarnings(ctx, svc, orgSvc, clk)
}

func storeWarnings(ctx context.Context, svc *warning.Service, orgSvc *org.Service, clk *clock.Fake) error {
	units, err := orgSvc.Units(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]org.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	unit := func(code string) (int64, error) {
		u, ok := byCode[code]
		if !ok {
			return 0, fmt.Errorf("demo: warnings: no unit %s", code)
		}
		return u.ID, nil
	}
	rain := []float64{6, 9, 12, 8, 11, 7, 9} // mm per hour: 56 mm in 6 h, 27 mm in 3 h
	indicators := []demoIndicator{
		{ind: warning.Indicator{Code: "WH-TEMP-SH", Name: "上海冷库温度(冷链)", NameEn: "Shanghai cold store temperature (cold chain)",
			Description: "浦东冷库B区(2~8°C药品及生鲜区)最高温度,由Prometheus采集、Alertmanager推送。",
			Measure:     "°C", Source: warning.SourceAlertmanager, Direction: warning.HigherIsWorse, Hysteresis: 0.5,
			Thresholds: warning.Thresholds{Blue: num(8), Yellow: num(9), Orange: num(10), Red: num(12)}},
			audienceUnits: []string{"SH-WH", "SH-OPS"}, obs: []float64{4.8, 5.1, 5.0, 5.6, 6.2, 5.9, 5.4}},
		{ind: warning.Indicator{Code: "ORDER-BACKLOG", Name: "待处理订单积压量", NameEn: "Order backlog",
			Description: "全网已下单未出库的订单数,每小时统计。", Measure: "单 orders", Source: warning.SourceAPI, Direction: warning.HigherIsWorse,
			Thresholds: warning.Thresholds{Blue: num(20000), Yellow: num(35000), Orange: num(50000), Red: num(80000)}, Hysteresis: 1000},
			audienceUnits: []string{"XL-OPS", "XL-CS"}, obs: []float64{12400, 13100, 15800, 17200, 16900, 18300, 17600}},
		{ind: warning.Indicator{Code: "WMS-ERR", Name: "WMS接口错误率", NameEn: "WMS API error rate",
			Description: "仓储管理系统API 5xx响应占比(5分钟),由Alertmanager推送。", Measure: "%", Source: warning.SourceAlertmanager,
			Direction: warning.HigherIsWorse, Aggregation: warning.AggMax, WindowMinutes: 15,
			Thresholds: warning.Thresholds{Yellow: num(1), Orange: num(3), Red: num(5)}},
			audienceUnits: []string{"XL-IT"}, obs: []float64{0.12, 0.08, 0.31, 0.22, 0.15, 0.4, 0.18}},
		{ind: warning.Indicator{Code: "TYPHOON-DIST-SH", Name: "台风中心距上海枢纽距离", NameEn: "Typhoon distance to the Shanghai hub",
			Description: "当前最近台风中心与上海枢纽(浦东)之间的距离,依据气象台路径预报每小时更新。", Measure: "km", Source: warning.SourceAPI,
			Direction: warning.LowerIsWorse, Thresholds: warning.Thresholds{Blue: num(800), Yellow: num(500), Orange: num(300), Red: num(150)}, Hysteresis: 50},
			audienceUnits: []string{"SH", "XL-TRN"}, obs: []float64{1480, 1420, 1365, 1310, 1260, 1215, 1170}},
		{ind: warning.Indicator{Code: "RAIN-3H-HZ", Name: "杭州枢纽3小时降雨量", NameEn: "Hangzhou hub rainfall in 3 h",
			Description: "杭州分拨中心自动雨量站3小时累计雨量。暴雨预警信号:3小时50毫米橙色,3小时100毫米红色。", Measure: "mm",
			Source: warning.SourceAPI, Direction: warning.HigherIsWorse, Aggregation: warning.AggSum, WindowMinutes: 180,
			Thresholds: warning.Thresholds{Orange: num(50), Red: num(100)}},
			audienceUnits: []string{"HZ", "HZ-OPS", "HZ-CS", "XL-TRN"}, obs: rain},
		{ind: warning.Indicator{Code: "RAIN-6H-HZ", Name: "杭州枢纽6小时降雨量", NameEn: "Hangzhou hub rainfall in 6 h",
			Description: "杭州分拨中心自动雨量站6小时累计雨量。暴雨预警信号:6小时50毫米黄色。", Measure: "mm",
			Source: warning.SourceAPI, Direction: warning.HigherIsWorse, Aggregation: warning.AggSum, WindowMinutes: 360,
			Thresholds: warning.Thresholds{Yellow: num(50)}},
			audienceUnits: []string{"HZ", "HZ-OPS", "HZ-CS", "XL-TRN"}, obs: rain},
		{ind: warning.Indicator{Code: "RIVER-LEVEL-HZ", Name: "钱塘江闸口站水位", NameEn: "Qiantang river level at Zhakou",
			Description: "钱塘江闸口水文站实时水位,影响杭州枢纽沿江仓库。", Measure: "m", Source: warning.SourceAPI,
			Direction: warning.HigherIsWorse, Thresholds: warning.Thresholds{Blue: num(6.0), Yellow: num(6.5), Orange: num(7.0), Red: num(7.5)}, Hysteresis: 0.1},
			audienceUnits: []string{"HZ", "HZ-OPS"}, obs: []float64{5.21, 5.26, 5.33, 5.41, 5.48, 5.55, 5.6}},
		{ind: warning.Indicator{Code: "TYPHOON-CAP", Name: "台风", NameEn: "Typhoon",
			Description: "气象台以CAP 1.2发布的台风预警信号(蓝/黄/橙/红),通过 POST /api/v1/cap 或订阅的预警源接收。",
			Source:      warning.SourceCAP, Direction: warning.HigherIsWorse},
			audienceUnits: []string{"SH", "XL-TRN", "XL-WH"}},
	}
	for _, d := range indicators {
		ind := d.ind
		ind.Active = true
		for _, code := range d.audienceUnits {
			id, err := unit(code)
			if err != nil {
				return err
			}
			ind.Audience.UnitIDs = append(ind.Audience.UnitIDs, id)
		}
		if ind.OwnerUnitID, err = unit(d.audienceUnits[0]); err != nil {
			return err
		}
		if ind.Code == "RAIN-6H-HZ" || ind.Code == "RAIN-3H-HZ" {
			ind.Audience.Partners = []warning.Contact{{Name: "顺达城配调度台", Organisation: "顺达运输有限公司", Mobile: "+86 571 8800 0000"}}
		}
		if _, err := svc.SaveIndicator(ctx, ind); err != nil {
			return fmt.Errorf("demo: indicator %s: %w", ind.Code, err)
		}
	}
	// Observations an hour apart, all indicators at each hour.
	start := clk.Now()
	for h := 0; h < 7; h++ {
		clk.Set(start.Add(time.Duration(h) * time.Hour))
		for _, d := range indicators {
			if h >= len(d.obs) {
				continue
			}
			stored, err := svc.IndicatorByCode(ctx, d.ind.Code)
			if err != nil {
				return err
			}
			if _, _, err := svc.Observe(ctx, warning.Observation{IndicatorID: stored.ID, Value: d.obs[h], Source: d.ind.Source}); err != nil {
				return fmt.Errorf("demo: observation of %s: %w", d.ind.Code, err)
			}
		}
		if h == 6 {
			// The rainstorm warning is an hour old: the operations and
			// transport departments have answered.
			if err := acknowledgeRain(ctx, svc, byCode); err != nil {
				return err
			}
		}
	}
	return nil
}

func acknowledgeRain(ctx context.Context, svc *warning.Service, byCode map[string]org.Unit) error {
	rain, err := svc.IndicatorByCode(ctx, "RAIN-6H-HZ")
	if err != nil {
		return err
	}
	if rain.WarningID == nil || rain.Level != warning.Yellow {
		return fmt.Errorf("demo: the rainfall did not raise the yellow warning (level %d)", rain.Level)
	}
	acks := []struct{ unit, by, measures string }{
		{"HZ-OPS", "魏琳", "已将分拨中心B区低洼库位的2,300件货物转移至二层;暂停室外装卸作业;排水泵已检查并待命。"},
		{"XL-TRN", "朱文斌", "杭州方向干线车辆改走G60高架段,避开城西易涝路段;城配车辆延后至雨停后发车,已通知顺达调度台。"},
	}
	for _, a := range acks {
		u := byCode[a.unit]
		actx := authz.WithPrincipal(ctx, authz.Principal{Name: a.by, Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: u.ID, UnitPath: u.Path}}})
		if _, err := svc.Acknowledge(actx, *rain.WarningID, u.ID, a.measures); err != nil {
			return fmt.Errorf("demo: acknowledgement by %s: %w", a.unit, err)
		}
	}
	return nil
}
