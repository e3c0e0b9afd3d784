package plan

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Service keeps the plan library.
type Service struct {
	store    Store
	tx       tx.Runner
	audit    *audit.Log
	clock    clock.Clock
	notifier ReviewNotifier
}

// NewService returns the plan service.
func NewService(s Store, t tx.Runner, a *audit.Log, c clock.Clock) *Service {
	return &Service{store: s, tx: t, audit: a, clock: c}
}

// Today is the calendar day of the service's clock, in UTC, as review
// dates are written.
func (s *Service) Today() string { return s.clock.Now().UTC().Format(DateLayout) }

// ---- reading ----

// Plans returns a page of the library and the total matching the filter.
func (s *Service) Plans(ctx context.Context, f Filter) ([]Plan, int, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return nil, 0, err
	}
	var v errs.Validation
	if f.Kind != "" && !f.Kind.Valid() {
		v.Add("kind", "must be one of %s", join(Kinds))
	}
	if f.Status != "" && !f.Status.Valid() {
		v.Add("status", "must be one of %s", join(Statuses))
	}
	if f.ReviewDueBy != "" {
		if _, err := time.Parse(DateLayout, f.ReviewDueBy); err != nil {
			v.Add("review_due_by", "must be a date, YYYY-MM-DD")
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if f.UnitID > 0 {
		if _, err := s.store.UnitByID(ctx, f.UnitID); errs.Is(err, errs.NotFound) {
			return nil, 0, errs.Field("unit_id", "no org unit with this id")
		} else if err != nil {
			return nil, 0, err
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	f.Offset = max(f.Offset, 0)
	f.Query = strings.TrimSpace(f.Query)
	return s.store.ListPlans(ctx, f)
}

// Plan returns one plan of the library.
func (s *Service) Plan(ctx context.Context, id int64) (Plan, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return Plan{}, err
	}
	return s.store.PlanByID(ctx, id)
}

// Versions lists a plan's versions, newest first.
func (s *Service) Versions(ctx context.Context, planID int64) ([]VersionSummary, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return nil, err
	}
	if _, err := s.store.PlanByID(ctx, planID); err != nil {
		return nil, err
	}
	return s.store.PlanVersions(ctx, planID)
}

// Version returns one version of a plan with its content and decisions.
func (s *Service) Version(ctx context.Context, planID int64, number int) (Version, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return Version{}, err
	}
	return s.store.PlanVersion(ctx, planID, number)
}

// Published returns the version of a plan in force: what the export, the
// offline crisis pack and plan activation use.
func (s *Service) Published(ctx context.Context, planID int64) (Plan, Version, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return Plan{}, Version{}, err
	}
	p, err := s.store.PlanByID(ctx, planID)
	if err != nil {
		return Plan{}, Version{}, err
	}
	if p.PublishedVersion == 0 {
		return p, Version{}, errs.New(errs.NotFound, "plan %d has no published version yet", planID)
	}
	v, err := s.store.PlanVersion(ctx, planID, p.PublishedVersion)
	return p, v, err
}

// ---- library entries ----

func (s *Service) unitPath(ctx context.Context, unitID int64) (string, error) {
	u, err := s.store.UnitByID(ctx, unitID)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Field("unit_id", "no org unit with this id")
	}
	return u.Path, err
}

func (s *Service) requireOn(ctx context.Context, perm authz.Permission, unitID int64) (string, error) {
	path, err := s.unitPath(ctx, unitID)
	if err != nil {
		return "", err
	}
	return path, authz.RequireOn(ctx, perm, path)
}

// checkPlan checks the references of the library fields: owner, named
// approvers, a unique code.
func (s *Service) checkPlan(ctx context.Context, p *Plan) error {
	var v errs.Validation
	if p.OwnerID > 0 {
		known, err := s.store.PeopleByIDs(ctx, []int64{p.OwnerID})
		if err != nil {
			return err
		}
		if _, ok := known[p.OwnerID]; !ok {
			v.Add("owner_id", "no person with id %d", p.OwnerID)
		}
	}
	for i := range p.Approvers {
		a := &p.Approvers[i]
		if a.UserID == 0 {
			if a.Name == "" {
				a.Name = string(a.Role)
			}
			continue
		}
		f := index("approvers", i) + ".user_id"
		u, err := s.store.UserByID(ctx, a.UserID)
		if errs.Is(err, errs.NotFound) {
			v.Add(f, "no account with id %d", a.UserID)
			continue
		} else if err != nil {
			return err
		}
		canApprove := false
		for _, g := range u.Grants {
			canApprove = canApprove || g.Role.Has(authz.PlanApprove)
		}
		if u.Disabled {
			v.Add(f, "the account %s is disabled", u.Username)
		} else if !canApprove {
			v.Add(f, "%s holds no role that may approve plans (plan.approve)", u.Username)
		}
		a.Name = u.DisplayName
		if a.Name == "" {
			a.Name = u.Username
		}
	}
	if p.Code != "" {
		other, err := s.store.PlanByCode(ctx, p.Code)
		if err == nil && other.ID != p.ID {
			return &errs.Error{Code: errs.Conflict, Message: "duplicate plan code",
				Fields: []errs.FieldError{{Field: "code", Message: "is already used by plan " + strconv.FormatInt(other.ID, 10) + " " + other.Title}}}
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
	}
	return v.Err()
}

// checkContent makes sure every team, unit, person and risk the content
// names exists.
func (s *Service) checkContent(ctx context.Context, c *Content) error {
	refs := c.refs()
	if len(refs) == 0 {
		return nil
	}
	var people, risks, processes []int64
	for _, r := range refs {
		switch r.kind {
		case "person":
			people = append(people, r.id)
		case "risk":
			risks = append(risks, r.id)
		case "process":
			processes = append(processes, r.id)
		}
	}
	knownProcesses := map[int64]bia.Process{}
	if len(processes) > 0 {
		var err error
		if knownProcesses, err = s.store.ProcessesByIDs(ctx, processes); err != nil {
			return err
		}
	}
	knownPeople, err := s.store.PeopleByIDs(ctx, people)
	if err != nil {
		return err
	}
	knownRisks := map[int64]bool{}
	if len(risks) > 0 {
		if knownRisks, err = s.store.ExistingRisks(ctx, risks); err != nil {
			return err
		}
	}
	teams, units := map[int64]bool{}, map[int64]bool{}
	var v errs.Validation
	for _, r := range refs {
		switch r.kind {
		case "person":
			if _, ok := knownPeople[r.id]; !ok {
				v.Add("content."+r.field, "no person with id %d", r.id)
			}
		case "risk":
			if !knownRisks[r.id] {
				v.Add("content."+r.field, "no risk with id %d", r.id)
			}
		case "process":
			if _, ok := knownProcesses[r.id]; !ok {
				v.Add("content."+r.field, "no business process with id %d", r.id)
			}
		case "team":
			ok, seen := teams[r.id]
			if !seen {
				_, err := s.store.TeamByID(ctx, r.id)
				if err != nil && !errs.Is(err, errs.NotFound) {
					return err
				}
				ok = err == nil
				teams[r.id] = ok
			}
			if !ok {
				v.Add("content."+r.field, "no team with id %d", r.id)
			}
		case "unit":
			ok, seen := units[r.id]
			if !seen {
				_, err := s.store.UnitByID(ctx, r.id)
				if err != nil && !errs.Is(err, errs.NotFound) {
					return err
				}
				ok = err == nil
				units[r.id] = ok
			}
			if !ok {
				v.Add("content."+r.field, "no org unit with id %d", r.id)
			}
		}
	}
	return v.Err()
}

func actor(ctx context.Context) authz.Principal {
	p, _ := authz.From(ctx)
	return p
}

// CreatePlan adds a plan to the library with its first version as a
// draft. It needs plan.write on the plan's unit; the caller becomes the
// version's author.
func (s *Service) CreatePlan(ctx context.Context, p Plan, v Version) (Plan, Version, error) {
	var val errs.Validation
	val.Merge("", p.Validate())
	val.Merge("", v.Validate())
	if err := val.Err(); err != nil {
		return Plan{}, Version{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.requireOn(ctx, authz.PlanWrite, p.UnitID); err != nil {
			return err
		}
		if err := s.checkPlan(ctx, &p); err != nil {
			return err
		}
		if err := s.checkContent(ctx, &v.Content); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		who := actor(ctx)
		p.ID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = 0, who.UserID, now, now
		p.Title, p.TitleEn, p.LatestVersion, p.Status = v.Title, v.TitleEn, 1, Draft
		p.PublishedVersion, p.PublishedAt, p.ReviewDue = 0, nil, ""
		if err := s.store.CreatePlan(ctx, &p); err != nil {
			return err
		}
		v = newVersion(p.ID, 1, 0, v, who, now)
		if err := s.store.CreatePlanVersion(ctx, &v); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan.create", "plan", p.ID, nil, map[string]any{"plan": p, "version": v})
	})
	if err != nil {
		return Plan{}, Version{}, err
	}
	return p, v, nil
}

func newVersion(planID int64, number, basedOn int, v Version, who authz.Principal, now time.Time) Version {
	return Version{PlanID: planID, Number: number, Status: Draft, Title: v.Title, TitleEn: v.TitleEn, ChangeNote: v.ChangeNote,
		BasedOn: basedOn, Content: v.Content, AuthorID: who.UserID, AuthorName: who.Name, CreatedAt: now, UpdatedAt: now,
		Decisions: []Decision{}}
}

// UpdatePlan changes a plan's library fields: code, kind, unit, owner,
// review interval and approvers. Its content changes only through drafts.
// A review interval of 0 keeps the plan's interval; changing it moves the
// review due date of the version in force. The approvers and the quorum
// cannot change while a version is in review or approved: the decisions
// given so far were given under them. It needs plan.write on the unit,
// and on the new unit when the plan moves.
func (s *Service) UpdatePlan(ctx context.Context, p Plan) (Plan, error) {
	keepInterval := p.ReviewMonths == 0
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.PlanByID(ctx, p.ID)
		if err != nil {
			return err
		}
		if keepInterval {
			p.ReviewMonths = before.ReviewMonths
		}
		if (before.Status == InReview || before.Status == Approved) && !sameApprovers(before, p) {
			return &errs.Error{Code: errs.Conflict, Message: "approval has started",
				Fields: []errs.FieldError{{Field: "approvers", Message: "cannot change while version " + strconv.Itoa(before.LatestVersion) +
					" is " + strings.ReplaceAll(string(before.Status), "_", " ") + "; withdraw it to a draft first"}}}
		}
		if _, err := s.requireOn(ctx, authz.PlanWrite, before.UnitID); err != nil {
			return err
		}
		if p.UnitID != before.UnitID {
			if _, err := s.requireOn(ctx, authz.PlanWrite, p.UnitID); err != nil {
				return err
			}
		}
		if err := s.checkPlan(ctx, &p); err != nil {
			return err
		}
		after := before
		after.Code, after.Kind, after.UnitID, after.OwnerID = p.Code, p.Kind, p.UnitID, p.OwnerID
		after.ReviewMonths, after.Approvers, after.Quorum = p.ReviewMonths, p.Approvers, p.Quorum
		if after.PublishedAt != nil && after.ReviewMonths != before.ReviewMonths {
			after.ReviewDue = reviewDue(*after.PublishedAt, after.ReviewMonths)
		}
		after.UpdatedAt = s.clock.Now().UTC()
		if err := s.store.UpdatePlan(ctx, &after); err != nil {
			return err
		}
		p = after
		return s.audit.Record(ctx, "plan.update", "plan", p.ID, before, after)
	})
	return p, err
}

// sameApprovers reports whether b names the same approvers (accounts and
// roles, in order) and quorum as a.
func sameApprovers(a, b Plan) bool {
	if len(a.Approvers) != len(b.Approvers) || a.RequiredApprovals() != b.RequiredApprovals() {
		return false
	}
	for i := range a.Approvers {
		if a.Approvers[i].UserID != b.Approvers[i].UserID || a.Approvers[i].Role != b.Approvers[i].Role {
			return false
		}
	}
	return true
}

// DeletePlan removes a plan that was never published, with its drafts.
// Published plans stay in the library for the record.
func (s *Service) DeletePlan(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.PlanByID(ctx, id)
		if err != nil {
			return err
		}
		if _, err := s.requireOn(ctx, authz.PlanWrite, before.UnitID); err != nil {
			return err
		}
		if before.PublishedVersion > 0 {
			return errs.New(errs.Conflict, "plan %d has been published and is kept for the record; it cannot be deleted", id)
		}
		if err := s.store.DeletePlan(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan.delete", "plan", id, before, nil)
	})
}

// ConfirmReview records that the version in force was reviewed and still
// holds, without changes: its next review falls due one review interval
// from today. A review that changes the plan starts a new draft instead.
func (s *Service) ConfirmReview(ctx context.Context, planID int64, note string) (Plan, error) {
	note = SanitizeMarkdown(note)
	if len([]rune(note)) > 4000 {
		return Plan{}, errs.Field("note", "must be at most 4000 characters")
	}
	var p Plan
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.PlanByID(ctx, planID)
		if err != nil {
			return err
		}
		if _, err := s.requireOn(ctx, authz.PlanWrite, before.UnitID); err != nil {
			return err
		}
		if before.PublishedVersion == 0 {
			return errs.New(errs.Conflict, "plan %d has no published version to review", planID)
		}
		p = before
		now := s.clock.Now().UTC()
		p.ReviewDue, p.UpdatedAt = reviewDue(now, p.ReviewMonths), now
		if err := s.store.UpdatePlan(ctx, &p); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan.review_confirm", "plan", p.ID, before, map[string]any{"plan": p, "note": note})
	})
	return p, err
}

// ---- versions ----

// lockedPlan loads the plan and one of its versions for a change, checking
// perm on the plan's unit.
func (s *Service) lockedPlan(ctx context.Context, perm authz.Permission, planID int64, number int) (Plan, Version, string, error) {
	p, err := s.store.PlanByID(ctx, planID)
	if err != nil {
		return Plan{}, Version{}, "", err
	}
	path, err := s.requireOn(ctx, perm, p.UnitID)
	if err != nil {
		return Plan{}, Version{}, "", err
	}
	v, err := s.store.PlanVersion(ctx, planID, number)
	return p, v, path, err
}

func notEditable(v Version) error {
	switch v.Status {
	case Published, Superseded:
		return errs.New(errs.Conflict, "version %d is %s and cannot be changed; start a new draft from it", v.Number, v.Status)
	case InReview, Approved:
		return errs.New(errs.Conflict, "version %d is %s; withdraw it to a draft before changing it", v.Number, strings.ReplaceAll(string(v.Status), "_", " "))
	}
	return nil
}

// SaveDraft replaces the title, change note and content of a draft
// version. Versions in review, approved or published cannot be edited.
func (s *Service) SaveDraft(ctx context.Context, planID int64, number int, in Version) (Version, error) {
	if err := in.Validate(); err != nil {
		return Version{}, err
	}
	var v Version
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		p, before, _, err := s.lockedPlan(ctx, authz.PlanWrite, planID, number)
		if err != nil {
			return err
		}
		if err := notEditable(before); err != nil {
			return err
		}
		if err := s.checkContent(ctx, &in.Content); err != nil {
			return err
		}
		v = before
		v.Title, v.TitleEn, v.ChangeNote, v.Content = in.Title, in.TitleEn, in.ChangeNote, in.Content
		v.UpdatedAt = s.clock.Now().UTC()
		if err := s.store.UpdatePlanVersion(ctx, &v); err != nil {
			return err
		}
		if err := s.syncPlan(ctx, &p, v.UpdatedAt); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan.version.update", "plan", planID, versionRecord(before), versionRecord(v))
	})
	return v, err
}

// versionRecord is what the audit log keeps of a version.
func versionRecord(v Version) map[string]any {
	return map[string]any{"number": v.Number, "status": v.Status, "title": v.Title, "title_en": v.TitleEn,
		"change_note": v.ChangeNote, "content": v.Content}
}

// syncPlan copies the state of the plan's newest version into the plan
// record, which lists and filters read.
func (s *Service) syncPlan(ctx context.Context, p *Plan, now time.Time) error {
	vs, err := s.store.PlanVersions(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		p.LatestVersion, p.Status, p.Title, p.TitleEn = vs[0].Number, vs[0].Status, vs[0].Title, vs[0].TitleEn
	}
	p.UpdatedAt = now
	return s.store.UpdatePlan(ctx, p)
}

// NewDraft starts a new draft version from an earlier one (from 0: the
// version in force, or the newest when none is published). A plan has one
// version on its way at a time.
func (s *Service) NewDraft(ctx context.Context, planID int64, from int) (Version, error) {
	var v Version
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		p, err := s.store.PlanByID(ctx, planID)
		if err != nil {
			return err
		}
		if _, err := s.requireOn(ctx, authz.PlanWrite, p.UnitID); err != nil {
			return err
		}
		latest, err := s.store.PlanVersion(ctx, planID, p.LatestVersion)
		if err != nil {
			return err
		}
		if latest.Status.Open() {
			return errs.New(errs.Conflict, "version %d is still %s; finish or delete it before starting another draft",
				latest.Number, strings.ReplaceAll(string(latest.Status), "_", " "))
		}
		if from == 0 {
			from = p.PublishedVersion
			if from == 0 {
				from = p.LatestVersion
			}
		}
		base, err := s.store.PlanVersion(ctx, planID, from)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("from", "plan %d has no version %d", planID, from)
		} else if err != nil {
			return err
		}
		base.ChangeNote = ""
		now := s.clock.Now().UTC()
		v = newVersion(planID, p.LatestVersion+1, base.Number, base, actor(ctx), now)
		if err := s.store.CreatePlanVersion(ctx, &v); err != nil {
			return err
		}
		if err := s.syncPlan(ctx, &p, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan.version.create", "plan", planID, nil, versionRecord(v))
	})
	return v, err
}

// DeleteDraft removes a draft version that is not the plan's only one
// (delete the plan instead).
func (s *Service) DeleteDraft(ctx context.Context, planID int64, number int) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		p, v, _, err := s.lockedPlan(ctx, authz.PlanWrite, planID, number)
		if err != nil {
			return err
		}
		if err := notEditable(v); err != nil {
			return err
		}
		if p.LatestVersion == 1 {
			return errs.New(errs.Conflict, "version 1 is the plan's only version; delete the plan instead")
		}
		if err := s.store.DeletePlanVersion(ctx, v.ID); err != nil {
			return err
		}
		if err := s.syncPlan(ctx, &p, s.clock.Now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan.version.delete", "plan", planID, versionRecord(v), nil)
	})
}

// transition moves a version from one of the given statuses to another,
// with an audit record.
func (s *Service) transition(ctx context.Context, perm authz.Permission, planID int64, number int, action string,
	from []Status, change func(ctx context.Context, p *Plan, v *Version, path string, now time.Time) error) (Version, error) {
	var v Version
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		p, before, path, err := s.lockedPlan(ctx, perm, planID, number)
		if err != nil {
			return err
		}
		if !oneOf(before.Status, from) {
			return errs.New(errs.Conflict, "version %d is %s; %s needs it to be %s", before.Number,
				strings.ReplaceAll(string(before.Status), "_", " "), action, strings.ReplaceAll(join(from), "_", " "))
		}
		v = before
		now := s.clock.Now().UTC()
		if err := change(ctx, &p, &v, path, now); err != nil {
			return err
		}
		v.UpdatedAt = now
		if err := s.store.UpdatePlanVersion(ctx, &v); err != nil {
			return err
		}
		if err := s.syncPlan(ctx, &p, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, "plan."+action, "plan", planID,
			map[string]any{"number": before.Number, "status": before.Status},
			map[string]any{"number": v.Number, "status": v.Status, "round": v.Round})
	})
	if err != nil {
		return Version{}, err
	}
	return s.store.PlanVersion(ctx, planID, number)
}

// Submit sends a draft for review by the plan's approvers.
func (s *Service) Submit(ctx context.Context, planID int64, number int) (Version, error) {
	return s.transition(ctx, authz.PlanWrite, planID, number, "submit", []Status{Draft},
		func(ctx context.Context, p *Plan, v *Version, _ string, now time.Time) error {
			// The draft was validated when saved; check it again, as the
			// directory may have changed since.
			if err := s.checkContent(ctx, &v.Content); err != nil {
				return err
			}
			who := actor(ctx)
			v.Status, v.SubmittedAt, v.SubmittedBy, v.Round = InReview, &now, who.UserID, v.Round+1
			return nil
		})
}

// Withdraw takes a version in review, or approved but not yet published,
// back to draft; the approvals given so far no longer count.
func (s *Service) Withdraw(ctx context.Context, planID int64, number int) (Version, error) {
	return s.transition(ctx, authz.PlanWrite, planID, number, "withdraw", []Status{InReview, Approved},
		func(_ context.Context, _ *Plan, v *Version, _ string, _ time.Time) error {
			v.Status, v.ApprovedAt = Draft, nil
			return nil
		})
}

// Decide records an approver's decision on a version in review. The
// version's author (and whoever submitted it) cannot decide on it; each
// approver decides once per round. An approval fills the approver's slot
// (a named account's own slot first, then a slot of a role the approver
// holds on the plan's unit); when the plan's required approvals are
// reached the version is approved. A rejection needs a comment and sends
// the version back to draft.
func (s *Service) Decide(ctx context.Context, planID int64, number int, verdict Verdict, comment string) (Version, error) {
	comment = SanitizeMarkdown(comment)
	var v errs.Validation
	v.Check(verdict == Approve || verdict == Reject, "verdict", "must be approve or reject")
	v.MaxLen("comment", comment, 4000)
	if verdict == Reject && comment == "" {
		v.Add("comment", "is required when rejecting: say what must change")
	}
	if err := v.Err(); err != nil {
		return Version{}, err
	}
	return s.transition(ctx, authz.PlanApprove, planID, number, string(verdict), []Status{InReview},
		func(ctx context.Context, p *Plan, ver *Version, path string, now time.Time) error {
			who := actor(ctx)
			filled, slot, err := decision(p, ver, who, path)
			if err != nil {
				return err
			}
			d := Decision{VersionID: ver.ID, Verdict: verdict, Comment: comment, UserID: who.UserID, UserName: who.Name, Slot: -1, At: now, Round: ver.Round}
			if verdict == Approve {
				if slot < 0 {
					return errs.New(errs.Conflict, "the approvals %s can give on version %d have all been given", who.Name, ver.Number)
				}
				d.Slot = slot
				filled[slot] = true
				if len(filled) >= p.RequiredApprovals() {
					ver.Status, ver.ApprovedAt = Approved, &now
				}
			} else {
				ver.Status = Draft
			}
			return s.store.AddPlanDecision(ctx, &d)
		})
}

// MayDecide reports whether who may approve or reject version v of plan p
// now: nil when they may, otherwise the error Decide would answer (the
// version is not in review, who lacks plan.approve on the plan's unit,
// drafted or submitted the version, already decided in this round, or is
// not one of the plan's approvers). unitPath is the path of the plan's
// unit. Pages use it to offer the decision only to those who may take it.
func MayDecide(p *Plan, v *Version, who authz.Principal, unitPath string) error {
	if v.Status != InReview {
		return errs.New(errs.Conflict, "version %d is %s; approve needs it to be in review", v.Number, strings.ReplaceAll(string(v.Status), "_", " "))
	}
	if !who.On(authz.PlanApprove, unitPath) {
		return errs.New(errs.Forbidden, "permission %s required on this unit", authz.PlanApprove)
	}
	_, _, err := decision(p, v, who, unitPath)
	return err
}

// decision checks that who may decide on ver and returns the approver
// slots filled in the current round and the slot an approval by who would
// fill (-1 when all of theirs are filled).
func decision(p *Plan, ver *Version, who authz.Principal, path string) (filled map[int]bool, slot int, err error) {
	if !who.System && (who.UserID == ver.AuthorID || who.UserID == ver.SubmittedBy) {
		return nil, -1, errs.New(errs.Forbidden, "the author of a plan version cannot approve or reject it: version %d was drafted or submitted by %s",
			ver.Number, ver.AuthorName)
	}
	filled = map[int]bool{}
	for _, d := range ver.Decisions {
		if d.Round != ver.Round {
			continue
		}
		if d.UserID == who.UserID && !who.System {
			return nil, -1, errs.New(errs.Conflict, "%s already decided on version %d (%s)", who.Name, ver.Number, d.Verdict)
		}
		if d.Verdict == Approve {
			filled[d.Slot] = true
		}
	}
	slot, isApprover := matchSlot(p, who, path, filled)
	if !isApprover {
		return nil, -1, errs.New(errs.Forbidden, "%s is not an approver of this plan", who.Name)
	}
	return filled, slot, nil
}

// matchSlot finds the approver slot the principal fills: their own named
// slot first, then a role slot. isApprover reports whether the principal is an
// approver at all (even with every slot of theirs filled).
func matchSlot(p *Plan, who authz.Principal, unitPath string, filled map[int]bool) (slot int, isApprover bool) {
	if len(p.Approvers) == 0 {
		// Any holder of plan.approve on the unit (checked by the caller).
		if filled[0] {
			return -1, true
		}
		return 0, true
	}
	slot = -1
	for i, a := range p.Approvers {
		if a.UserID > 0 && (a.UserID == who.UserID || who.System) {
			isApprover = true
			if !filled[i] {
				return i, true
			}
		}
	}
	for i, a := range p.Approvers {
		if a.Role != "" && (who.System || holdsRoleOn(who, a.Role, unitPath)) {
			isApprover = true
			if !filled[i] {
				return i, true
			}
		}
	}
	return slot, isApprover
}

func holdsRoleOn(p authz.Principal, r authz.Role, unitPath string) bool {
	for _, g := range p.Grants {
		if g.Role == r && g.UnitPath != "" && strings.HasPrefix(unitPath, g.UnitPath) {
			return true
		}
	}
	return false
}

// Publish puts an approved version in force: the version before it in
// force becomes superseded (and is kept), and the plan's review falls due
// one review interval after today.
func (s *Service) Publish(ctx context.Context, planID int64, number int) (Version, error) {
	return s.transition(ctx, authz.PlanWrite, planID, number, "publish", []Status{Approved},
		func(ctx context.Context, p *Plan, v *Version, _ string, now time.Time) error {
			if p.PublishedVersion > 0 {
				old, err := s.store.PlanVersion(ctx, p.ID, p.PublishedVersion)
				if err != nil {
					return err
				}
				old.Status, old.UpdatedAt = Superseded, now
				if err := s.store.UpdatePlanVersion(ctx, &old); err != nil {
					return err
				}
			}
			due := reviewDue(now, p.ReviewMonths)
			v.Status, v.PublishedAt, v.PublishedBy, v.ReviewDue = Published, &now, actor(ctx).UserID, due
			p.PublishedVersion, p.PublishedAt, p.ReviewDue = v.Number, &now, due
			return nil
		})
}

func reviewDue(from time.Time, months int) string {
	return from.UTC().AddDate(0, months, 0).Format(DateLayout)
}

// Diff compares two versions of a plan section by section and playbook by
// playbook, with a line diff of each part that changed. Teams, units and
// people are shown by name.
func (s *Service) Diff(ctx context.Context, planID int64, from, to int) (Diff, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return Diff{}, err
	}
	a, err := s.store.PlanVersion(ctx, planID, from)
	if errs.Is(err, errs.NotFound) {
		return Diff{}, errs.Field("from", "plan %d has no version %d", planID, from)
	} else if err != nil {
		return Diff{}, err
	}
	b, err := s.store.PlanVersion(ctx, planID, to)
	if errs.Is(err, errs.NotFound) {
		return Diff{}, errs.Field("to", "plan %d has no version %d", planID, to)
	} else if err != nil {
		return Diff{}, err
	}
	n, err := s.Names(ctx, &a.Content, &b.Content)
	if err != nil {
		return Diff{}, err
	}
	return Compare(&a, &b, n), nil
}

// Names resolves the teams, units and people the contents refer to, in
// Chinese with the English name after it where there is one.
func (s *Service) Names(ctx context.Context, cs ...*Content) (Names, error) {
	n := Names{Teams: map[int64]string{}, Units: map[int64]string{}, People: map[int64]string{}}
	var people []int64
	for _, c := range cs {
		for _, r := range c.refs() {
			switch r.kind {
			case "team":
				if _, ok := n.Teams[r.id]; !ok {
					t, err := s.store.TeamByID(ctx, r.id)
					if err != nil && !errs.Is(err, errs.NotFound) {
						return n, err
					}
					n.Teams[r.id] = bilingual(t.Name, t.NameEn)
				}
			case "unit":
				if _, ok := n.Units[r.id]; !ok {
					u, err := s.store.UnitByID(ctx, r.id)
					if err != nil && !errs.Is(err, errs.NotFound) {
						return n, err
					}
					n.Units[r.id] = bilingual(u.Name, u.NameEn)
				}
			case "person":
				people = append(people, r.id)
			}
		}
	}
	if len(people) > 0 {
		known, err := s.store.PeopleByIDs(ctx, people)
		if err != nil {
			return n, err
		}
		for id, p := range known {
			n.People[id] = bilingual(p.Name, p.NameEn)
		}
	}
	return n, nil
}

// DueForReview returns the published plans whose review is due within
// ReminderWindow of asOf, or overdue, earliest first, with their owners:
// what review reminders are sent from.
func (s *Service) DueForReview(ctx context.Context, asOf time.Time) ([]ReviewReminder, error) {
	if err := authz.Require(ctx, authz.PlanRead); err != nil {
		return nil, err
	}
	today := asOf.UTC().Format(DateLayout)
	day0, _ := time.Parse(DateLayout, today)
	plans, err := s.store.PlansDueBy(ctx, asOf.UTC().Add(ReminderWindow).Format(DateLayout))
	if err != nil {
		return nil, err
	}
	out := make([]ReviewReminder, 0, len(plans))
	for _, p := range plans {
		due, err := time.Parse(DateLayout, p.ReviewDue)
		if err != nil {
			continue
		}
		out = append(out, ReviewReminder{PlanID: p.ID, Code: p.Code, Kind: p.Kind, Title: p.Title, TitleEn: p.TitleEn, UnitID: p.UnitID,
			OwnerID: p.OwnerID, PublishedVersion: p.PublishedVersion, ReviewDue: p.ReviewDue,
			Overdue: p.ReviewDue < today, DaysLeft: int(due.Sub(day0).Hours() / 24)})
	}
	return out, nil
}

// MarshalContent returns content in its stored form, JSON.
func MarshalContent(c Content) (string, error) {
	c.normalise()
	b, err := json.Marshal(c)
	return string(b), err
}

// UnmarshalContent reads stored content.
func UnmarshalContent(s string) (Content, error) {
	var c Content
	err := json.Unmarshal([]byte(s), &c)
	c.normalise()
	return c, err
}
