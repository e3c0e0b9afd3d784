// Package plan is the plan library (预案库): emergency plans in the Chinese
// structure of GB/T 29639-2020 (综合应急预案 general plan, 专项应急预案
// special plan, 现场处置方案 on-site procedure) and the business
// continuity and IT disaster recovery plans of ISO 22301 8.4.
//
// A Plan is the library entry: its kind, the unit it belongs to, its owner,
// who approves it and how often it is reviewed. Its content lives in
// numbered versions. A version is drafted, submitted for review, approved
// by the plan's approvers (never by its own author) and published; a
// published version never changes again, and editing a published plan
// starts a new draft from it. Every published version is kept, and any
// two versions can be compared section by section and playbook by
// playbook.
//
// The content is structured (teams and roles, linked risks, response
// levels, scenario playbooks with triggers, tasks by role with time
// limits, communication templates per audience and language, recovery
// targets) with free Markdown text where the structure stops, so that the
// document export, the offline crisis pack, plan activation and the plan
// generator all work from the same records.
package plan

import (
	"context"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
)

// Kind is the kind of a plan.
type Kind string

// The plan kinds.
const (
	General Kind = "general" // 综合应急预案
	Special Kind = "special" // 专项应急预案
	Onsite  Kind = "onsite"  // 现场处置方案
	BCP     Kind = "bcp"     // 业务连续性计划 (ISO 22301 8.4)
	DRP     Kind = "drp"     // 灾难恢复预案 (IT disaster recovery)
)

// Kinds lists the plan kinds in display order.
var Kinds = []Kind{General, Special, Onsite, BCP, DRP}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return oneOf(k, Kinds) }

// Name returns the kind's name in Chinese and English.
func (k Kind) Name() (zh, en string) {
	switch k {
	case General:
		return "综合应急预案", "General emergency plan"
	case Special:
		return "专项应急预案", "Special emergency plan"
	case Onsite:
		return "现场处置方案", "On-site procedure"
	case BCP:
		return "业务连续性计划", "Business continuity plan"
	case DRP:
		return "灾难恢复预案", "IT disaster recovery plan"
	}
	return string(k), string(k)
}

// Status is where a version is in its life.
type Status string

// The version statuses. A version moves draft → in_review → approved →
// published; a rejection or a withdrawal sends it back to draft; a
// published version becomes superseded when a later one is published.
const (
	Draft      Status = "draft"
	InReview   Status = "in_review"
	Approved   Status = "approved"
	Published  Status = "published"
	Superseded Status = "superseded"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{Draft, InReview, Approved, Published, Superseded}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return oneOf(s, Statuses) }

// Open reports whether a version in this status is still on its way to
// publication; a plan has at most one open version.
func (s Status) Open() bool { return s == Draft || s == InReview || s == Approved }

// DateLayout is how calendar days (review due dates) are written.
const DateLayout = "2006-01-02"

// DefaultReviewMonths is how long a published version stays current
// before it is due for review: the seeds ask for at least a yearly
// revision.
const DefaultReviewMonths = 12

// ReminderWindow is how far ahead of its due date a plan shows up as due
// for review, so that the owner has time to revise it.
const ReminderWindow = 30 * 24 * time.Hour

// Approver is one approval a version needs: either a named account
// (UserID) or any holder of a role (Role) on the plan's unit. With several
// approvers every one must approve unless the plan sets a quorum.
type Approver struct {
	UserID int64      `json:"user_id,omitempty" doc:"a named approver's account; leave 0 when a role approves"`
	Role   authz.Role `json:"role,omitempty" doc:"any holder of this role on the plan's unit approves (e.g. committee); empty for a named approver"`
	Name   string     `json:"name,omitempty" doc:"the approver's name as shown, filled in from the account"`
}

// Plan is one entry of the plan library. Its title follows its latest
// version; its content lives in its versions.
type Plan struct {
	ID           int64      `json:"id"`
	Code         string     `json:"code" doc:"your own reference, e.g. XL-YA-01; unique when given"`
	Kind         Kind       `json:"kind"`
	Title        string     `json:"title" doc:"the title of the latest version"`
	TitleEn      string     `json:"title_en"`
	UnitID       int64      `json:"unit_id" doc:"the org unit the plan belongs to; writing and approving are scoped to it"`
	OwnerID      int64      `json:"owner_id" doc:"the person answerable for keeping the plan current; 0 for none"`
	ReviewMonths int        `json:"review_months" doc:"months from publication to the next review; default 12"`
	Approvers    []Approver `json:"approvers" doc:"who must approve a version; empty: one approval by any holder of plan.approve on the unit"`
	Quorum       int        `json:"quorum" doc:"how many approvers suffice; 0: all of them"`

	LatestVersion    int        `json:"latest_version" doc:"number of the newest version"`
	Status           Status     `json:"status" doc:"status of the newest version"`
	PublishedVersion int        `json:"published_version" doc:"number of the version in force; 0 before the first publication"`
	PublishedAt      *time.Time `json:"published_at" doc:"when the version in force was published"`
	ReviewDue        string     `json:"review_due" doc:"when the version in force is due for review, YYYY-MM-DD; empty before publication"`
	CreatedBy        int64      `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// RequiredApprovals is how many approvals publish a version.
func (p *Plan) RequiredApprovals() int {
	if len(p.Approvers) == 0 {
		return 1
	}
	if p.Quorum > 0 && p.Quorum < len(p.Approvers) {
		return p.Quorum
	}
	return len(p.Approvers)
}

// Validate checks the plan's own fields; references (unit, owner, named
// approvers) are checked by the service.
func (p *Plan) Validate() error {
	var v errs.Validation
	p.Code = strings.TrimSpace(p.Code)
	v.MaxLen("code", p.Code, 50)
	if !p.Kind.Valid() {
		v.Add("kind", "must be one of %s", join(Kinds))
	}
	v.Check(p.UnitID > 0, "unit_id", "is required")
	v.Check(p.OwnerID >= 0, "owner_id", "is not a person id")
	if p.ReviewMonths == 0 {
		p.ReviewMonths = DefaultReviewMonths
	}
	v.Check(p.ReviewMonths >= 1 && p.ReviewMonths <= 60, "review_months", "must be between 1 and 60")
	v.Check(len(p.Approvers) <= 20, "approvers", "at most 20 approvers")
	seenUser, seenRole := map[int64]bool{}, map[authz.Role]int{}
	for i := range p.Approvers {
		a := &p.Approvers[i]
		f := index("approvers", i)
		a.Name = strings.TrimSpace(a.Name)
		switch {
		case a.UserID > 0 && a.Role != "":
			v.Add(f, "name either an account (user_id) or a role, not both")
		case a.UserID > 0:
			if seenUser[a.UserID] {
				v.Add(f+".user_id", "is listed twice")
			}
			seenUser[a.UserID] = true
		case a.Role != "":
			if !a.Role.Valid() {
				v.Add(f+".role", "must be a role: %s", join(authz.Roles))
			} else if !a.Role.Has(authz.PlanApprove) {
				v.Add(f+".role", "the role %s cannot approve plans (it lacks plan.approve)", a.Role)
			}
			seenRole[a.Role]++
		default:
			v.Add(f, "name an account (user_id) or a role")
		}
	}
	v.Check(p.Quorum >= 0 && p.Quorum <= len(p.Approvers), "quorum", "must be between 0 (all approvers) and the number of approvers")
	return v.Err()
}

// Version is one numbered version of a plan's content.
type Version struct {
	ID         int64  `json:"id"`
	PlanID     int64  `json:"plan_id"`
	Number     int    `json:"number"`
	Status     Status `json:"status"`
	Title      string `json:"title"`
	TitleEn    string `json:"title_en"`
	ChangeNote string `json:"change_note" doc:"what changed in this version and why"`
	// BasedOn is the version this one was drafted from; 0 for the first.
	BasedOn     int        `json:"based_on"`
	Content     Content    `json:"content"`
	AuthorID    int64      `json:"author_id" doc:"the account that drafted the version; it may not approve it"`
	AuthorName  string     `json:"author_name"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	SubmittedBy int64      `json:"submitted_by"`
	ApprovedAt  *time.Time `json:"approved_at"`
	PublishedAt *time.Time `json:"published_at"`
	PublishedBy int64      `json:"published_by"`
	// ReviewDue is set on publication: the day the version is due for
	// review, YYYY-MM-DD.
	ReviewDue string `json:"review_due"`
	// Round counts the submissions for review; only the decisions of the
	// current round count towards approval.
	Round     int        `json:"round"`
	Decisions []Decision `json:"decisions" doc:"approvals and rejections of every round, oldest first"`
}

// Validate checks the version's title and content.
func (v *Version) Validate() error {
	var val errs.Validation
	v.Title = cleanLine(v.Title)
	v.TitleEn = cleanLine(v.TitleEn)
	v.ChangeNote = SanitizeMarkdown(v.ChangeNote)
	val.Required("title", v.Title)
	val.MaxLen("title", v.Title, 300)
	val.MaxLen("title_en", v.TitleEn, 300)
	val.MaxLen("change_note", v.ChangeNote, 4000)
	val.Merge("content", v.Content.Validate())
	return val.Err()
}

// VersionSummary is a version without its content, for lists.
type VersionSummary struct {
	Number      int        `json:"number"`
	Status      Status     `json:"status"`
	Title       string     `json:"title"`
	TitleEn     string     `json:"title_en"`
	ChangeNote  string     `json:"change_note"`
	BasedOn     int        `json:"based_on"`
	AuthorID    int64      `json:"author_id"`
	AuthorName  string     `json:"author_name"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	ApprovedAt  *time.Time `json:"approved_at"`
	PublishedAt *time.Time `json:"published_at"`
	ReviewDue   string     `json:"review_due"`
}

// Summary returns the version without its content.
func (v *Version) Summary() VersionSummary {
	return VersionSummary{Number: v.Number, Status: v.Status, Title: v.Title, TitleEn: v.TitleEn, ChangeNote: v.ChangeNote,
		BasedOn: v.BasedOn, AuthorID: v.AuthorID, AuthorName: v.AuthorName, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		SubmittedAt: v.SubmittedAt, ApprovedAt: v.ApprovedAt, PublishedAt: v.PublishedAt, ReviewDue: v.ReviewDue}
}

// Verdict is an approver's decision on a version.
type Verdict string

// The verdicts.
const (
	Approve Verdict = "approve"
	Reject  Verdict = "reject"
)

// Decision is one approver's decision on a version, kept as the approval
// record.
type Decision struct {
	ID        int64     `json:"id"`
	VersionID int64     `json:"version_id"`
	Verdict   Verdict   `json:"verdict"`
	Comment   string    `json:"comment"`
	UserID    int64     `json:"user_id"`
	UserName  string    `json:"user_name"`
	Slot      int       `json:"slot" doc:"index of the approver slot the approval filled; -1 for a rejection"`
	At        time.Time `json:"at"`
	// Round counts submissions: decisions of earlier rounds (before a
	// rejection or withdrawal) no longer count towards approval.
	Round int `json:"round"`
}

// Filter selects plans for the library list.
type Filter struct {
	Query  string // matches code and titles
	Kind   Kind
	UnitID int64 // 0: all; otherwise the unit's subtree
	Status Status
	// Published limits the list to plans with a version in force.
	Published bool
	// OwnerID limits the list to the plans of one owner.
	OwnerID int64
	// ReviewDueBy limits the list to published plans whose review falls
	// due on or before the day (YYYY-MM-DD), overdue ones included.
	ReviewDueBy string
	Limit       int // 0 means 50; at most 500
	Offset      int
}

// ReviewReminder is a published plan due, or overdue, for review.
type ReviewReminder struct {
	PlanID           int64  `json:"plan_id"`
	Code             string `json:"code"`
	Kind             Kind   `json:"kind"`
	Title            string `json:"title"`
	TitleEn          string `json:"title_en"`
	UnitID           int64  `json:"unit_id"`
	OwnerID          int64  `json:"owner_id" doc:"the person to remind; 0 when the plan has no owner"`
	PublishedVersion int    `json:"published_version"`
	ReviewDue        string `json:"review_due"`
	Overdue          bool   `json:"overdue" doc:"the due date has passed"`
	DaysLeft         int    `json:"days_left" doc:"days until the due date; negative when overdue"`
}

// Store is the storage the plan service needs.
type Store interface {
	CreatePlan(ctx context.Context, p *Plan) error
	// UpdatePlan stores the library fields of a plan, its title and the
	// state of its versions (latest, status, published, review due).
	UpdatePlan(ctx context.Context, p *Plan) error
	// DeletePlan removes a plan with its versions and decisions.
	DeletePlan(ctx context.Context, id int64) error
	PlanByID(ctx context.Context, id int64) (Plan, error)
	PlanByCode(ctx context.Context, code string) (Plan, error)
	// ListPlans returns a page of plans by kind and title, and the total
	// matching the filter.
	ListPlans(ctx context.Context, f Filter) ([]Plan, int, error)
	// PlansDueBy returns published plans whose review is due on or before
	// the day, earliest first.
	PlansDueBy(ctx context.Context, day string) ([]Plan, error)

	CreatePlanVersion(ctx context.Context, v *Version) error
	// UpdatePlanVersion stores a version's fields and content (its decisions
	// are added with AddPlanDecision).
	UpdatePlanVersion(ctx context.Context, v *Version) error
	DeletePlanVersion(ctx context.Context, id int64) error
	// PlanVersion returns a version with its decisions.
	PlanVersion(ctx context.Context, planID int64, number int) (Version, error)
	// PlanVersions returns a plan's versions, newest first, without content.
	PlanVersions(ctx context.Context, planID int64) ([]VersionSummary, error)
	AddPlanDecision(ctx context.Context, d *Decision) error

	// ExistingRisks returns which of the ids are risks of the register.
	ExistingRisks(ctx context.Context, ids []int64) (map[int64]bool, error)
	// ProcessesByIDs returns the business processes (BIA) among the ids.
	ProcessesByIDs(ctx context.Context, ids []int64) (map[int64]bia.Process, error)

	UnitByID(ctx context.Context, id int64) (org.Unit, error)
	TeamByID(ctx context.Context, id int64) (org.Team, error)
	PeopleByIDs(ctx context.Context, ids []int64) (map[int64]org.Person, error)
	UserByID(ctx context.Context, id int64) (identity.User, error)
}

func oneOf[T comparable](x T, set []T) bool {
	for _, s := range set {
		if s == x {
			return true
		}
	}
	return false
}

func join[T ~string](set []T) string {
	parts := make([]string, len(set))
	for i, s := range set {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}
