-- Risk surveys (风险排查): checklists, campaigns sent to departments, each
-- department's answer sheet and its answers, reviewed by the crisis office.

-- A checklist's questions are read and written as a whole: one JSON array.
-- The built-in checklists are seeded below, as risksurvey.BuiltinTemplates
-- describes them (a test keeps the two equal).
CREATE TABLE risk_survey_templates (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    questions      TEXT NOT NULL,
    builtin        INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX risk_survey_templates_code ON risk_survey_templates(code) WHERE code <> '';

-- A campaign keeps the questions it was launched with, so that editing a
-- checklist does not change the campaigns already under way.
CREATE TABLE risk_surveys (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    title_en        TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    template_id     INTEGER REFERENCES risk_survey_templates(id) ON DELETE SET NULL,
    questions       TEXT NOT NULL,
    matrix_id       TEXT NOT NULL REFERENCES risk_matrices(id),
    due             TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_by      INTEGER NOT NULL DEFAULT 0,
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    closed_at       TIMESTAMP
);
CREATE INDEX risk_surveys_matrix ON risk_surveys(matrix_id);

-- One answer sheet per campaign and department.
CREATE TABLE risk_survey_units (
    survey_id    INTEGER NOT NULL REFERENCES risk_surveys(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    status       TEXT NOT NULL,
    submitted_at TIMESTAMP,
    submitted_by TEXT NOT NULL DEFAULT '',
    -- The day of the last reminder (YYYY-MM-DD) and how many were sent.
    reminded_on  TEXT NOT NULL DEFAULT '',
    reminders    INTEGER NOT NULL DEFAULT 0,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, unit_id)
);
CREATE INDEX risk_survey_units_unit ON risk_survey_units(unit_id);

-- The answers of a sheet: one per checklist question, and the risks the
-- department adds (question_key empty).
CREATE TABLE risk_survey_answers (
    id               INTEGER PRIMARY KEY,
    survey_id        INTEGER NOT NULL,
    unit_id          INTEGER NOT NULL,
    question_key     TEXT NOT NULL DEFAULT '',
    position         INTEGER NOT NULL,
    present          TEXT NOT NULL DEFAULT '',
    risk_id          INTEGER REFERENCES risks(id) ON DELETE SET NULL,
    title            TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT '',
    cause            TEXT NOT NULL DEFAULT '',
    consequence      TEXT NOT NULL DEFAULT '',
    controls         TEXT NOT NULL DEFAULT '',
    likelihood       INTEGER NOT NULL DEFAULT 0,
    impact           INTEGER NOT NULL DEFAULT 0,
    note             TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    review_comment   TEXT NOT NULL DEFAULT '',
    reviewed_by      TEXT NOT NULL DEFAULT '',
    reviewed_at      TIMESTAMP,
    accepted_risk_id INTEGER REFERENCES risks(id) ON DELETE SET NULL,
    FOREIGN KEY (survey_id, unit_id) REFERENCES risk_survey_units(survey_id, unit_id) ON DELETE CASCADE
);
CREATE INDEX risk_survey_answers_sheet ON risk_survey_answers(survey_id, unit_id, position, id);
CREATE INDEX risk_survey_answers_risk ON risk_survey_answers(risk_id);
CREATE INDEX risk_survey_answers_accepted ON risk_survey_answers(accepted_risk_id);

INSERT INTO risk_survey_templates (code, name, name_en, description, description_en, questions, builtin, created_at, updated_at) VALUES ('department', '部门风险排查清单', 'Department risk survey checklist',
    '各部门对本部门业务范围内可能存在的危机风险进行排查，识别潜在的危机因素，逐项填写。存在的风险请写明现有控制措施，并提出可能性和影响程度的初步评估。',
    'Each department surveys the crisis risks within its own business and identifies potential crisis factors, item by item. For every risk present, describe the controls in place and propose a first rating of likelihood and impact.',
    '[{"key":"natural","category":"natural_disaster","text":"本部门场所是否面临台风、暴雨、洪水、地震等自然灾害风险？","text_en":"Are the department''s sites exposed to typhoons, rainstorms, floods or earthquakes?","hint":"仓库、分拣中心、机房的位置与地势，排水设施，近年受灾记录。","hint_en":"Location and elevation of warehouses, sorting centres and server rooms; drainage; past damage."},{"key":"health","category":"public_health","text":"是否存在传染病疫情等公共卫生事件导致人员缺勤或场所封控的风险？","text_en":"Could an epidemic or other public-health event cause absence or a lockdown of a site?","hint":"人员密集岗位，跨区域人员流动，防疫物资储备。","hint_en":"Crowded workplaces, travel between regions, protective supplies."},{"key":"safety","category":"safety_accident","text":"是否存在火灾、叉车、车辆交通等重大安全事故隐患？","text_en":"Are there hazards of fire, forklift, road traffic or other serious safety accidents?","hint":"消防设施与通道，危险品存放，车辆与驾驶员管理，安全培训。","hint_en":"Fire equipment and exits, dangerous goods storage, vehicles and drivers, safety training."},{"key":"cyber","category":"cyber_security","text":"是否存在网络攻击、数据泄露等网络与信息安全风险？","text_en":"Is there a risk of cyber attack or data leak?","hint":"客户个人信息处理，账号与权限管理，勒索软件防护，外部接口。","hint_en":"Handling of customers'' personal data, accounts and access rights, ransomware protection, external interfaces."},{"key":"it","category":"it_failure","text":"本部门依赖的信息系统发生故障时，业务是否会中断？","text_en":"Would the department''s business stop if the information systems it relies on failed?","hint":"关键系统（WMS、TMS、订单系统），备用手段，数据备份频率。","hint_en":"Key systems (WMS, TMS, order system), manual fallback, backup frequency."},{"key":"supply","category":"supply_chain","text":"是否存在供应商、承运商或合作伙伴中断导致供应链中断的风险？","text_en":"Could a supplier, carrier or partner failure interrupt the supply chain?","hint":"单一来源的物资或运力，备用供应商，合同保障。","hint_en":"Single-source supplies or capacity, backup suppliers, contractual safeguards."},{"key":"utilities","category":"utilities","text":"是否存在停电、停水、燃料短缺等公用设施中断的风险？","text_en":"Could a power, water or fuel outage stop operations?","hint":"备用电源与油料储备，冷链设备，断电后可维持时间。","hint_en":"Backup power and fuel reserve, cold-chain equipment, how long operations last without power."},{"key":"personnel","category":"personnel","text":"是否存在关键岗位人员流失、罢工或季节性用工短缺的风险？","text_en":"Is there a risk of losing key staff, strikes or seasonal labour shortage?","hint":"关键岗位与替补人员（代理人），旺季用工，劳资关系。","hint_en":"Key posts and their deputies, peak-season staffing, labour relations."},{"key":"complaint","category":"customer_complaint","text":"是否存在可能引发重大客户投诉的服务问题？","text_en":"Are there service problems that could lead to major customer complaints?","hint":"时效与破损率，大客户合同条款，投诉处理流程。","hint_en":"Delivery times and damage rate, key-account contract terms, complaint handling."},{"key":"opinion","category":"public_opinion","text":"是否存在可能引发负面舆情的事件或隐患？","text_en":"Could an event or practice here lead to negative public opinion?","hint":"社交媒体曝光，员工言行，对外信息发布口径。","hint_en":"Exposure on social media, staff conduct, how information is released."},{"key":"policy","category":"policy_regulatory","text":"是否存在因政策法规变化或合规问题带来的风险？","text_en":"Are there risks from changes of policy and regulation, or from compliance gaps?","hint":"个人信息保护法、安全生产、交通运输等监管要求。","hint_en":"Personal information protection, production safety, transport regulation."},{"key":"financial","category":"financial","text":"是否存在资金、汇率、欺诈等财务风险？","text_en":"Are there financial risks: cash, exchange rates, fraud?","hint":"大额支付审批，应收账款，外币结算。","hint_en":"Approval of large payments, receivables, foreign-currency settlement."}]',
    1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO risk_survey_templates (code, name, name_en, description, description_en, questions, builtin, created_at, updated_at) VALUES ('special_events', '特别事件风险排查清单（制造企业）', 'Special-event risk checklist (manufacturing)',
    '对照业务连续性管理程序中的特别事件，逐项排查本部门在特别事件发生时能否满足客户的交付需求。',
    'Check, event by event, whether the department could still meet customers'' delivery needs if one of the special events of the business continuity procedures happened.',
    '[{"key":"quake-flood","category":"natural_disaster","text":"地震、台风、洪水、泥石流发生时，厂区和仓库是否会受损、停产？","text_en":"Would the plant or warehouse be damaged or stop if an earthquake, typhoon, flood or landslide struck?","hint":"是否能提前接到政府预警信号；疏散与转移物资的安排；销售服务中心联络客户。","hint_en":"Whether government warnings reach the office in time; evacuation and moving of stock; sales service informs customers."},{"key":"fire","category":"safety_accident","text":"是否存在火灾隐患？","text_en":"Is there a fire hazard?","hint":"消防设施每年检查，每年至少一次消防演练，易燃物存放。","hint_en":"Fire equipment checked yearly, a fire drill at least once a year, storage of flammables."},{"key":"chemical","category":"safety_accident","text":"是否存在化学品泄漏、中毒等化学品灾害风险？","text_en":"Is there a risk of chemical spills, poisoning or other chemical hazards?","hint":"化学品台账、存放、防护用品与应急处置。","hint_en":"Chemical register, storage, protective equipment and first response."},{"key":"utility","category":"utilities","text":"停水、停电、停气超过8小时是否会影响交付？","text_en":"Would a water, power or gas outage of more than 8 hours affect deliveries?","hint":"超过8小时须由销售通知客户；备用电源。","hint_en":"Above 8 hours sales must inform customers; backup power."},{"key":"labour","category":"personnel","text":"是否存在劳动力短缺导致无法按时生产的风险？","text_en":"Could a labour shortage stop production on time?","hint":"多能工培养，临时用工渠道，节假日排班。","hint_en":"Multi-skilled workers, temporary staffing, holiday rosters."},{"key":"equipment","category":"it_failure","text":"关键设备故障且修理需要较长时间（8小时以上）时是否影响交货？","text_en":"Would a key equipment failure needing long repair (over 8 hours) delay deliveries?","hint":"关键设备清单，备件，外部维修协议，替代产线。","hint_en":"List of key equipment, spare parts, external repair contracts, alternative lines."},{"key":"transport","category":"supply_chain","text":"运输途中货物损坏或运输中断是否会影响交付？","text_en":"Would damage in transit or a transport interruption affect deliveries?","hint":"包装标准，承运商考核，保险。","hint_en":"Packaging standards, carrier evaluation, insurance."},{"key":"material","category":"supply_chain","text":"关键物料是否只有一家供应商，供应商不能及时到料是否会停产？","text_en":"Does a key material come from a single supplier, and would a late delivery stop production?","hint":"关键物料应有两家或以上供应商；安全库存。","hint_en":"Key materials need two or more suppliers; safety stock."},{"key":"complaint","category":"customer_complaint","text":"是否存在售后退货或重大客户投诉（金额1万元以上）的风险？","text_en":"Is there a risk of returns or a major customer complaint (¥10,000 or more)?","hint":"质量问题追溯，投诉处理时限，客户沟通。","hint_en":"Tracing quality problems, complaint deadlines, customer communication."},{"key":"it-system","category":"it_failure","text":"IT系统损坏或数据丢失是否会中断业务？","text_en":"Would damage to IT systems or loss of data stop the business?","hint":"数据至少每月备份一次；备份恢复测试；系统恢复时间。","hint_en":"Data backed up at least monthly; restore tests; system recovery time."}]',
    1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO risk_survey_templates (code, name, name_en, description, description_en, questions, builtin, created_at, updated_at) VALUES ('online_shop', '网店运营风险排查清单', 'Online shop risk checklist',
    '适合小型网店：对照应急预案中的突发事件逐项排查。',
    'For a small online shop: go through the incidents of the emergency plan one by one.',
    '[{"key":"site-down","category":"it_failure","text":"店铺页面、订单或支付系统是否可能长时间无法访问？","text_en":"Could the shop pages, orders or payments be unavailable for a long time?","hint":"平台故障、支付通道、技术组响应。","hint_en":"Platform outages, payment channels, response of the technical group."},{"key":"attack","category":"cyber_security","text":"是否存在账号被盗、网络攻击或客户信息泄露的风险？","text_en":"Is there a risk of stolen accounts, attacks or leaks of customers'' data?","hint":"店铺账号与子账号权限，客户信息导出。","hint_en":"Shop accounts and sub-account rights, exports of customer data."},{"key":"logistics","category":"supply_chain","text":"快递停运或爆仓是否会导致大量订单无法发货？","text_en":"Would a courier stoppage or overloaded warehouse leave many orders unshipped?","hint":"备用快递，库存与发货能力。","hint_en":"Backup couriers, stock and dispatch capacity."},{"key":"complaint","category":"customer_complaint","text":"是否存在集中退款、差评或客户投诉的风险？","text_en":"Is there a risk of mass refunds, bad reviews or customer complaints?","hint":"客服组响应时限，统一答复口径。","hint_en":"Customer-service response times, agreed wording of replies."},{"key":"opinion","category":"public_opinion","text":"是否可能出现涉及店铺的负面舆情？","text_en":"Could negative public opinion about the shop arise?","hint":"商品质量、宣传用语、社交媒体。","hint_en":"Product quality, advertising claims, social media."},{"key":"rules","category":"policy_regulatory","text":"平台规则或法规变化是否会影响经营？","text_en":"Would changes of platform rules or regulation affect the business?","hint":"广告法、电子商务法、平台处罚。","hint_en":"Advertising law, e-commerce law, platform penalties."}]',
    1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
