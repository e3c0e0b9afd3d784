package demo

import (
	"context"
	"fmt"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// The demo business impact analysis: the group's core processes, from
// order intake through the warehouses and the line-haul network to the
// last mile, with the systems, sites, suppliers, equipment and key people
// they depend on. The values come from the 2026 BIA campaign, approved by
// the crisis office, so that each process shows its answer's history.
// The analysis finds real problems, as a first BIA does: the WMS runs
// only in the Jiading data centre (a single point of failure whose
// recovery time exceeds the warehouses' RTO), the cold-chain monitoring
// platform recovers slower than the cold chain tolerates, and customs
// clearance hangs on one licensed broker.

// biaStore is what the BIA is kept in: the database that runs the demo's
// transaction.
type biaStore interface {
	bia.Store
	audit.Store
	PersonByEmployeeNo(ctx context.Context, no string) (org.Person, error)
}

// biaProcess is a demo process: impacts are five levels (1 h, 4 h, 1 d,
// 3 d, 1 w) per category, financial amounts in yuan at the same points.
type biaProcess struct {
	code, name, nameEn, unit, owner, desc string
	important                             bool
	rto, rpo, staff                       int
	mbco, peak                            string
	fin                                   [5]float64
	levels                                map[bia.Category]string
}

var demoProcesses = []biaProcess{
	{code: "BP-01", name: "订单受理", nameEn: "Order intake", unit: "XL-OPS", owner: "XL0201", important: true,
		desc: "客户通过网站、API 与电话下单,订单进入 OMS 并分配仓库。", rto: 120, rpo: 15, staff: 6,
		mbco: "仅受理合同客户订单,人工录入", peak: "双十一、618、春节前两周",
		fin:    [5]float64{50000, 600000, 3000000, 12000000, 30000000},
		levels: lv("23455", "23445", "12344", "11122", "24555", "11111")},
	{code: "BP-02", name: "仓库收货", nameEn: "Warehouse receiving", unit: "SH-WH", owner: "SH0301",
		desc: "供应商送货预约、卸货、验收与上架。", rto: 480, rpo: 60, staff: 8,
		mbco: "优先收货冷链与加急货物", peak: "月末、大促备货期",
		fin:    [5]float64{10000, 80000, 500000, 2000000, 6000000},
		levels: lv("12345", "12345", "11234", "11112", "12344", "11111")},
	{code: "BP-03", name: "仓内拣货", nameEn: "Warehouse picking", unit: "WHC-WH", owner: "WH0101", important: true,
		desc: "按波次拣货、复核与打包。", rto: 240, rpo: 15, staff: 20,
		mbco: "纸质拣货单处理 40% 订单", peak: "双十一、618",
		fin:    [5]float64{30000, 300000, 1500000, 6000000, 15000000},
		levels: lv("13455", "23455", "12344", "11112", "13455", "11111")},
	{code: "BP-04", name: "出库发运", nameEn: "Warehouse dispatch", unit: "SH-WH", owner: "SH0302", important: true,
		desc: "装车、交接承运商并回传出库信息。", rto: 240, rpo: 15, staff: 10,
		mbco: "按客户等级分批发运", peak: "双十一、618、春节前两周",
		fin:    [5]float64{40000, 350000, 1800000, 7000000, 18000000},
		levels: lv("13455", "23455", "12345", "11122", "13455", "11111")},
	{code: "BP-05", name: "干线运输", nameEn: "Line-haul transport", unit: "XL-TRN", owner: "XL0301", important: true,
		desc: "枢纽之间的整车干线运输,自有车队与合作承运商。", rto: 480, rpo: 60, staff: 30,
		mbco: "保证上海—杭州、上海—成都两条主干线", peak: "双十一后一周",
		fin:    [5]float64{20000, 200000, 2000000, 8000000, 20000000},
		levels: lv("12455", "12455", "12344", "11222", "12455", "11111")},
	{code: "BP-06", name: "末端配送", nameEn: "Last-mile delivery", unit: "HZ-OPS", owner: "HZ0101", important: true,
		desc: "分拨中心到收件人的城市配送。", rto: 480, rpo: 60, staff: 40,
		mbco: "优先派送医药与生鲜件", peak: "双十一后一周",
		fin:    [5]float64{15000, 120000, 900000, 4000000, 10000000},
		levels: lv("12345", "12445", "12345", "11122", "13455", "11111")},
	{code: "BP-07", name: "客服热线", nameEn: "Customer service hotline", unit: "XL-CS", owner: "XL0501", important: true,
		desc: "400 热线与在线客服:查件、投诉、理赔受理。", rto: 60, rpo: 30, staff: 12,
		mbco: "IVR 自助查件 + 投诉人工受理", peak: "大促后两周、恶劣天气期间",
		fin:    [5]float64{5000, 20000, 80000, 200000, 500000},
		levels: lv("12233", "23344", "23455", "12234", "34555", "11111")},
	{code: "BP-08", name: "账单结算", nameEn: "Billing and settlement", unit: "XL-FIN", owner: "XL0801",
		desc: "客户对账、开票、收款与承运商结算。", rto: 4320, rpo: 240, staff: 3,
		mbco: "月结客户按上月金额预开票", peak: "月末、季末、年末",
		fin:    [5]float64{0, 5000, 50000, 400000, 2000000},
		levels: lv("11234", "11123", "11123", "11234", "11233", "11111")},
	{code: "BP-09", name: "薪酬发放", nameEn: "Payroll", unit: "XL-HR", owner: "XL0701",
		desc: "员工与司机薪酬计算与发放。", rto: 1440, rpo: 1440, staff: 2,
		mbco: "按上月工资表足额预发", peak: "每月 10 日发薪日",
		fin:    [5]float64{0, 0, 10000, 100000, 500000},
		levels: lv("11123", "11123", "11234", "11245", "11111", "11111")},
	{code: "BP-10", name: "冷链温控监测", nameEn: "Cold-chain monitoring", unit: "SH-OPS", owner: "SH0101", important: true,
		desc: "医药与生鲜冷库、冷藏车的温度实时监测与报警(GSP)。", rto: 60, rpo: 5, staff: 3,
		mbco: "人工每 30 分钟巡检记录温度", peak: "夏季高温、疫苗配送期",
		fin:    [5]float64{80000, 500000, 2000000, 5000000, 10000000},
		levels: lv("23455", "23445", "23455", "34555", "23455", "34555")},
	{code: "BP-11", name: "报关清关", nameEn: "Customs clearance", unit: "XL-OPS", owner: "XL0202", important: true,
		desc: "跨境货物申报、查验配合与放行。", rto: 720, rpo: 240, staff: 2,
		mbco: "仅申报时效件与医药件", peak: "进口旺季(10–12 月)",
		fin:    [5]float64{10000, 50000, 300000, 1500000, 5000000},
		levels: lv("12345", "12345", "11234", "12345", "12445", "11111")},
	{code: "BP-12", name: "运输调度", nameEn: "Transport dispatching", unit: "XL-TRN", owner: "XL0302", important: true,
		desc: "车辆与司机排班、在途监控与异常处置。", rto: 120, rpo: 15, staff: 5,
		mbco: "电话调度 + 纸质派车单", peak: "双十一、春运",
		fin:    [5]float64{30000, 250000, 1500000, 6000000, 15000000},
		levels: lv("13455", "34555", "12344", "11122", "23455", "12233")},
}

// lv maps the six categories, in bia.Categories order, to their levels.
func lv(levels ...string) map[bia.Category]string {
	m := map[bia.Category]string{}
	for i, c := range bia.Categories {
		m[c] = levels[i]
	}
	return m
}

type biaResource struct {
	key, code, name, nameEn string
	kind                    bia.ResourceKind
	unit, site, owner       string // unit code, site key, employee number
	recovery                int
	desc                    string
}

var demoResources = []biaResource{
	{key: "oms", code: "APP-OMS", name: "订单管理系统 OMS", nameEn: "Order management system (OMS)", kind: bia.Application, unit: "XL-IT", owner: "XL0603", recovery: 60,
		desc: "双活部署:嘉定数据中心主用,云上灾备。"},
	{key: "wms", code: "APP-WMS", name: "仓储管理系统 WMS", nameEn: "Warehouse management system (WMS)", kind: bia.Application, unit: "XL-IT", owner: "XL0603", recovery: 480,
		desc: "仅部署在嘉定数据中心,无异地灾备。"},
	{key: "tms", code: "APP-TMS", name: "运输管理系统 TMS", nameEn: "Transport management system (TMS)", kind: bia.Application, unit: "XL-IT", owner: "XL0603", recovery: 240,
		desc: "SaaS,部署在公有云华东区域。"},
	{key: "erp", code: "APP-ERP", name: "ERP 财务系统", nameEn: "ERP (finance)", kind: bia.Application, unit: "XL-IT", owner: "XL0605", recovery: 1440},
	{key: "cc", code: "APP-CC", name: "呼叫中心平台", nameEn: "Contact-centre platform", kind: bia.Application, unit: "XL-IT", recovery: 60},
	{key: "iot", code: "APP-IOT", name: "冷链温控平台", nameEn: "Cold-chain IoT platform", kind: bia.Application, unit: "XL-IT", owner: "XL0603", recovery: 120,
		desc: "传感器网关与报警平台,单机部署。"},
	{key: "bank", code: "APP-BANK", name: "银企直连", nameEn: "Bank–enterprise link", kind: bia.Application, unit: "XL-FIN", recovery: 240},
	{key: "sw", code: "EXT-SW", name: "国际贸易单一窗口", nameEn: "China International Trade Single Window", kind: bia.Application, recovery: 240},
	{key: "orders", code: "DATA-ORD", name: "订单数据库", nameEn: "Order database", kind: bia.Data, unit: "XL-IT", owner: "XL0605", recovery: 60,
		desc: "同步复制到云上灾备库。"},
	{key: "stock", code: "DATA-INV", name: "库存数据", nameEn: "Inventory data", kind: bia.Data, unit: "XL-IT", owner: "XL0605", recovery: 240},
	{key: "dc", code: "SITE-DC", name: "嘉定数据中心", nameEn: "Jiading data centre", kind: bia.Site, site: "dc", unit: "XL-IT", owner: "XL0606", recovery: 1440},
	{key: "cloud", code: "SITE-CLOUD", name: "公有云华东区域(灾备)", nameEn: "Public cloud East China region (DR)", kind: bia.Site, recovery: 240},
	{key: "hq", code: "SITE-HQ", name: "集团总部大楼", nameEn: "Group headquarters", kind: bia.Site, site: "hq", recovery: 4320},
	{key: "shhub", code: "SITE-SH", name: "上海浦东枢纽仓", nameEn: "Shanghai Pudong hub warehouse", kind: bia.Site, site: "sh-hub", unit: "SH", recovery: 10080},
	{key: "kspark", code: "SITE-KS", name: "昆山仓储园区", nameEn: "Kunshan warehousing park", kind: bia.Site, site: "ks-park", unit: "WHC", recovery: 10080},
	{key: "hzhub", code: "SITE-HZ", name: "杭州萧山分拨中心", nameEn: "Hangzhou Xiaoshan sorting centre", kind: bia.Site, site: "hz-hub", unit: "HZ", recovery: 10080},
	{key: "fuel", code: "SUP-FUEL", name: "中化石油加油卡服务", nameEn: "Fuel card supplier", kind: bia.Supplier, unit: "XL-PUR", recovery: 240,
		desc: "断供时改用社会加油站现金加油,约 4 小时可切换。"},
	{key: "carrier", code: "SUP-LH1", name: "顺达干线物流(主力承运商)", nameEn: "Shunda Line-haul (key carrier)", kind: bia.Supplier, unit: "XL-PUR", recovery: 1440},
	{key: "carrier2", code: "SUP-LH2", name: "远通运输(备用承运商)", nameEn: "Yuantong Transport (backup carrier)", kind: bia.Supplier, unit: "XL-PUR", recovery: 480},
	{key: "forklift", code: "EQ-FL", name: "叉车车队", nameEn: "Forklift fleet", kind: bia.Equipment, unit: "SH-WH", recovery: 240,
		desc: "故障时向租赁公司调车,4 小时到场。"},
	{key: "hzbackup", code: "SITE-HZ2", name: "杭州临平协议备用场地", nameEn: "Hangzhou Linping standby site (contracted)", kind: bia.Site, unit: "HZ", recovery: 1440,
		desc: "与园区签订的应急场地协议,24 小时内可启用。"},
	{key: "oncall", code: "ROLE-ONCALL", name: "IT 值班工程师", nameEn: "IT on-call engineer", kind: bia.Role, unit: "XL-IT", owner: "XL0603", recovery: 30},
	{key: "broker", code: "ROLE-BROKER", name: "持证报关员", nameEn: "Licensed customs broker", kind: bia.Role, unit: "XL-OPS", owner: "XL0202", recovery: 480,
		desc: "目前仅一名持证报关员,无外包协议。"},
}

// demoDependencies are dependent, dependency, alternative and type, by
// process code or resource key.
var demoDependencies = [][4]string{
	{"BP-01", "oms", "", "uses"},
	{"BP-01", "orders", "", "uses"},
	{"oms", "orders", "", "uses"},
	{"oms", "dc", "cloud", "hosted_on"},
	{"orders", "dc", "cloud", "hosted_on"},
	{"wms", "dc", "", "hosted_on"},
	{"stock", "dc", "", "hosted_on"},
	{"wms", "stock", "", "uses"},
	{"erp", "dc", "cloud", "hosted_on"},
	{"iot", "oncall", "", "staffed_by"},
	{"BP-02", "wms", "", "uses"},
	{"BP-02", "shhub", "kspark", "located_at"},
	{"BP-02", "forklift", "", "uses"},
	{"BP-03", "wms", "", "uses"},
	{"BP-03", "kspark", "shhub", "located_at"},
	{"BP-03", "BP-01", "", "input"},
	{"BP-04", "wms", "", "uses"},
	{"BP-04", "tms", "", "uses"},
	{"BP-04", "shhub", "kspark", "located_at"},
	{"BP-04", "forklift", "", "uses"},
	{"BP-04", "BP-03", "", "input"},
	{"BP-05", "tms", "", "uses"},
	{"BP-05", "carrier", "carrier2", "supplied_by"},
	{"BP-05", "fuel", "", "supplied_by"},
	{"BP-05", "BP-04", "", "input"},
	{"BP-05", "BP-12", "", "input"},
	{"BP-06", "tms", "", "uses"},
	{"BP-06", "hzhub", "hzbackup", "located_at"},
	{"BP-06", "BP-05", "", "input"},
	{"BP-07", "cc", "", "uses"},
	{"BP-07", "oms", "", "uses"},
	{"BP-07", "hq", "hzhub", "located_at"},
	{"BP-08", "erp", "", "uses"},
	{"BP-08", "bank", "", "uses"},
	{"BP-08", "orders", "", "uses"},
	{"BP-09", "erp", "", "uses"},
	{"BP-09", "bank", "", "uses"},
	{"BP-10", "iot", "", "uses"},
	{"BP-10", "oncall", "", "staffed_by"},
	{"BP-10", "shhub", "kspark", "located_at"},
	{"BP-11", "sw", "", "uses"},
	{"BP-11", "broker", "", "staffed_by"},
	{"BP-12", "tms", "", "uses"},
	{"BP-12", "oncall", "", "staffed_by"},
}

// loadBIA stores the demo BIA through the BIA service, as the system, in
// the transaction of the demo load: resources, processes, dependencies,
// then the 2026 campaign, answered, submitted and approved for every
// process, and closed.
func loadBIA(ctx context.Context, orgSvc *org.Service, t tx.Runner) error {
	st, ok := t.(biaStore)
	if !ok {
		return fmt.Errorf("demo: the BIA needs the database store, not %T", t)
	}
	clk := clock.Real{}
	svc := bia.NewService(st, t, audit.NewLog(st, t, clk), clk)
	units, err := orgSvc.Units(ctx)
	if err != nil {
		return err
	}
	unitByCode := map[string]int64{}
	for _, u := range units {
		unitByCode[u.Code] = u.ID
	}
	sites, err := orgSvc.Sites(ctx)
	if err != nil {
		return err
	}
	siteByName := map[string]int64{}
	for _, s := range sites {
		siteByName[s.NameEn] = s.ID
	}
	siteKeys := map[string]string{"dc": "Jiading Data Centre", "hq": "Group Headquarters", "sh-hub": "Shanghai Pudong Hub Warehouse",
		"ks-park": "Kunshan Warehousing Park", "hz-hub": "Hangzhou Xiaoshan Sorting Centre"}
	unit := func(what, code string) (int64, error) {
		id, ok := unitByCode[code]
		if !ok {
			return 0, fmt.Errorf("demo: %s: no unit %s", what, code)
		}
		return id, nil
	}
	person := func(what, no string) (*int64, error) {
		if no == "" {
			return nil, nil
		}
		p, err := st.PersonByEmployeeNo(ctx, no)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: person %s: %w", what, no, err)
		}
		return &p.ID, nil
	}

	refs := map[string]string{}
	for _, r := range demoResources {
		res := bia.Resource{Kind: r.kind, Code: r.code, Name: r.name, NameEn: r.nameEn, Description: r.desc, RecoveryMinutes: &r.recovery}
		if r.unit != "" {
			id, err := unit("resource "+r.code, r.unit)
			if err != nil {
				return err
			}
			res.UnitID = &id
		}
		if r.site != "" {
			id, ok := siteByName[siteKeys[r.site]]
			if !ok {
				return fmt.Errorf("demo: resource %s: no site %s", r.code, r.site)
			}
			res.SiteID = &id
		}
		if res.OwnerID, err = person("resource "+r.code, r.owner); err != nil {
			return err
		}
		saved, err := svc.SaveResource(ctx, res)
		if err != nil {
			return fmt.Errorf("demo: resource %s: %w", r.code, err)
		}
		refs[r.key] = saved.Ref()
	}

	var ids []int64
	values := map[int64]bia.Values{}
	for _, p := range demoProcesses {
		proc := bia.Process{Code: p.code, Name: p.name, NameEn: p.nameEn, Description: p.desc, Important: p.important}
		if proc.UnitID, err = unit("process "+p.code, p.unit); err != nil {
			return err
		}
		if proc.OwnerID, err = person("process "+p.code, p.owner); err != nil {
			return err
		}
		saved, err := svc.SaveProcess(ctx, proc)
		if err != nil {
			return fmt.Errorf("demo: process %s: %w", p.code, err)
		}
		refs[p.code] = saved.Ref()
		ids = append(ids, saved.ID)
		values[saved.ID] = p.values()
	}

	for _, d := range demoDependencies {
		dep := bia.Dependency{From: refs[d[0]], To: refs[d[1]], Alternative: refs[d[2]], Type: bia.DependencyType(d[3])}
		if _, err := svc.SaveDependency(ctx, dep); err != nil {
			return fmt.Errorf("demo: dependency %s → %s: %w", d[0], d[1], err)
		}
	}

	c, err := svc.LaunchCampaign(ctx, bia.Campaign{Name: "2026 年度业务影响分析", NameEn: "2026 business impact analysis",
		Description: "依据 GB/T 30146-2023(ISO 22301)8.2.2,对集团核心业务流程开展年度业务影响分析。",
		Due:         clk.Now().AddDate(0, 0, -30).Format(bia.DateLayout), ProcessIDs: ids})
	if err != nil {
		return fmt.Errorf("demo: BIA campaign: %w", err)
	}
	answers, err := svc.Answers(ctx, bia.AnswerFilter{CampaignID: c.ID})
	if err != nil {
		return err
	}
	for _, a := range answers {
		if _, err := svc.SaveAnswer(ctx, a.ID, values[a.ProcessID]); err != nil {
			return fmt.Errorf("demo: BIA answer for process %d: %w", a.ProcessID, err)
		}
		if _, err := svc.Submit(ctx, a.ID); err != nil {
			return fmt.Errorf("demo: BIA answer for process %d: %w", a.ProcessID, err)
		}
		if _, err := svc.Approve(ctx, a.ID, "经危机管理办公室审核通过"); err != nil {
			return fmt.Errorf("demo: BIA answer for process %d: %w", a.ProcessID, err)
		}
	}
	if _, err := svc.CloseCampaign(ctx, c.ID); err != nil {
		return fmt.Errorf("demo: BIA campaign: %w", err)
	}
	return nil
}

// values turns a demo process's table into BIA values; the MTPD is
// derived from the impacts.
func (p biaProcess) values() bia.Values {
	points := bia.DefaultSettings().TimePoints
	x := bia.Values{RTOMinutes: &p.rto, RPOMinutes: &p.rpo, MinStaff: &p.staff, MBCO: p.mbco, PeakPeriods: p.peak}
	for _, c := range bia.Categories {
		for i, ch := range p.levels[c] {
			ip := bia.ImpactPoint{Category: c, AfterMinutes: points[i], Level: int(ch - '0')}
			if c == bia.Financial {
				amount := p.fin[i]
				ip.Amount = &amount
			}
			x.Impacts = append(x.Impacts, ip)
		}
	}
	return x
}
