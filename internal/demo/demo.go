// Package demo loads the demo organisation: 华东星链物流集团 (Huadong
// Xinglian Logistics Group), a fictional logistics group organised as the
// crisis-management system of seed 000 describes it — a crisis management
// committee, a crisis management office with a liaison in every
// department, special response teams and an on-site command group, every
// leader with ordered deputies — and demo accounts for each kind of user.
//
// The data lives in data/org.json, one record per line, so that a change
// reads well in a diff. It is loaded through the org and identity
// services, as the system, in one transaction: the audit log records the
// load, and a failure leaves nothing behind.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Password is the password of every demo account. It is published here on
// purpose: the demo is for trying Continuo out, never for real data.
const Password = "continuo-demo"

// AdminUsername is the demo administrator's account.
const AdminUsername = "admin"

// Login is an account to sign in with.
type Login struct{ Username, Password string }

//go:embed data/org.json
var orgJSON []byte

type dataset struct {
	Units  []unitData   `json:"units"`
	Sites  []siteData   `json:"sites"`
	People []personData `json:"people"`
	Teams  []teamData   `json:"teams"`
	Users  []userData   `json:"users"`
}

type unitData struct {
	Code      string       `json:"code"`
	Name      string       `json:"name"`
	NameEn    string       `json:"name_en"`
	Kind      org.UnitKind `json:"kind"`
	Parent    string       `json:"parent"` // code of a unit listed earlier
	SortOrder int          `json:"sort_order"`
}

type siteData struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	NameEn  string `json:"name_en"`
	Address string `json:"address"`
	Unit    string `json:"unit"`
}

type personData struct {
	EmployeeNo string `json:"employee_no"`
	Name       string `json:"name"`
	NameEn     string `json:"name_en"`
	Title      string `json:"title"`
	TitleEn    string `json:"title_en"`
	Unit       string `json:"unit"`
	Site       string `json:"site"`
	Mobile     string `json:"mobile"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	DingTalk   string `json:"dingtalk"`
	WeCom      string `json:"wecom"`
	Feishu     string `json:"feishu"`
	Active     *bool  `json:"active"` // absent: active
}

type teamData struct {
	Kind     org.TeamKind `json:"kind"`
	Name     string       `json:"name"`
	NameEn   string       `json:"name_en"`
	Unit     string       `json:"unit"`
	Duties   string       `json:"duties"`
	DutiesEn string       `json:"duties_en"`
	Members  []memberData `json:"members"`
}

type memberData struct {
	Person   string       `json:"person"` // employee number
	Role     org.TeamRole `json:"role"`
	Duty     string       `json:"duty"`
	DutyEn   string       `json:"duty_en"`
	Deputies []string     `json:"deputies"` // employee numbers, in the order they are called
}

type userData struct {
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Email       string     `json:"email"`
	Person      string     `json:"person"` // employee number, "" for none
	Role        authz.Role `json:"role"`
	Unit        string     `json:"unit"` // code of the unit the role is granted on
	Lang        string     `json:"lang"`
}

func load() (dataset, error) {
	var d dataset
	dec := json.NewDecoder(bytes.NewReader(orgJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("demo: data/org.json: %w", err)
	}
	return d, nil
}

// Load fills an empty database with the demo organisation and returns the
// login to use. loaded is false (and nothing changes) when the database
// already has org units; the login returned is then the demo's, which
// works only if the demo was loaded before.
func Load(ctx context.Context, orgSvc *org.Service, ids *identity.Service, t tx.Runner) (login Login, loaded bool, err error) {
	login = Login{Username: AdminUsername, Password: Password}
	d, err := load()
	if err != nil {
		return Login{}, false, err
	}
	ctx = authz.WithPrincipal(ctx, authz.SystemPrincipal)
	err = t.InTx(ctx, func(ctx context.Context) error {
		existing, err := orgSvc.Units(ctx)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return nil
		}
		if err := d.store(ctx, orgSvc, ids); err != nil {
			return err
		}
		if err := loadRisks(ctx, orgSvc, t); err != nil {
			return err
		}
		if err := loadSurvey(ctx, orgSvc, t); err != nil {
			return err
		}
		if err := loadBIA(ctx, orgSvc, t); err != nil {
			return err
		}
		if err := loadWarnings(ctx, orgSvc, t); err != nil {
			return err
		}
		if err := loadPlans(ctx, orgSvc, t); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	if err != nil {
		return Login{}, false, err
	}
	return login, loaded, nil
}

// store writes the dataset: units parents first, then sites, people,
// teams and accounts, each referring to the ones before by code, key or
// employee number.
func (d dataset) store(ctx context.Context, orgSvc *org.Service, ids *identity.Service) error {
	units := map[string]int64{}
	for _, u := range d.Units {
		unit := org.Unit{Code: u.Code, Name: u.Name, NameEn: u.NameEn, Kind: u.Kind, SortOrder: u.SortOrder}
		if u.Parent != "" {
			id, ok := units[u.Parent]
			if !ok {
				return fmt.Errorf("demo: unit %s: parent %s is not listed before it", u.Code, u.Parent)
			}
			unit.ParentID = &id
		}
		created, err := orgSvc.CreateUnit(ctx, unit)
		if err != nil {
			return fmt.Errorf("demo: unit %s: %w", u.Code, err)
		}
		units[u.Code] = created.ID
	}
	unitID := func(what, code string) (int64, error) {
		id, ok := units[code]
		if !ok {
			return 0, fmt.Errorf("demo: %s: no unit %s", what, code)
		}
		return id, nil
	}

	sites := map[string]int64{}
	for _, s := range d.Sites {
		site := org.Site{Name: s.Name, NameEn: s.NameEn, Address: s.Address}
		if s.Unit != "" {
			id, err := unitID("site "+s.Key, s.Unit)
			if err != nil {
				return err
			}
			site.UnitID = &id
		}
		created, err := orgSvc.SaveSite(ctx, site)
		if err != nil {
			return fmt.Errorf("demo: site %s: %w", s.Key, err)
		}
		sites[s.Key] = created.ID
	}

	people := map[string]int64{}
	for _, p := range d.People {
		person, err := p.person(unitID, sites)
		if err != nil {
			return err
		}
		created, err := orgSvc.SavePerson(ctx, person)
		if err != nil {
			return fmt.Errorf("demo: person %s: %w", p.EmployeeNo, err)
		}
		people[p.EmployeeNo] = created.ID
	}
	personID := func(what, no string) (int64, error) {
		id, ok := people[no]
		if !ok {
			return 0, fmt.Errorf("demo: %s: no person %s", what, no)
		}
		return id, nil
	}

	for i, t := range d.Teams {
		team := org.Team{Kind: t.Kind, Name: t.Name, NameEn: t.NameEn, Duties: t.Duties, DutiesEn: t.DutiesEn, SortOrder: i + 1}
		var err error
		if team.UnitID, err = unitID("team "+t.Name, t.Unit); err != nil {
			return err
		}
		for j, m := range t.Members {
			member := org.Member{Role: m.Role, Duty: m.Duty, DutyEn: m.DutyEn, SortOrder: j + 1, Deputies: []int64{}}
			if member.PersonID, err = personID("team "+t.Name, m.Person); err != nil {
				return err
			}
			for _, no := range m.Deputies {
				id, err := personID("team "+t.Name+", deputy of "+m.Person, no)
				if err != nil {
					return err
				}
				member.Deputies = append(member.Deputies, id)
			}
			team.Members = append(team.Members, member)
		}
		if _, err := orgSvc.SaveTeam(ctx, team); err != nil {
			return fmt.Errorf("demo: team %s: %w", t.Name, err)
		}
	}

	for _, u := range d.Users {
		in := identity.NewUser{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Password: Password, Lang: u.Lang}
		unit, err := unitID("user "+u.Username, u.Unit)
		if err != nil {
			return err
		}
		in.Grants = []authz.Grant{{Role: u.Role, UnitID: unit}}
		if u.Person != "" {
			id, err := personID("user "+u.Username, u.Person)
			if err != nil {
				return err
			}
			in.PersonID = &id
		}
		if _, err := ids.CreateUser(ctx, in); err != nil {
			return fmt.Errorf("demo: user %s: %w", u.Username, err)
		}
	}
	return nil
}

// person turns a record into an org.Person with its contact methods in
// display order.
func (p personData) person(unitID func(what, code string) (int64, error), sites map[string]int64) (org.Person, error) {
	out := org.Person{EmployeeNo: p.EmployeeNo, Name: p.Name, NameEn: p.NameEn, Title: p.Title, TitleEn: p.TitleEn, Active: p.Active == nil || *p.Active}
	var err error
	if out.UnitID, err = unitID("person "+p.EmployeeNo, p.Unit); err != nil {
		return out, err
	}
	if p.Site != "" {
		id, ok := sites[p.Site]
		if !ok {
			return out, fmt.Errorf("demo: person %s: no site %s", p.EmployeeNo, p.Site)
		}
		out.SiteID = &id
	}
	for _, c := range []org.ContactMethod{
		{Kind: org.ContactMobile, Value: p.Mobile}, {Kind: org.ContactPhone, Value: p.Phone}, {Kind: org.ContactEmail, Value: p.Email},
		{Kind: org.ContactDingTalk, Value: p.DingTalk}, {Kind: org.ContactWeCom, Value: p.WeCom}, {Kind: org.ContactFeishu, Value: p.Feishu},
	} {
		if c.Value != "" {
			out.Contacts = append(out.Contacts, c)
		}
	}
	return out, nil
}
