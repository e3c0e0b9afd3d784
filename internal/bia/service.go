package bia

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Service keeps the business impact analysis: processes, resources,
// dependencies, questionnaire campaigns, and the dependency graph in
// memory for the analyses.
type Service struct {
	store Store
	tx    tx.Runner
	audit *audit.Log
	clock clock.Clock

	// mu serialises rebuilds of the graph, so that concurrent analyses
	// wait for one rebuild instead of each doing it; snap is replaced,
	// never changed, and read without the lock.
	mu   sync.Mutex
	snap atomic.Pointer[snapshot]

	// spofRun lets one background computation of single points of
	// failure run at a time.
	spofRun sync.Mutex
}

// NewService returns the BIA service.
func NewService(s Store, t tx.Runner, a *audit.Log, c clock.Clock) *Service {
	return &Service{store: s, tx: t, audit: a, clock: c}
}

// ---- settings ----

// Settings returns the organisation's BIA conventions.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return Settings{}, err
	}
	return s.store.BIASettings(ctx)
}

// SaveSettings changes the conventions (bia.manage). Values already
// stored are kept as they are; the new time points and intolerable level
// apply to what is written from now on.
func (s *Service) SaveSettings(ctx context.Context, st Settings) (Settings, error) {
	if err := authz.Require(ctx, authz.BIAManage); err != nil {
		return Settings{}, err
	}
	if err := st.Validate(); err != nil {
		return Settings{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.BIASettings(ctx)
		if err != nil {
			return err
		}
		if err := s.store.SaveBIASettings(ctx, st); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.settings", "bia_settings", 1, before, st)
	})
	return st, err
}

// ---- processes ----

// Processes lists processes by code, then name.
func (s *Service) Processes(ctx context.Context, f ProcessFilter) ([]Process, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	if f.UnitID > 0 {
		if _, err := s.store.UnitByID(ctx, f.UnitID); errs.Is(err, errs.NotFound) {
			return nil, errs.Field("unit_id", "no org unit with this id")
		} else if err != nil {
			return nil, err
		}
	}
	f.Query = strings.TrimSpace(f.Query)
	return s.store.ListProcesses(ctx, f)
}

// Process returns one process.
func (s *Service) Process(ctx context.Context, id int64) (Process, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return Process{}, err
	}
	return s.store.ProcessByID(ctx, id)
}

// ProcessesByIDs returns the processes with the given ids that exist.
func (s *Service) ProcessesByIDs(ctx context.Context, ids []int64) (map[int64]Process, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	return s.store.ProcessesByIDs(ctx, ids)
}

func (s *Service) requireOnUnit(ctx context.Context, perm authz.Permission, field string, unitID int64) error {
	u, err := s.store.UnitByID(ctx, unitID)
	if errs.Is(err, errs.NotFound) {
		return errs.Field(field, "no org unit with id %d", unitID)
	}
	if err != nil {
		return err
	}
	return authz.RequireOn(ctx, perm, u.Path)
}

// SaveProcess creates (ID 0) or updates a process with its BIA values. It
// needs bia.write on the process's unit, and on both units when it moves.
func (s *Service) SaveProcess(ctx context.Context, p Process) (Process, error) {
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		st, err := s.store.BIASettings(ctx)
		if err != nil {
			return err
		}
		if err := p.Validate(st); err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, authz.BIAWrite, "unit_id", p.UnitID); err != nil {
			return err
		}
		if err := s.checkPerson(ctx, "owner_id", p.OwnerID); err != nil {
			return err
		}
		if p.Code != "" {
			other, err := s.store.ProcessByCode(ctx, p.Code)
			if err == nil && other.ID != p.ID {
				return conflict("code", "is already used by process "+other.Ref()+" "+other.Name)
			} else if err != nil && !errs.Is(err, errs.NotFound) {
				return err
			}
		}
		now := s.clock.Now()
		p.UpdatedAt = now
		if p.ID == 0 {
			p.CreatedAt = now
			p.ApprovedAnswerID, p.ApprovedAt = nil, nil
			if err := s.store.CreateProcess(ctx, &p); err != nil {
				return err
			}
			return s.audit.Record(ctx, "bia.process.create", "bia_process", p.ID, nil, p)
		}
		before, err := s.store.ProcessByID(ctx, p.ID)
		if err != nil {
			return err
		}
		if before.UnitID != p.UnitID {
			if err := s.requireOnUnit(ctx, authz.BIAWrite, "unit_id", before.UnitID); err != nil {
				return err
			}
		}
		p.CreatedAt = before.CreatedAt
		p.ApprovedAnswerID, p.ApprovedAt = before.ApprovedAnswerID, before.ApprovedAt
		if err := s.store.UpdateProcess(ctx, &p); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.process.update", "bia_process", p.ID, before, p)
	})
	if err != nil {
		return Process{}, err
	}
	return p, nil
}

// DeleteProcess removes a process with its dependencies and questionnaire
// answers; the audit log keeps its last state.
func (s *Service) DeleteProcess(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.ProcessByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, authz.BIAWrite, "unit_id", before.UnitID); err != nil {
			return err
		}
		if err := s.store.DeleteProcess(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.process.delete", "bia_process", id, before, nil)
	})
}

func (s *Service) checkPerson(ctx context.Context, field string, id *int64) error {
	if id == nil {
		return nil
	}
	known, err := s.store.PeopleByIDs(ctx, []int64{*id})
	if err != nil {
		return err
	}
	if _, ok := known[*id]; !ok {
		return errs.Field(field, "no person with id %d", *id)
	}
	return nil
}

func conflict(field, msg string) error {
	return &errs.Error{Code: errs.Conflict, Message: "duplicate " + field, Fields: []errs.FieldError{{Field: field, Message: msg}}}
}

// ---- resources ----

// Resources lists resources of a kind ("" for all) by kind, code, name.
func (s *Service) Resources(ctx context.Context, kind ResourceKind) ([]Resource, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	if kind != "" && !slices.Contains(ResourceKinds, kind) {
		return nil, errs.Field("kind", "must be one of %s", join(ResourceKinds))
	}
	return s.store.ListResources(ctx, kind)
}

// Resource returns one resource.
func (s *Service) Resource(ctx context.Context, id int64) (Resource, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return Resource{}, err
	}
	return s.store.ResourceByID(ctx, id)
}

// requireResource checks the right to change a resource: bia.write on its
// unit, or bia.manage for a resource of the whole organisation.
func (s *Service) requireResource(ctx context.Context, unitID *int64) error {
	if unitID == nil {
		return authz.Require(ctx, authz.BIAManage)
	}
	return s.requireOnUnit(ctx, authz.BIAWrite, "unit_id", *unitID)
}

// SaveResource creates (ID 0) or updates a resource.
func (s *Service) SaveResource(ctx context.Context, r Resource) (Resource, error) {
	if err := r.Validate(); err != nil {
		return Resource{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.requireResource(ctx, r.UnitID); err != nil {
			return err
		}
		if err := s.checkPerson(ctx, "owner_id", r.OwnerID); err != nil {
			return err
		}
		if r.SiteID != nil {
			if _, err := s.store.SiteByID(ctx, *r.SiteID); errs.Is(err, errs.NotFound) {
				return errs.Field("site_id", "no site with id %d", *r.SiteID)
			} else if err != nil {
				return err
			}
		}
		if r.Code != "" {
			other, err := s.store.ResourceByCode(ctx, r.Code)
			if err == nil && other.ID != r.ID {
				return conflict("code", "is already used by resource "+other.Ref()+" "+other.Name)
			} else if err != nil && !errs.Is(err, errs.NotFound) {
				return err
			}
		}
		now := s.clock.Now()
		r.UpdatedAt = now
		if r.ID == 0 {
			r.CreatedAt = now
			if err := s.store.CreateResource(ctx, &r); err != nil {
				return err
			}
			return s.audit.Record(ctx, "bia.resource.create", "bia_resource", r.ID, nil, r)
		}
		before, err := s.store.ResourceByID(ctx, r.ID)
		if err != nil {
			return err
		}
		if err := s.requireResource(ctx, before.UnitID); err != nil {
			return err
		}
		r.CreatedAt = before.CreatedAt
		if err := s.store.UpdateResource(ctx, &r); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.resource.update", "bia_resource", r.ID, before, r)
	})
	if err != nil {
		return Resource{}, err
	}
	return r, nil
}

// DeleteResource removes a resource and the dependencies on it; where it
// was an alternative, the dependency stays without one.
func (s *Service) DeleteResource(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.ResourceByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireResource(ctx, before.UnitID); err != nil {
			return err
		}
		if err := s.store.DeleteResource(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.resource.delete", "bia_resource", id, before, nil)
	})
}

// ---- dependencies ----

// Dependencies lists the dependencies touching a node ("" for all).
func (s *Service) Dependencies(ctx context.Context, node string) ([]Dependency, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	if node != "" {
		if _, ok := ParseRef(node); !ok {
			return nil, errs.Field("node", "must be a process (p12) or resource (r7) reference")
		}
	}
	return s.store.ListDependencies(ctx, node)
}

// Dependency returns one dependency.
func (s *Service) Dependency(ctx context.Context, id int64) (Dependency, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return Dependency{}, err
	}
	return s.store.DependencyByID(ctx, id)
}

// node checks that a referenced node exists and returns the unit that
// governs changes to what depends from it (nil: the whole organisation).
func (s *Service) node(ctx context.Context, field, ref string) (unitID *int64, err error) {
	r, _ := ParseRef(ref)
	if r.Process {
		p, err := s.store.ProcessByID(ctx, r.ID)
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field(field, "no process with id %d", r.ID)
		}
		return &p.UnitID, err
	}
	res, err := s.store.ResourceByID(ctx, r.ID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field(field, "no resource with id %d", r.ID)
	}
	return res.UnitID, err
}

// requireDependent checks the right to change the dependencies of a node:
// that of changing the node itself.
func (s *Service) requireDependent(ctx context.Context, ref string) error {
	unit, err := s.node(ctx, "from", ref)
	if err != nil {
		return err
	}
	if r, _ := ParseRef(ref); r.Process {
		return s.requireOnUnit(ctx, authz.BIAWrite, "from", *unit)
	}
	return s.requireResource(ctx, unit)
}

// SaveDependency creates (ID 0) or updates a dependency. A node cannot
// depend on itself; every node named must exist.
func (s *Service) SaveDependency(ctx context.Context, d Dependency) (Dependency, error) {
	if err := d.Validate(); err != nil {
		return Dependency{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var v errs.Validation
		for _, n := range []struct{ field, ref string }{{"from", d.From}, {"to", d.To}, {"alternative", d.Alternative}} {
			if n.ref == "" {
				continue
			}
			if _, err := s.node(ctx, n.field, n.ref); errs.Is(err, errs.Invalid) {
				v.Merge("", err)
			} else if err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.requireDependent(ctx, d.From); err != nil {
			return err
		}
		now := s.clock.Now()
		d.UpdatedAt = now
		if d.ID == 0 {
			d.CreatedAt = now
			if err := s.store.CreateDependency(ctx, &d); err != nil {
				return dependencyConflict(err, d)
			}
			return s.audit.Record(ctx, "bia.dependency.create", "bia_dependency", d.ID, nil, d)
		}
		before, err := s.store.DependencyByID(ctx, d.ID)
		if err != nil {
			return err
		}
		if before.From != d.From {
			if err := s.requireDependent(ctx, before.From); err != nil {
				return err
			}
		}
		d.CreatedAt = before.CreatedAt
		if err := s.store.UpdateDependency(ctx, &d); err != nil {
			return dependencyConflict(err, d)
		}
		return s.audit.Record(ctx, "bia.dependency.update", "bia_dependency", d.ID, before, d)
	})
	if err != nil {
		return Dependency{}, err
	}
	return d, nil
}

func dependencyConflict(err error, d Dependency) error {
	if errs.Is(err, errs.Conflict) {
		return conflict("to", d.From+" already depends on "+d.To)
	}
	return err
}

// DeleteDependency removes a dependency.
func (s *Service) DeleteDependency(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.DependencyByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireDependent(ctx, before.From); err != nil {
			return err
		}
		if err := s.store.DeleteDependency(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.dependency.delete", "bia_dependency", id, before, nil)
	})
}

// ---- campaigns ----

// Campaigns lists the campaigns, newest first, with their progress.
func (s *Service) Campaigns(ctx context.Context) ([]Campaign, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	return s.store.ListCampaigns(ctx)
}

// Campaign returns one campaign with its progress.
func (s *Service) Campaign(ctx context.Context, id int64) (Campaign, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return Campaign{}, err
	}
	return s.store.CampaignByID(ctx, id)
}

// LaunchCampaign starts a campaign (bia.manage): every listed process gets
// a questionnaire, filled in with its current values for the owner to
// review.
func (s *Service) LaunchCampaign(ctx context.Context, c Campaign) (Campaign, error) {
	if err := authz.Require(ctx, authz.BIAManage); err != nil {
		return Campaign{}, err
	}
	if err := c.Validate(); err != nil {
		return Campaign{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		procs, err := s.store.ProcessesByIDs(ctx, c.ProcessIDs)
		if err != nil {
			return err
		}
		var v errs.Validation
		for i, id := range c.ProcessIDs {
			if _, ok := procs[id]; !ok {
				v.Add("process_ids["+strconv.Itoa(i)+"]", "no process with id %d", id)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		p, _ := authz.From(ctx)
		now := s.clock.Now()
		c.ID, c.Status, c.ClosedAt = 0, CampaignOpen, nil
		c.LaunchedBy, c.LaunchedName, c.LaunchedAt = p.UserID, p.Name, now
		if err := s.store.CreateCampaign(ctx, &c); err != nil {
			return err
		}
		for _, id := range c.ProcessIDs {
			a := Answer{CampaignID: c.ID, ProcessID: id, Status: Pending, Values: procs[id].Values, UpdatedAt: now}
			if err := s.store.CreateAnswer(ctx, &a); err != nil {
				return err
			}
			if err := s.event(ctx, &a, "sent", ""); err != nil {
				return err
			}
		}
		c.Progress = Progress{Pending: len(c.ProcessIDs), Total: len(c.ProcessIDs)}
		return s.audit.Record(ctx, "bia.campaign.launch", "bia_campaign", c.ID, nil, c)
	})
	if err != nil {
		return Campaign{}, err
	}
	return c, nil
}

// CloseCampaign closes an open campaign (bia.manage). Answers not yet
// approved stay as they are, no longer editable.
func (s *Service) CloseCampaign(ctx context.Context, id int64) (Campaign, error) {
	if err := authz.Require(ctx, authz.BIAManage); err != nil {
		return Campaign{}, err
	}
	var c Campaign
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.store.CampaignByID(ctx, id); err != nil {
			return err
		}
		if c.Status == CampaignClosed {
			return errs.New(errs.Conflict, "the campaign is already closed")
		}
		before := c
		now := s.clock.Now()
		c.Status, c.ClosedAt = CampaignClosed, &now
		if err := s.store.UpdateCampaign(ctx, &c); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.campaign.close", "bia_campaign", c.ID, before, c)
	})
	return c, err
}

// Answers lists questionnaire answers.
func (s *Service) Answers(ctx context.Context, f AnswerFilter) ([]Answer, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains(AnswerStatuses, f.Status) {
		return nil, errs.Field("status", "must be one of %s", join(AnswerStatuses))
	}
	return s.store.ListAnswers(ctx, f)
}

// Answer returns one answer.
func (s *Service) Answer(ctx context.Context, id int64) (Answer, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return Answer{}, err
	}
	return s.store.AnswerByID(ctx, id)
}

// AnswerHistory returns every step of an answer, oldest first.
func (s *Service) AnswerHistory(ctx context.Context, id int64) ([]AnswerEvent, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	if _, err := s.store.AnswerByID(ctx, id); err != nil {
		return nil, err
	}
	return s.store.AnswerEvents(ctx, id)
}

// answerInTx loads an answer with its campaign and process for a change
// and checks the campaign is open.
func (s *Service) answerInTx(ctx context.Context, id int64) (Answer, Process, error) {
	a, err := s.store.AnswerByID(ctx, id)
	if err != nil {
		return a, Process{}, err
	}
	c, err := s.store.CampaignByID(ctx, a.CampaignID)
	if err != nil {
		return a, Process{}, err
	}
	if c.Status != CampaignOpen {
		return a, Process{}, errs.New(errs.Conflict, "the campaign %q is closed", c.Name)
	}
	p, err := s.store.ProcessByID(ctx, a.ProcessID)
	return a, p, err
}

func (s *Service) event(ctx context.Context, a *Answer, action, comment string) error {
	p, _ := authz.From(ctx)
	e := AnswerEvent{AnswerID: a.ID, Action: action, Status: a.Status, Values: a.Values, Comment: comment,
		ActorID: p.UserID, ActorName: p.Name, At: s.clock.Now()}
	return s.store.AddAnswerEvent(ctx, &e)
}

// SaveAnswer stores the owner's values as a draft (bia.write on the
// process's unit). The values are checked and the MTPD derived as for a
// process, so that mistakes show while answering.
func (s *Service) SaveAnswer(ctx context.Context, id int64, x Values) (Answer, error) {
	var a Answer
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var p Process
		var err error
		if a, p, err = s.answerInTx(ctx, id); err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, authz.BIAWrite, "unit_id", p.UnitID); err != nil {
			return err
		}
		if !a.Status.Editable() {
			return errs.New(errs.Conflict, "the answer is %s and can no longer be changed", a.Status)
		}
		st, err := s.store.BIASettings(ctx)
		if err != nil {
			return err
		}
		if err := x.Normalize(st); err != nil {
			return err
		}
		a.Values, a.Status, a.UpdatedAt = x, Draft, s.clock.Now()
		if err := s.store.UpdateAnswer(ctx, &a); err != nil {
			return err
		}
		return s.event(ctx, &a, "saved", "")
	})
	return a, err
}

// Submit sends the answer to the office. It must rate every category at
// every time point and state RTO and RPO.
func (s *Service) Submit(ctx context.Context, id int64) (Answer, error) {
	var a Answer
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var p Process
		var err error
		if a, p, err = s.answerInTx(ctx, id); err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, authz.BIAWrite, "unit_id", p.UnitID); err != nil {
			return err
		}
		if !a.Status.Editable() {
			return errs.New(errs.Conflict, "the answer is %s and cannot be submitted", a.Status)
		}
		st, err := s.store.BIASettings(ctx)
		if err != nil {
			return err
		}
		if err := a.Values.Normalize(st); err != nil {
			return err
		}
		if err := complete(a.Values, st); err != nil {
			return err
		}
		pr, _ := authz.From(ctx)
		now := s.clock.Now()
		a.Status, a.Comment, a.UpdatedAt = Submitted, "", now
		a.SubmittedBy, a.SubmittedByName, a.SubmittedAt = pr.UserID, pr.Name, &now
		if err := s.store.UpdateAnswer(ctx, &a); err != nil {
			return err
		}
		if err := s.event(ctx, &a, "submitted", ""); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.answer.submit", "bia_answer", a.ID, nil, a)
	})
	return a, err
}

// complete checks that an answer says everything the office needs.
func complete(x Values, st Settings) error {
	var v errs.Validation
	have := map[Category]map[int]bool{}
	for _, p := range x.Impacts {
		if have[p.Category] == nil {
			have[p.Category] = map[int]bool{}
		}
		have[p.Category][p.AfterMinutes] = true
	}
	for _, c := range Categories {
		var missing []string
		for _, t := range st.TimePoints {
			if !have[c][t] {
				missing = append(missing, FormatMinutes(t))
			}
		}
		if len(missing) > 0 {
			v.Add("impacts", "%s impact is not rated at %s", c, strings.Join(missing, ", "))
		}
	}
	v.Check(x.RTOMinutes != nil, "rto_minutes", "is required to submit")
	v.Check(x.RPOMinutes != nil, "rpo_minutes", "is required to submit")
	v.Check(x.MTPDMinutes != nil, "mtpd_minutes", "is required to submit when no impact reaches the intolerable level")
	return v.Err()
}

// Approve accepts a submitted answer (bia.manage): its values become the
// process's current values.
func (s *Service) Approve(ctx context.Context, id int64, comment string) (Answer, error) {
	if err := authz.Require(ctx, authz.BIAManage); err != nil {
		return Answer{}, err
	}
	comment = strings.TrimSpace(comment)
	var a Answer
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var p Process
		var err error
		if a, p, err = s.answerInTx(ctx, id); err != nil {
			return err
		}
		if a.Status != Submitted {
			return errs.New(errs.Conflict, "only a submitted answer can be approved; this one is %s", a.Status)
		}
		if err := s.review(ctx, &a, Approved, comment); err != nil {
			return err
		}
		before := p
		now := s.clock.Now()
		p.Values, p.ApprovedAnswerID, p.ApprovedAt, p.UpdatedAt = a.Values, &a.ID, &now, now
		if err := s.store.UpdateProcess(ctx, &p); err != nil {
			return err
		}
		if err := s.event(ctx, &a, "approved", comment); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "bia.answer.approve", "bia_answer", a.ID, nil, a); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.process.update", "bia_process", p.ID, before, p)
	})
	return a, err
}

// Return sends a submitted answer back to the owner with a comment
// (bia.manage).
func (s *Service) Return(ctx context.Context, id int64, comment string) (Answer, error) {
	if err := authz.Require(ctx, authz.BIAManage); err != nil {
		return Answer{}, err
	}
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return Answer{}, errs.Field("comment", "is required: tell the owner what to change")
	}
	if len([]rune(comment)) > 2000 {
		return Answer{}, errs.Field("comment", "must be at most 2000 characters")
	}
	var a Answer
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		if a, _, err = s.answerInTx(ctx, id); err != nil {
			return err
		}
		if a.Status != Submitted {
			return errs.New(errs.Conflict, "only a submitted answer can be returned; this one is %s", a.Status)
		}
		if err := s.review(ctx, &a, Returned, comment); err != nil {
			return err
		}
		if err := s.event(ctx, &a, "returned", comment); err != nil {
			return err
		}
		return s.audit.Record(ctx, "bia.answer.return", "bia_answer", a.ID, nil, a)
	})
	return a, err
}

func (s *Service) review(ctx context.Context, a *Answer, status AnswerStatus, comment string) error {
	p, _ := authz.From(ctx)
	now := s.clock.Now()
	a.Status, a.Comment, a.UpdatedAt = status, comment, now
	a.ReviewedBy, a.ReviewedByName, a.ReviewedAt = p.UserID, p.Name, &now
	return s.store.UpdateAnswer(ctx, a)
}
