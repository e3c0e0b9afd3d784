// Package web is the browser UI: server-rendered pages (embedded
// html/template files, one handler per file) with htmx for partial updates,
// in Simplified Chinese and English. Every route is registered on the
// server.Router with its authorization rule; the services check the org-unit
// scope of each change again and record it in the audit log.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/sso"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/warning"
	"github.com/continuo-bcm/continuo/internal/web/assets"
)

// Deps are the services the web UI uses.
type Deps struct {
	Org           *org.Service
	Risk          *risk.Service
	Plan          *plan.Service
	BIA           *bia.Service
	Identity      *identity.Service
	Notify        *notify.Service // nil: acknowledgement links answer 404
	Warning       *warning.Service
	Survey        *risksurvey.Service // nil: no risk survey pages
	Fonts         *document.LazyFonts // the PDF font of plan exports; nil loads the default on first use
	Audit         *audit.Log
	DB            *store.DB
	Clock         clock.Clock
	Log           *slog.Logger
	Version       string
	SecureCookies bool
	BaseURL       string
	OIDC          *sso.Provider  // nil when single sign-on is off
	Location      *time.Location // where times are shown; nil means the system's zone
}

// handler serves every page; its methods live one per file.
type handler struct {
	d   Deps
	tpl *templates
	log *slog.Logger
}

// Register adds the web routes to rt.
func Register(rt *server.Router, d Deps) error {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	tpl, err := parseTemplates()
	if err != nil {
		return err
	}
	h := &handler{d: d, tpl: tpl, log: d.Log}

	public := authz.PublicRule()
	signedIn := authz.AuthenticatedRule()
	orgRead := authz.Needs(authz.OrgRead)
	orgWrite := authz.Needs(authz.OrgWrite)
	peopleWrite := authz.Needs(authz.PeopleWrite)
	teamsWrite := authz.Needs(authz.TeamsWrite)
	usersManage := authz.Needs(authz.UsersManage)
	self := authz.Needs(authz.SelfService)

	// Refusals by a route's rule get the translated error page.
	rt.SetForbiddenPage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.errorStatus(w, r, http.StatusForbidden, "")
	}))
	rt.Handle("GET /static/", public, assets.Handler())

	// Anyone: start page (redirects), sign-in, first-run setup, language.
	rt.HandleFunc("GET /{$}", public, h.showDashboard)
	rt.HandleFunc("/", public, h.notFound)
	rt.HandleFunc("GET /login", public, h.showLogin)
	rt.HandleFunc("POST /login", public, h.login)
	rt.HandleFunc("POST /logout", public, h.logout)
	rt.HandleFunc("GET /auth/oidc/login", public, h.oidcLogin)
	rt.HandleFunc("GET /auth/oidc/callback", public, h.oidcCallback)
	rt.HandleFunc("GET /setup", public, h.showSetup)
	rt.HandleFunc("POST /setup", public, h.setup)
	rt.HandleFunc("POST /lang", public, h.switchLanguage)

	// Acknowledgement links in notifications: the signed token is the
	// proof, so no sign-in (GET shows, POST records).
	rt.HandleFunc("GET /ack/{token}", public, h.showAck)
	rt.HandleFunc("POST /ack/{token}", public, h.acknowledge)

	// Lifecycle areas not built yet.
	rt.HandleFunc("GET /soon/{area}", signedIn, h.showSoon)

	// Organise: org units.
	rt.HandleFunc("GET /org", orgRead, h.listUnits)
	rt.HandleFunc("GET /org/new", orgWrite, h.newUnit)
	rt.HandleFunc("POST /org", orgWrite, h.createUnit)
	rt.HandleFunc("GET /org/{id}/edit", orgWrite, h.editUnit)
	rt.HandleFunc("POST /org/{id}", orgWrite, h.updateUnit)
	rt.HandleFunc("POST /org/{id}/delete", orgWrite, h.deleteUnit)
	rt.HandleFunc("GET /org/import", orgWrite, h.showUnitImport)
	rt.HandleFunc("POST /org/import", orgWrite, h.importUnits)
	rt.HandleFunc("GET /org/import/template", orgWrite, h.unitTemplate)

	// Sites: offices, warehouses, data centres, plants.
	rt.HandleFunc("GET /sites", orgRead, h.listSites)
	rt.HandleFunc("GET /sites/new", orgWrite, h.newSite)
	rt.HandleFunc("POST /sites", orgWrite, h.createSite)
	rt.HandleFunc("GET /sites/{id}/edit", orgWrite, h.editSite)
	rt.HandleFunc("POST /sites/{id}", orgWrite, h.updateSite)
	rt.HandleFunc("POST /sites/{id}/delete", orgWrite, h.deleteSite)

	// People.
	rt.HandleFunc("GET /people", orgRead, h.listPeople)
	rt.HandleFunc("GET /people/options", orgRead, h.personOptions)
	rt.HandleFunc("GET /people/contact-row", peopleWrite, h.contactRow)
	rt.HandleFunc("GET /people/new", peopleWrite, h.newPerson)
	rt.HandleFunc("POST /people", peopleWrite, h.createPerson)
	rt.HandleFunc("GET /people/{id}", orgRead, h.showPerson)
	rt.HandleFunc("GET /people/{id}/edit", peopleWrite, h.editPerson)
	rt.HandleFunc("POST /people/{id}", peopleWrite, h.updatePerson)
	rt.HandleFunc("POST /people/{id}/delete", peopleWrite, h.deletePerson)
	rt.HandleFunc("GET /people/import", peopleWrite, h.showPeopleImport)
	rt.HandleFunc("POST /people/import", peopleWrite, h.importPeople)
	rt.HandleFunc("GET /people/import/template", peopleWrite, h.peopleTemplate)

	// Teams, members and deputies.
	rt.HandleFunc("GET /teams", orgRead, h.listTeams)
	rt.HandleFunc("GET /teams/new", teamsWrite, h.newTeam)
	rt.HandleFunc("POST /teams", teamsWrite, h.createTeam)
	rt.HandleFunc("GET /teams/deputy-row", teamsWrite, h.deputyRow)
	rt.HandleFunc("GET /teams/{id}", orgRead, h.showTeam)
	rt.HandleFunc("GET /teams/{id}/edit", teamsWrite, h.editTeam)
	rt.HandleFunc("POST /teams/{id}", teamsWrite, h.updateTeam)
	rt.HandleFunc("POST /teams/{id}/delete", teamsWrite, h.deleteTeam)
	rt.HandleFunc("POST /teams/{id}/members", teamsWrite, h.addMember)
	rt.HandleFunc("GET /teams/{id}/members/{person}/edit", teamsWrite, h.editMember)
	rt.HandleFunc("POST /teams/{id}/members/{person}/delete", teamsWrite, h.removeMember)

	// Risk register: ranked list, form, assessments, heatmap.
	riskRead := authz.Needs(authz.RiskRead)
	riskWrite := authz.Needs(authz.RiskWrite)
	rt.HandleFunc("GET /risks", riskRead, h.listRisks)
	rt.HandleFunc("GET /risks/new", riskWrite, h.newRisk)
	rt.HandleFunc("POST /risks", riskWrite, h.createRisk)
	rt.HandleFunc("GET /risks/action-row", riskWrite, h.actionRowFragment)
	rt.HandleFunc("GET /risks/heatmap", riskRead, h.showHeatmap)
	rt.HandleFunc("GET /risks/export", riskRead, h.exportRisks)
	rt.HandleFunc("GET /risks/import", riskWrite, h.showRiskImport)
	rt.HandleFunc("POST /risks/import", riskWrite, h.importRisks)
	rt.HandleFunc("GET /risks/import/template", riskWrite, h.riskTemplate)
	rt.HandleFunc("GET /risks/{id}", riskRead, h.showRisk)
	rt.HandleFunc("GET /risks/{id}/edit", riskWrite, h.editRisk)
	rt.HandleFunc("POST /risks/{id}", riskWrite, h.updateRisk)
	rt.HandleFunc("POST /risks/{id}/delete", riskWrite, h.deleteRisk)
	rt.HandleFunc("POST /risks/{id}/assess", riskWrite, h.assessRisk)

	// Plan generator wizard.
	rt.HandleFunc("GET /plans/generate", authz.Needs(authz.PlanWrite), h.showPlanGenerator)
	rt.HandleFunc("POST /plans/generate", authz.Needs(authz.PlanWrite), h.generatePlan)

	// Area pages, one registration function per area (see *_routes.go).
	h.registerPlanPages(rt)
	h.registerBIAPages(rt)
	h.registerWarningPages(rt)
	h.registerSurveyPages(rt)

	// Emergency contact list.
	rt.HandleFunc("GET /contacts", orgRead, h.showContacts)
	rt.HandleFunc("GET /contacts/export", orgRead, h.exportContacts)

	// Administration.
	rt.HandleFunc("GET /audit", authz.Needs(authz.AuditRead), h.listAudit)
	rt.HandleFunc("POST /audit/verify", authz.Needs(authz.AuditVerify), h.verifyAudit)
	rt.HandleFunc("GET /admin/users", usersManage, h.listUsers)
	rt.HandleFunc("GET /admin/users/grant-row", usersManage, h.grantRow)
	rt.HandleFunc("GET /admin/users/new", usersManage, h.newUser)
	rt.HandleFunc("POST /admin/users", usersManage, h.createUser)
	rt.HandleFunc("GET /admin/users/{id}/edit", usersManage, h.editUser)
	rt.HandleFunc("POST /admin/users/{id}", usersManage, h.updateUser)
	rt.HandleFunc("POST /admin/users/{id}/password", usersManage, h.resetPassword)

	// Own profile.
	rt.HandleFunc("GET /profile", self, h.showProfile)
	rt.HandleFunc("POST /profile", self, h.updateProfile)
	rt.HandleFunc("POST /profile/password", self, h.changePassword)
	rt.HandleFunc("POST /profile/tokens", self, h.createToken)
	rt.HandleFunc("POST /profile/tokens/{id}/revoke", self, h.revokeToken)
	return nil
}
