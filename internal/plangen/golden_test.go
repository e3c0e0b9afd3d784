package plangen

import (
	"slices"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/org"
)

// The three cases of seed 001: a small e-commerce business, a mid-size
// North-American finance firm and a South-East-Asian healthcare provider.
// The tests check what the seed's examples say, not just the shape.

func riskByKey(d *Draft, key string) *Risk {
	for i := range d.Risks {
		if d.Risks[i].Key == key {
			return &d.Risks[i]
		}
	}
	return nil
}

func playbookByKey(d *Draft, key string) *Playbook {
	for i := range d.Playbooks {
		if d.Playbooks[i].Key == key {
			return &d.Playbooks[i]
		}
	}
	return nil
}

func recoveryByKey(d *Draft, key string) *RecoveryTarget {
	for i := range d.Recovery {
		if d.Recovery[i].Function.Key == key {
			return &d.Recovery[i]
		}
	}
	return nil
}

func teamKinds(d *Draft) []org.TeamKind {
	var ks []org.TeamKind
	for _, tm := range d.Organisation.Teams {
		if !slices.Contains(ks, tm.Kind) {
			ks = append(ks, tm.Kind)
		}
	}
	return ks
}

func anyContains(ss []string, sub string) bool {
	return slices.ContainsFunc(ss, func(s string) bool { return strings.Contains(s, sub) })
}

func noteTexts(ns []Note) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Title+" "+n.Body)
	}
	return out
}

func regulationTexts(rs []Regulation) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name+" "+r.Requirement)
	}
	return out
}

func TestSeedSmallEcommerce(t *testing.T) {
	kb := builtin(t)
	d := generate(t, kb, Input{Industry: "ecommerce", Size: "small", Region: "cn-east", Language: LangZh})

	// Payment-provider and logistics-provider dependence, each with its
	// playbook, the providers named as the region knows them.
	pay := riskByKey(d, "industry.payment_outage")
	if pay == nil || !strings.Contains(pay.Title, "支付宝") || pay.Playbook != "payment_outage" {
		t.Errorf("payment provider risk = %+v", pay)
	}
	log := riskByKey(d, "industry.logistics_disruption")
	if log == nil || !strings.Contains(log.Title, "顺丰") || log.Playbook != "logistics_disruption" {
		t.Errorf("logistics provider risk = %+v", log)
	}
	for _, k := range []string{"payment_outage", "logistics_disruption", "cyber_attack"} {
		if playbookByKey(d, k) == nil {
			t.Errorf("no %s playbook", k)
		}
	}
	// The seed's data-centre RTO of 2 hours and one day to switch carriers.
	if rt := recoveryByKey(d, "online_store"); rt == nil || rt.RTO != 120 {
		t.Errorf("online store recovery = %+v, want RTO 2 h", rt)
	}
	if rt := recoveryByKey(d, "fulfilment"); rt == nil || rt.RTO != 1440 {
		t.Errorf("fulfilment recovery = %+v, want RTO 1 day", rt)
	}
	// A lean team like seed 003: an owner-led emergency command with
	// small groups, no committee-and-office structure.
	if got := teamKinds(d); !slices.Equal(got, []org.TeamKind{org.TeamCommittee, org.TeamSpecial}) {
		t.Errorf("team kinds = %v, want an emergency command and groups", got)
	}
	if d.Organisation.Teams[0].Name != "应急指挥部" || d.Organisation.Teams[0].Leader.Key != "head" {
		t.Errorf("first team = %s led by %s", d.Organisation.Teams[0].Name, d.Organisation.Teams[0].Leader.Key)
	}
	if len(d.Organisation.Teams) > 5 {
		t.Errorf("%d teams for a small shop", len(d.Organisation.Teams))
	}
	// Typhoon on the East China coast, WeChat/DingTalk-style channels,
	// half-yearly review, quarterly drills.
	if riskByKey(d, "region.typhoon") == nil {
		t.Error("no typhoon risk on the East China coast")
	}
	staff := d.Communication[0]
	if staff.Audience.Key != "staff" || !slices.ContainsFunc(staff.Channels, func(r Ref) bool { return r.Key == "dingtalk" || r.Key == "wecom" }) {
		t.Errorf("staff channels = %+v", staff.Channels)
	}
	if d.Maintenance.ReviewMonths != 6 || len(d.Maintenance.Drills) != 4 {
		t.Errorf("review every %d months with %d drills, want 6 and 4", d.Maintenance.ReviewMonths, len(d.Maintenance.Drills))
	}
	if !anyContains(noteTexts(d.Considerations), "支付与物流依赖性高") {
		t.Error("no consideration on payment and logistics dependence")
	}
	if !anyContains(regulationTexts(d.Regulations), "电子商务法") || !anyContains(regulationTexts(d.Regulations), "个人信息保护法") {
		t.Errorf("regulations = %v", regulationTexts(d.Regulations))
	}
}

func TestSeedMicroEcommerceIsOwnerLed(t *testing.T) {
	kb := builtin(t)
	d := generate(t, kb, Input{Industry: "ecommerce", Size: "micro", Region: "cn-south", Language: LangEn})
	if len(d.Organisation.Teams) != 1 || d.Organisation.Teams[0].Leader.Key != "head" {
		t.Fatalf("teams = %+v, want one owner-led team", d.Organisation.Teams)
	}
	// Most roles fold into the owner; the payment and logistics playbooks
	// survive the micro cap because they are the industry's own.
	var head *Role
	for i := range d.Organisation.Roles {
		if d.Organisation.Roles[i].Key == "head" {
			head = &d.Organisation.Roles[i]
		}
	}
	if head == nil || len(head.Covers) < 3 {
		t.Errorf("the owner covers %+v", head)
	}
	if playbookByKey(d, "payment_outage") == nil || playbookByKey(d, "logistics_disruption") == nil {
		t.Errorf("playbooks = %v", keysOfPlaybooks(d))
	}
	if len(d.Playbooks) > 4 || len(d.Risks) > 10 {
		t.Errorf("%d playbooks and %d risks for a micro business", len(d.Playbooks), len(d.Risks))
	}
}

func keysOfPlaybooks(d *Draft) []string {
	var ks []string
	for _, p := range d.Playbooks {
		ks = append(ks, p.Key)
	}
	return ks
}

func TestSeedMidSizeNorthAmericanFinance(t *testing.T) {
	kb := builtin(t)
	d := generate(t, kb, Input{Industry: "finance", Size: "medium", Region: "north-america", Language: LangEn})
	if d.Industry.Key != "banking" || d.Input.Industry != "banking" || d.Input.Language != LangEn {
		t.Fatalf("finance resolved to %s (input %+v)", d.Industry.Key, d.Input)
	}
	// The seed's RTO/RPO table: online payments 2 h / 15 min, account
	// access 30 min / real-time, data backup restore 1 h / 10 min.
	for _, want := range []struct {
		key      string
		rto, rpo int
	}{{"online_payments", 120, 15}, {"account_access", 30, 0}, {"data_restore", 60, 10}} {
		rt := recoveryByKey(d, want.key)
		if rt == nil || rt.RTO != want.rto || rt.RPO != want.rpo {
			t.Errorf("%s = %+v, want RTO %d RPO %d", want.key, rt, want.rto, want.rpo)
		}
	}
	if rt := recoveryByKey(d, "account_access"); rt != nil && !strings.Contains(rt.RPOLabel, "real-time") {
		t.Errorf("account access RPO label %q", rt.RPOLabel)
	}
	regs := regulationTexts(d.Regulations)
	if !anyContains(regs, "SOX") || !anyContains(regs, "FFIEC") {
		t.Errorf("regulations = %v, want SOX and FFIEC", regs)
	}
	// Hurricanes for North America; cyber attack scored 4×5 as in the
	// seed's matrix.
	if riskByKey(d, "region.hurricane") == nil {
		t.Error("no hurricane risk")
	}
	if r := riskByKey(d, "common.ransomware"); r == nil || r.Score != 20 {
		t.Errorf("ransomware = %+v, want 4×5", r)
	}
	if r := riskByKey(d, "industry.operational_error"); r == nil || r.Likelihood != 5 || r.Impact != 3 {
		t.Errorf("operational error = %+v, want 5×3", r)
	}
	// A committee and a crisis office with special teams; investors are
	// an audience; Teams/email-style channels; yearly review.
	kinds := teamKinds(d)
	for _, k := range []org.TeamKind{org.TeamCommittee, org.TeamCrisisOffice, org.TeamSpecial, org.TeamOnsiteCommand} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s team", k)
		}
	}
	var investors, staff *Communication
	for i := range d.Communication {
		switch d.Communication[i].Audience.Key {
		case "investors":
			investors = &d.Communication[i]
		case "staff":
			staff = &d.Communication[i]
		}
	}
	if investors == nil {
		t.Error("no investor communication")
	}
	if staff == nil || !slices.ContainsFunc(staff.Channels, func(r Ref) bool { return r.Key == "teams" }) ||
		slices.ContainsFunc(staff.Channels, func(r Ref) bool { return r.Key == "wechat" || r.Key == "dingtalk" }) {
		t.Errorf("staff channels = %+v", staff)
	}
	if d.Maintenance.ReviewMonths != 12 {
		t.Errorf("review every %d months, want 12", d.Maintenance.ReviewMonths)
	}
	if !anyContains(noteTexts(d.Considerations), "time zone") {
		t.Error("no time-zone consideration for North America")
	}
}

func TestChineseBankingRecoveryCaps(t *testing.T) {
	kb := builtin(t)
	d := generate(t, kb, Input{Industry: "banking", Size: "medium", Region: "cn-north", Language: LangZh})
	n := 0
	for _, rt := range d.Recovery {
		if !rt.Important {
			continue
		}
		n++
		if rt.RTO > 240 || rt.RPO > 30 {
			t.Errorf("%s: RTO %d RPO %d beyond 4 h / 30 min", rt.Function.Key, rt.RTO, rt.RPO)
		}
		if !strings.Contains(rt.Basis, "商业银行业务连续性监管指引") {
			t.Errorf("%s: basis %q", rt.Function.Key, rt.Basis)
		}
	}
	if n < 4 {
		t.Errorf("%d important functions", n)
	}
	// Counter services are 8 h by default and capped to 4 h in China.
	if rt := recoveryByKey(d, "counter_services"); rt == nil || rt.RTO != 240 {
		t.Errorf("counter services = %+v, want RTO capped at 4 h", rt)
	}
	// Elsewhere the default stands.
	na := generate(t, kb, Input{Industry: "banking", Size: "medium", Region: "europe", Language: LangZh})
	if rt := recoveryByKey(na, "counter_services"); rt == nil || rt.RTO != 480 {
		t.Errorf("counter services in Europe = %+v, want 8 h", rt)
	}
	if !anyContains(regulationTexts(na.Regulations), "DORA") {
		t.Error("no DORA for a European bank")
	}
}

func TestSeedSouthEastAsianHealthcare(t *testing.T) {
	kb := builtin(t)
	d := generate(t, kb, Input{Industry: "healthcare", Size: "medium", Region: "southeast-asia", Language: LangEn})
	emr := riskByKey(d, "industry.emr_outage")
	if emr == nil || emr.Playbook != "emr_outage" {
		t.Errorf("EMR risk = %+v", emr)
	}
	if riskByKey(d, "industry.outbreak") == nil || playbookByKey(d, "outbreak") == nil {
		t.Error("no epidemic risk and playbook")
	}
	for _, k := range []string{"region.typhoon", "region.monsoon_flood"} {
		if riskByKey(d, k) == nil {
			t.Errorf("no %s risk in South-East Asia", k)
		}
	}
	// The seed's EMR playbook: standby server or offline records, paper
	// records, integrity check after recovery.
	pb := playbookByKey(d, "emr_outage")
	if pb == nil {
		t.Fatal("no EMR playbook")
	}
	var texts []string
	for _, a := range pb.Actions {
		texts = append(texts, a.Text)
	}
	for _, want := range []string{"offline records", "paper records", "integrity"} {
		if !anyContains(texts, want) {
			t.Errorf("EMR playbook lacks %q: %v", want, texts)
		}
	}
	// EMR back within 4 hours; 70% of basic services within 24 hours.
	if rt := recoveryByKey(d, "emr"); rt == nil || rt.RTO != 240 {
		t.Errorf("EMR recovery = %+v", rt)
	}
	if rt := recoveryByKey(d, "outpatient"); rt == nil || rt.RTO != 1440 || !strings.Contains(rt.MBCO, "70%") {
		t.Errorf("outpatient recovery = %+v", rt)
	}
	if !anyContains(noteTexts(d.Considerations), "atient safety") {
		t.Errorf("considerations = %v, want patient safety", noteTexts(d.Considerations))
	}
	if d.Maintenance.ReviewMonths != 6 {
		t.Errorf("review every %d months, want half-yearly", d.Maintenance.ReviewMonths)
	}
	regs := regulationTexts(d.Regulations)
	if !anyContains(regs, "HIPAA") || !anyContains(regs, "PDPA") {
		t.Errorf("regulations = %v", regs)
	}
	// Customers are patients and families; channels fit the region.
	for _, c := range d.Communication {
		if c.Audience.Key == "customers" && c.Audience.Name != "patients and families" {
			t.Errorf("customers are called %q", c.Audience.Name)
		}
		if c.Audience.Key == "staff" && !slices.ContainsFunc(c.Channels, func(r Ref) bool { return r.Key == "whatsapp" }) {
			t.Errorf("staff channels = %+v", c.Channels)
		}
	}
}

func TestLargeGroupHasFullStructure(t *testing.T) {
	kb := builtin(t)
	d := generate(t, kb, Input{Industry: "logistics", Size: "large", Region: "cn-east", Language: LangZh, Sites: 12})
	special := 0
	for _, tm := range d.Organisation.Teams {
		if tm.Kind == org.TeamSpecial {
			special++
		}
	}
	kinds := teamKinds(d)
	if !slices.Contains(kinds, org.TeamCommittee) || !slices.Contains(kinds, org.TeamCrisisOffice) ||
		!slices.Contains(kinds, org.TeamOnsiteCommand) || special < 4 {
		t.Errorf("team kinds %v with %d special teams", kinds, special)
	}
	if d.Maintenance.ReviewMonths != 6 || len(d.Maintenance.Drills) < 8 {
		t.Errorf("review every %d months with %d drills", d.Maintenance.ReviewMonths, len(d.Maintenance.Drills))
	}
	// More than one site: sites back each other up.
	found := false
	for _, r := range d.Resources {
		if r.Key == "common.alternate_office" && strings.Contains(r.Item, "12") {
			found = true
		}
	}
	if !found {
		t.Error("no alternate-site resource naming the 12 sites")
	}
}

func TestAnswersTailorTheDraft(t *testing.T) {
	kb := builtin(t)
	in := Input{Industry: "ecommerce", Size: "small", Region: "europe", Language: LangEn,
		PaymentProviders: []string{"Adyen", "Mollie"}, LogisticsProviders: []string{"PostNL"},
		CriticalSystems: []string{"Shopware", "SAP ERP"}, Regulators: []string{"Autoriteit Persoonsgegevens"}}
	d := generate(t, kb, in)
	if r := riskByKey(d, "industry.payment_outage"); r == nil || !strings.Contains(r.Title, "Adyen, Mollie") {
		t.Errorf("payment risk = %+v", r)
	}
	if r := riskByKey(d, "industry.logistics_disruption"); r == nil || !strings.Contains(r.Title, "PostNL") {
		t.Errorf("logistics risk = %+v", r)
	}
	// Each named system gets a recovery row at the tightest target.
	for i, s := range in.CriticalSystems {
		rt := recoveryByKey(d, "system."+string(rune('1'+i)))
		if rt == nil || rt.Function.Name != s || rt.RTO != 60 || rt.RPO != 5 {
			t.Errorf("system %s recovery = %+v", s, rt)
		}
	}
	if d.Regulators[0] != "Autoriteit Persoonsgegevens" {
		t.Errorf("regulators = %v", d.Regulators)
	}
	for _, c := range d.Communication {
		if c.Audience.Key == "regulators" && !strings.Contains(c.Message, "Autoriteit Persoonsgegevens") {
			t.Errorf("regulator message %q", c.Message)
		}
	}
}
