package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// TestPlanReviewRemindersGoThroughTheNotificationEngine publishes a plan
// and reminds its owner of the review: the engine stores the reminder
// once per stage (its dedup key), so a second round sends nothing.
func TestPlanReviewRemindersGoThroughTheNotificationEngine(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	group, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: "星联物流集团"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := a.Org.SavePerson(ctx, org.Person{Name: "刘晓梅", UnitID: group.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := a.Plan.CreatePlan(ctx, plan.Plan{Code: "YA-00", Kind: plan.General, UnitID: group.ID, OwnerID: owner.ID},
		plan.Version{Title: "综合应急预案", Content: plan.Content{Purpose: plan.Section{Text: "总则"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (plan.Version, error){
		func() (plan.Version, error) { return a.Plan.Submit(ctx, p.ID, 1) },
		func() (plan.Version, error) { return a.Plan.Decide(ctx, p.ID, 1, plan.Approve, "") },
		func() (plan.Version, error) { return a.Plan.Publish(ctx, p.ID, 1) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	// Published on 2026-02-01: due on 2027-02-01.
	at := time.Date(2027, 1, 10, 8, 0, 0, 0, time.UTC)
	res, err := a.Plan.RemindReviews(ctx, at)
	if err != nil || res.Due != 1 || res.Sent != 1 {
		t.Fatalf("first round: %+v %v", res, err)
	}
	res, err = a.Plan.RemindReviews(ctx, at.Add(24*time.Hour))
	if err != nil || res.Due != 1 || res.Sent != 0 {
		t.Fatalf("second round of the same stage: %+v %v", res, err)
	}
	res, err = a.Plan.RemindReviews(ctx, time.Date(2027, 2, 2, 8, 0, 0, 0, time.UTC))
	if err != nil || res.Sent != 1 {
		t.Fatalf("overdue: %+v %v", res, err)
	}
}
