package risksurvey

import "github.com/continuo-bcm/continuo/internal/risk"

func q(key string, c risk.Category, text, textEn, hint, hintEn string) Question {
	return Question{Key: key, Category: c, Text: text, TextEn: textEn, Hint: hint, HintEn: hintEn}
}

// BuiltinTemplates returns the checklists every installation starts with,
// as migration 0005 stores them (a test keeps the two equal):
//
//   - the department checklist of a logistics group's crisis management
//     system (seed 000: each department surveys the risks of its own
//     business and fills in the 风险排查清单， by the crisis categories the
//     system names);
//   - the special-event checklist of a manufacturer's business continuity
//     procedures (seed 002: earthquake, typhoon and flood, fire, chemical
//     hazards, utility outage, labour shortage, key equipment failure,
//     material shortage, returns and complaints, IT failure), with its
//     thresholds as hints;
//   - a short checklist for a small online shop (seed 003).
func BuiltinTemplates() []Template {
	return []Template{
		{Code: "department", Builtin: true,
			Name: "部门风险排查清单", NameEn: "Department risk survey checklist",
			Description:   "各部门对本部门业务范围内可能存在的危机风险进行排查，识别潜在的危机因素，逐项填写。存在的风险请写明现有控制措施，并提出可能性和影响程度的初步评估。",
			DescriptionEn: "Each department surveys the crisis risks within its own business and identifies potential crisis factors, item by item. For every risk present, describe the controls in place and propose a first rating of likelihood and impact.",
			Questions: []Question{
				q("natural", risk.NaturalDisaster, "本部门场所是否面临台风、暴雨、洪水、地震等自然灾害风险？", "Are the department's sites exposed to typhoons, rainstorms, floods or earthquakes?",
					"仓库、分拣中心、机房的位置与地势，排水设施，近年受灾记录。", "Location and elevation of warehouses, sorting centres and server rooms; drainage; past damage."),
				q("health", risk.PublicHealth, "是否存在传染病疫情等公共卫生事件导致人员缺勤或场所封控的风险？", "Could an epidemic or other public-health event cause absence or a lockdown of a site?",
					"人员密集岗位，跨区域人员流动，防疫物资储备。", "Crowded workplaces, travel between regions, protective supplies."),
				q("safety", risk.SafetyAccident, "是否存在火灾、叉车、车辆交通等重大安全事故隐患？", "Are there hazards of fire, forklift, road traffic or other serious safety accidents?",
					"消防设施与通道，危险品存放，车辆与驾驶员管理，安全培训。", "Fire equipment and exits, dangerous goods storage, vehicles and drivers, safety training."),
				q("cyber", risk.CyberSecurity, "是否存在网络攻击、数据泄露等网络与信息安全风险？", "Is there a risk of cyber attack or data leak?",
					"客户个人信息处理，账号与权限管理，勒索软件防护，外部接口。", "Handling of customers' personal data, accounts and access rights, ransomware protection, external interfaces."),
				q("it", risk.ITFailure, "本部门依赖的信息系统发生故障时，业务是否会中断？", "Would the department's business stop if the information systems it relies on failed?",
					"关键系统（WMS、TMS、订单系统），备用手段，数据备份频率。", "Key systems (WMS, TMS, order system), manual fallback, backup frequency."),
				q("supply", risk.SupplyChain, "是否存在供应商、承运商或合作伙伴中断导致供应链中断的风险？", "Could a supplier, carrier or partner failure interrupt the supply chain?",
					"单一来源的物资或运力，备用供应商，合同保障。", "Single-source supplies or capacity, backup suppliers, contractual safeguards."),
				q("utilities", risk.Utilities, "是否存在停电、停水、燃料短缺等公用设施中断的风险？", "Could a power, water or fuel outage stop operations?",
					"备用电源与油料储备，冷链设备，断电后可维持时间。", "Backup power and fuel reserve, cold-chain equipment, how long operations last without power."),
				q("personnel", risk.Personnel, "是否存在关键岗位人员流失、罢工或季节性用工短缺的风险？", "Is there a risk of losing key staff, strikes or seasonal labour shortage?",
					"关键岗位与替补人员（代理人），旺季用工，劳资关系。", "Key posts and their deputies, peak-season staffing, labour relations."),
				q("complaint", risk.CustomerComplaint, "是否存在可能引发重大客户投诉的服务问题？", "Are there service problems that could lead to major customer complaints?",
					"时效与破损率，大客户合同条款，投诉处理流程。", "Delivery times and damage rate, key-account contract terms, complaint handling."),
				q("opinion", risk.PublicOpinion, "是否存在可能引发负面舆情的事件或隐患？", "Could an event or practice here lead to negative public opinion?",
					"社交媒体曝光，员工言行，对外信息发布口径。", "Exposure on social media, staff conduct, how information is released."),
				q("policy", risk.PolicyRegulatory, "是否存在因政策法规变化或合规问题带来的风险？", "Are there risks from changes of policy and regulation, or from compliance gaps?",
					"个人信息保护法、安全生产、交通运输等监管要求。", "Personal information protection, production safety, transport regulation."),
				q("financial", risk.Financial, "是否存在资金、汇率、欺诈等财务风险？", "Are there financial risks: cash, exchange rates, fraud?",
					"大额支付审批，应收账款，外币结算。", "Approval of large payments, receivables, foreign-currency settlement."),
			}},
		{Code: "special_events", Builtin: true,
			Name: "特别事件风险排查清单（制造企业）", NameEn: "Special-event risk checklist (manufacturing)",
			Description:   "对照业务连续性管理程序中的特别事件，逐项排查本部门在特别事件发生时能否满足客户的交付需求。",
			DescriptionEn: "Check, event by event, whether the department could still meet customers' delivery needs if one of the special events of the business continuity procedures happened.",
			Questions: []Question{
				q("quake-flood", risk.NaturalDisaster, "地震、台风、洪水、泥石流发生时，厂区和仓库是否会受损、停产？", "Would the plant or warehouse be damaged or stop if an earthquake, typhoon, flood or landslide struck?",
					"是否能提前接到政府预警信号；疏散与转移物资的安排；销售服务中心联络客户。", "Whether government warnings reach the office in time; evacuation and moving of stock; sales service informs customers."),
				q("fire", risk.SafetyAccident, "是否存在火灾隐患？", "Is there a fire hazard?",
					"消防设施每年检查，每年至少一次消防演练，易燃物存放。", "Fire equipment checked yearly, a fire drill at least once a year, storage of flammables."),
				q("chemical", risk.SafetyAccident, "是否存在化学品泄漏、中毒等化学品灾害风险？", "Is there a risk of chemical spills, poisoning or other chemical hazards?",
					"化学品台账、存放、防护用品与应急处置。", "Chemical register, storage, protective equipment and first response."),
				q("utility", risk.Utilities, "停水、停电、停气超过8小时是否会影响交付？", "Would a water, power or gas outage of more than 8 hours affect deliveries?",
					"超过8小时须由销售通知客户；备用电源。", "Above 8 hours sales must inform customers; backup power."),
				q("labour", risk.Personnel, "是否存在劳动力短缺导致无法按时生产的风险？", "Could a labour shortage stop production on time?",
					"多能工培养，临时用工渠道，节假日排班。", "Multi-skilled workers, temporary staffing, holiday rosters."),
				q("equipment", risk.ITFailure, "关键设备故障且修理需要较长时间（8小时以上）时是否影响交货？", "Would a key equipment failure needing long repair (over 8 hours) delay deliveries?",
					"关键设备清单，备件，外部维修协议，替代产线。", "List of key equipment, spare parts, external repair contracts, alternative lines."),
				q("transport", risk.SupplyChain, "运输途中货物损坏或运输中断是否会影响交付？", "Would damage in transit or a transport interruption affect deliveries?",
					"包装标准，承运商考核，保险。", "Packaging standards, carrier evaluation, insurance."),
				q("material", risk.SupplyChain, "关键物料是否只有一家供应商，供应商不能及时到料是否会停产？", "Does a key material come from a single supplier, and would a late delivery stop production?",
					"关键物料应有两家或以上供应商；安全库存。", "Key materials need two or more suppliers; safety stock."),
				q("complaint", risk.CustomerComplaint, "是否存在售后退货或重大客户投诉（金额1万元以上）的风险？", "Is there a risk of returns or a major customer complaint (¥10,000 or more)?",
					"质量问题追溯，投诉处理时限，客户沟通。", "Tracing quality problems, complaint deadlines, customer communication."),
				q("it-system", risk.ITFailure, "IT系统损坏或数据丢失是否会中断业务？", "Would damage to IT systems or loss of data stop the business?",
					"数据至少每月备份一次；备份恢复测试；系统恢复时间。", "Data backed up at least monthly; restore tests; system recovery time."),
			}},
		{Code: "online_shop", Builtin: true,
			Name: "网店运营风险排查清单", NameEn: "Online shop risk checklist",
			Description:   "适合小型网店：对照应急预案中的突发事件逐项排查。",
			DescriptionEn: "For a small online shop: go through the incidents of the emergency plan one by one.",
			Questions: []Question{
				q("site-down", risk.ITFailure, "店铺页面、订单或支付系统是否可能长时间无法访问？", "Could the shop pages, orders or payments be unavailable for a long time?",
					"平台故障、支付通道、技术组响应。", "Platform outages, payment channels, response of the technical group."),
				q("attack", risk.CyberSecurity, "是否存在账号被盗、网络攻击或客户信息泄露的风险？", "Is there a risk of stolen accounts, attacks or leaks of customers' data?",
					"店铺账号与子账号权限，客户信息导出。", "Shop accounts and sub-account rights, exports of customer data."),
				q("logistics", risk.SupplyChain, "快递停运或爆仓是否会导致大量订单无法发货？", "Would a courier stoppage or overloaded warehouse leave many orders unshipped?",
					"备用快递，库存与发货能力。", "Backup couriers, stock and dispatch capacity."),
				q("complaint", risk.CustomerComplaint, "是否存在集中退款、差评或客户投诉的风险？", "Is there a risk of mass refunds, bad reviews or customer complaints?",
					"客服组响应时限，统一答复口径。", "Customer-service response times, agreed wording of replies."),
				q("opinion", risk.PublicOpinion, "是否可能出现涉及店铺的负面舆情？", "Could negative public opinion about the shop arise?",
					"商品质量、宣传用语、社交媒体。", "Product quality, advertising claims, social media."),
				q("rules", risk.PolicyRegulatory, "平台规则或法规变化是否会影响经营？", "Would changes of platform rules or regulation affect the business?",
					"广告法、电子商务法、平台处罚。", "Advertising law, e-commerce law, platform penalties."),
			}},
	}
}
