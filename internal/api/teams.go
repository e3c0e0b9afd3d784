package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
)

// seatBody is a person's seat in a team: their role, duty and the people
// who act for them, in order, when they cannot be reached.
type seatBody struct {
	Role      org.TeamRole `json:"role" enum:"leader,deputy_leader,secretary,liaison,member"`
	Duty      string       `json:"duty,omitempty" doc:"what the person does in this team"`
	DutyEn    string       `json:"duty_en,omitempty"`
	Deputies  []int64      `json:"deputies,omitempty" maxItems:"10" doc:"person ids of the deputies, first asked first"`
	SortOrder int          `json:"sort_order,omitempty" doc:"order among members of the same role; 0 keeps the current place (or appends)"`
}

// memberBody is a seat with the person who holds it.
type memberBody struct {
	PersonID  int64        `json:"person_id"`
	Role      org.TeamRole `json:"role" enum:"leader,deputy_leader,secretary,liaison,member"`
	Duty      string       `json:"duty,omitempty"`
	DutyEn    string       `json:"duty_en,omitempty"`
	Deputies  []int64      `json:"deputies,omitempty" maxItems:"10"`
	SortOrder int          `json:"sort_order,omitempty"`
}

// teamBody is a team as a client writes it.
type teamBody struct {
	Kind      org.TeamKind `json:"kind" enum:"committee,crisis_office,special_team,onsite_command"`
	Name      string       `json:"name"`
	NameEn    string       `json:"name_en,omitempty"`
	UnitID    int64        `json:"unit_id" doc:"the unit the team acts for"`
	Duties    string       `json:"duties,omitempty"`
	DutiesEn  string       `json:"duties_en,omitempty"`
	SortOrder int          `json:"sort_order,omitempty"`
	Members   []memberBody `json:"members,omitempty" maxItems:"500" doc:"the whole member list; when updating, leave it out to keep the current members"`
}

func (b teamBody) members() []org.Member {
	ms := make([]org.Member, len(b.Members))
	for i, m := range b.Members {
		ms[i] = org.Member{PersonID: m.PersonID, Role: m.Role, Duty: m.Duty, DutyEn: m.DutyEn, Deputies: m.Deputies, SortOrder: m.SortOrder}
	}
	return ms
}

func (h *handlers) registerTeams(api huma.API) {
	tags := []string{"teams"}
	read, write := authz.Needs(authz.OrgRead), authz.Needs(authz.TeamsWrite)

	register(api, read, huma.Operation{
		OperationID: "list-teams", Method: http.MethodGet, Path: "/teams", Tags: tags,
		Summary: "Every team with its members and deputies",
	}, func(ctx context.Context, _ *struct{}) (*out[items[org.Team]], error) {
		teams, err := h.d.Org.Teams(ctx)
		for i := range teams {
			cleanTeam(&teams[i])
		}
		return list(teams, err)
	})

	register(api, write, huma.Operation{
		OperationID: "create-team", Method: http.MethodPost, Path: "/teams", Tags: tags,
		Summary: "Create a team", DefaultStatus: http.StatusCreated,
		Description: "Committee, crisis office, special response team or on-site command group. Every member and deputy must be a known person.",
	}, func(ctx context.Context, in *struct{ Body teamBody }) (*out[org.Team], error) {
		b := in.Body
		t, err := h.d.Org.SaveTeam(ctx, org.Team{Kind: b.Kind, Name: b.Name, NameEn: b.NameEn, UnitID: b.UnitID,
			Duties: b.Duties, DutiesEn: b.DutiesEn, SortOrder: b.SortOrder, Members: b.members()})
		if err != nil {
			return nil, err
		}
		return ok(cleanTeam(&t))
	})

	register(api, read, huma.Operation{
		OperationID: "get-team", Method: http.MethodGet, Path: "/teams/{id}", Tags: tags,
		Summary: "One team with its members and deputies",
	}, func(ctx context.Context, in *idPath) (*out[org.Team], error) {
		t, err := h.d.Org.Team(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(cleanTeam(&t))
	})

	register(api, write, huma.Operation{
		OperationID: "update-team", Method: http.MethodPut, Path: "/teams/{id}", Tags: tags,
		Summary:     "Replace a team",
		Description: "Replaces the team's fields, and its member list when `members` is given.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body teamBody
	}) (*out[org.Team], error) {
		b := in.Body
		var saved org.Team
		// Read and write in one transaction, so that members kept from the
		// stored team are not ones another request just changed.
		err := h.d.DB.InTx(ctx, func(ctx context.Context) error {
			t, err := h.d.Org.Team(ctx, in.ID)
			if err != nil {
				return err
			}
			t.Kind, t.Name, t.NameEn, t.UnitID, t.Duties, t.DutiesEn, t.SortOrder = b.Kind, b.Name, b.NameEn, b.UnitID, b.Duties, b.DutiesEn, b.SortOrder
			if b.Members != nil {
				t.Members = b.members()
			}
			saved, err = h.d.Org.SaveTeam(ctx, t)
			return err
		})
		if err != nil {
			return nil, err
		}
		return ok(cleanTeam(&saved))
	})

	register(api, write, huma.Operation{
		OperationID: "delete-team", Method: http.MethodDelete, Path: "/teams/{id}", Tags: tags,
		Summary: "Delete a team",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, h.d.Org.DeleteTeam(ctx, in.ID)
	})

	type seatPath struct {
		ID       int64 `path:"id" minimum:"1" doc:"the team"`
		PersonID int64 `path:"person_id" minimum:"1" doc:"the person holding the seat"`
	}

	register(api, write, huma.Operation{
		OperationID: "put-team-member", Method: http.MethodPut, Path: "/teams/{id}/members/{person_id}", Tags: tags,
		Summary: "Seat a person in a team, or change their seat",
		Description: "Sets the person's role, duty and ordered deputies. A person cannot be their own deputy; " +
			"deputies must be known people.",
	}, func(ctx context.Context, in *struct {
		ID       int64 `path:"id" minimum:"1" doc:"the team"`
		PersonID int64 `path:"person_id" minimum:"1" doc:"the person holding the seat"`
		Body     seatBody
	}) (*out[org.Team], error) {
		var saved org.Team
		err := h.d.DB.InTx(ctx, func(ctx context.Context) error {
			t, err := h.d.Org.Team(ctx, in.ID)
			if err != nil {
				return err
			}
			seat := len(t.Members)
			for i, m := range t.Members {
				if m.PersonID == in.PersonID {
					seat = i
				}
			}
			b := in.Body
			saved, err = h.d.Org.AddMember(ctx, in.ID, org.Member{PersonID: in.PersonID, Role: b.Role, Duty: b.Duty, DutyEn: b.DutyEn,
				Deputies: b.Deputies, SortOrder: b.SortOrder})
			if err != nil {
				// The service validates the whole team; report the problems
				// of this seat where the client wrote them.
				return problemOf(ctx, err, seatField(seat))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return ok(cleanTeam(&saved))
	})

	register(api, write, huma.Operation{
		OperationID: "delete-team-member", Method: http.MethodDelete, Path: "/teams/{id}/members/{person_id}", Tags: tags,
		Summary: "Take a person off a team; returns the team",
	}, func(ctx context.Context, in *seatPath) (*out[org.Team], error) {
		t, err := h.d.Org.RemoveMember(ctx, in.ID, in.PersonID)
		if err != nil {
			return nil, err
		}
		return ok(cleanTeam(&t))
	})
}

// seatField maps the service's field paths for the seat at index i of the
// team ("members[3].deputies[0]") to the request of the seat endpoint
// ("body.deputies[0]", "path.person_id").
func seatField(i int) func(string) string {
	prefix := fmt.Sprintf("members[%d].", i)
	return func(f string) string {
		rest, found := strings.CutPrefix(f, prefix)
		switch {
		case !found:
			return f
		case rest == "person_id":
			return "path.person_id"
		default:
			return "body." + rest
		}
	}
}

// cleanTeam makes the member and deputy lists empty rather than null.
func cleanTeam(t *org.Team) org.Team {
	t.Members = nonNil(t.Members)
	for i := range t.Members {
		t.Members[i].Deputies = nonNil(t.Members[i].Deputies)
	}
	return *t
}
