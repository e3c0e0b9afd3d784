package orgio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Result says what an import stored.
type Result struct {
	Imported int `json:"imported"` // rows stored: Created + Updated
	Created  int `json:"created"`
	Updated  int `json:"updated"`
}

// personRow is a checked row of a people import, ready to store.
type personRow struct {
	line     int
	person   org.Person
	existing bool
	unit     string   // the unit as displayed, for messages
	contacts []string // the column each contact method came from
}

// ImportPeople creates and updates people from a spreadsheet. A row whose
// employee number is already stored updates that person: the columns
// present in the file replace the stored values (an empty cell clears an
// optional field), columns absent from the file keep them. Every row is
// checked before anything is stored; any problem, or any error of the org
// service while storing, rolls everything back and is reported by row.
func ImportPeople(ctx context.Context, svc *org.Service, t tx.Runner, r io.Reader, f Format) (Result, error) {
	principal, err := importer(ctx, authz.PeopleWrite)
	if err != nil {
		return Result{}, err
	}
	tbl, err := readTable(r, f)
	if err != nil {
		return Result{}, err
	}
	var pr problems
	h := mapHeader(tbl, peopleColumns, &pr)
	checkHeaderless(tbl, &pr)
	if !h.has("name") || !h.has("unit") {
		return Result{}, pr.err()
	}
	var res Result
	err = t.InTx(ctx, func(ctx context.Context) error {
		rows, err := checkPeople(ctx, svc, principal, tbl, h, &pr)
		if err != nil {
			return err
		}
		if !pr.empty() {
			return pr.err()
		}
		res = Result{}
		for _, row := range rows {
			if _, err := svc.SavePerson(ctx, row.person); err != nil {
				if stop := serviceProblem(&pr, row.line, err, row.fieldOf, row.unit); stop != nil {
					return stop
				}
				continue
			}
			if row.existing {
				res.Updated++
			} else {
				res.Created++
			}
		}
		res.Imported = res.Created + res.Updated
		return pr.err()
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// importer returns the acting principal when they may import at all; the
// unit scope is checked per row.
func importer(ctx context.Context, perm authz.Permission) (authz.Principal, error) {
	p, ok := authz.From(ctx)
	if !ok {
		return p, errs.New(errs.Unauthorized, "not signed in")
	}
	if !p.Any(perm) {
		return p, errs.New(errs.Forbidden, "permission %s required to import", perm)
	}
	return p, nil
}

// checkPeople turns the rows into people, resolving units, sites and
// existing people from what is stored, and records every problem.
func checkPeople(ctx context.Context, svc *org.Service, principal authz.Principal, tbl *table, h headerIndex, pr *problems) ([]personRow, error) {
	units, err := svc.Units(ctx)
	if err != nil {
		return nil, err
	}
	ux := newUnitIndex(units)
	var sx *siteIndex
	if h.has("site") {
		sites, err := svc.Sites(ctx)
		if err != nil {
			return nil, err
		}
		sx = newSiteIndex(sites)
	}
	var byNo map[string]org.Person
	if h.has("employee_no") {
		if byNo, err = peopleByEmployeeNo(ctx, svc); err != nil {
			return nil, err
		}
	}
	seenNo := map[string]int{}
	rows := make([]personRow, 0, len(tbl.rows))
	for _, r := range tbl.rows {
		row := personRow{line: r.line, person: org.Person{Active: true}}
		p := &row.person
		no := cleanNumber(h.cell(r, "employee_no"))
		if no != "" {
			if first, dup := seenNo[no]; dup {
				pr.add(r.line, "employee_no", "employee number “%s” is also on row %d", no, first)
			} else {
				seenNo[no] = r.line
			}
			if old, ok := byNo[no]; ok {
				row.existing = true
				*p = old
				p.Contacts = append([]org.ContactMethod(nil), old.Contacts...)
			}
			p.EmployeeNo = no
		}
		p.Name = h.cell(r, "name")
		if p.Name == "" {
			pr.add(r.line, "name", "is required")
		}
		for _, f := range []struct {
			key string
			dst *string
		}{{"name_en", &p.NameEn}, {"title", &p.Title}, {"title_en", &p.TitleEn}} {
			if h.has(f.key) {
				*f.dst = h.cell(r, f.key)
			}
		}

		if v := h.cell(r, "unit"); v == "" {
			pr.add(r.line, "unit", "is required")
		} else if u, why := ux.resolve(v); why != "" {
			pr.add(r.line, "unit", "%s", why)
		} else {
			row.unit = ux.display(u.ID)
			if !principal.On(authz.PeopleWrite, u.Path) {
				pr.add(r.line, "unit", "you may not add or change people in “%s”", row.unit)
			} else if row.existing && p.UnitID != u.ID {
				if old, ok := ux.byID[p.UnitID]; ok && !principal.On(authz.PeopleWrite, old.Path) {
					pr.add(r.line, "unit", "you may not move people out of “%s”", ux.display(old.ID))
				}
			}
			p.UnitID = u.ID
		}

		if sx != nil {
			if v := h.cell(r, "site"); v == "" {
				p.SiteID = nil
			} else if s, why := sx.resolve(v); why != "" {
				pr.add(r.line, "site", "%s", why)
			} else {
				id := s.ID
				p.SiteID = &id
			}
		}

		if v := h.cell(r, "active"); v != "" {
			if b, ok := parseBool(v); ok {
				p.Active = b
			} else {
				pr.add(r.line, "active", "“%s” is not yes or no (是/否)", v)
			}
		}

		// Contact methods in display order; a kind with a column in the
		// file takes the file's values, the others keep what is stored.
		var contacts []org.ContactMethod
		for _, kind := range org.ContactKinds {
			key := string(kind)
			if !h.has(key) {
				for _, c := range p.Contacts {
					if c.Kind == kind {
						contacts = append(contacts, c)
						row.contacts = append(row.contacts, key)
					}
				}
				continue
			}
			for _, v := range splitValues(h.cell(r, key)) {
				if kind == org.ContactMobile || kind == org.ContactPhone {
					v = cleanNumber(v)
				}
				contacts = append(contacts, org.ContactMethod{Kind: kind, Value: v})
				row.contacts = append(row.contacts, key)
			}
		}
		p.Contacts = contacts

		if err := p.Validate(); err != nil {
			for _, fe := range errs.FieldsOf(err) {
				field := row.fieldOf(fe.Field)
				if (field == "name" && p.Name == "") || (field == "unit" && p.UnitID == 0) {
					continue // already reported above
				}
				pr.add(r.line, field, "%s", row.describe(fe))
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// peopleByEmployeeNo loads every stored person with an employee number,
// page by page, so that a row costs a map lookup instead of a query.
func peopleByEmployeeNo(ctx context.Context, svc *org.Service) (map[string]org.Person, error) {
	out := map[string]org.Person{}
	var after int64
	for {
		page, _, err := svc.People(ctx, org.PeopleFilter{Limit: 500, AfterID: after})
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			if p.EmployeeNo != "" {
				out[p.EmployeeNo] = p
			}
			after = p.ID
		}
		if len(page) < 500 {
			return out, nil
		}
	}
}

var contactFieldRe = regexp.MustCompile(`^contacts\[(\d+)\]\.?(.*)$`)

// fieldOf turns a field of org.Person or of an org service error into the
// column of the file it came from.
func (row *personRow) fieldOf(field string) string {
	switch field {
	case "unit_id":
		return "unit"
	case "site_id":
		return "site"
	}
	if m := contactFieldRe.FindStringSubmatch(field); m != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(row.contacts) {
			return row.contacts[i]
		}
	}
	return field
}

// describe puts the offending value into messages about contact methods,
// which alone do not say which of several numbers is wrong.
func (row *personRow) describe(fe errs.FieldError) string {
	if m := contactFieldRe.FindStringSubmatch(fe.Field); m != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(row.person.Contacts) {
			return fmt.Sprintf("“%s” %s", row.person.Contacts[i].Value, fe.Message)
		}
	}
	return fe.Message
}

// serviceProblem records an error returned by the org service for a row.
// Domain errors (invalid, forbidden, conflict…) are the user's to fix and
// the import goes on collecting them; anything else is a failure of the
// system and stops the import: it is returned, unless row problems were
// already found (on PostgreSQL a failed statement aborts the transaction,
// so later errors are only echoes of the first).
func serviceProblem(pr *problems, line int, err error, fieldOf func(string) string, unit string) error {
	code := errs.CodeOf(err)
	if code == errs.Internal {
		if pr.empty() {
			return err
		}
		return pr.err()
	}
	if code == errs.Forbidden || code == errs.Unauthorized {
		pr.add(line, "unit", "you may not make this change in “%s” (%s)", unit, messageOf(err))
		return nil
	}
	fields := errs.FieldsOf(err)
	if len(fields) == 0 {
		pr.add(line, "", "%s", messageOf(err))
		return nil
	}
	for _, fe := range fields {
		pr.add(line, fieldOf(fe.Field), "%s", fe.Message)
	}
	return nil
}

func messageOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return strings.TrimSpace(e.Message)
	}
	return err.Error()
}
