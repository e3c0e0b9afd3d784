package orgio_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestFormatFromName(t *testing.T) {
	xlsxType := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	for _, tc := range []struct {
		name, ct string
		want     orgio.Format
		err      string
	}{
		{"人员.xlsx", "", orgio.FormatXLSX, ""},
		{"People.XLSX", "application/octet-stream", orgio.FormatXLSX, ""},
		{"people.csv", "application/vnd.ms-excel", orgio.FormatCSV, ""}, // what Windows browsers send for .csv
		{"", "text/csv; charset=utf-8", orgio.FormatCSV, ""},
		{"upload", xlsxType, orgio.FormatXLSX, ""},
		{"old.xls", "application/vnd.ms-excel", "", "legacy"},
		{"photo.png", "image/png", "", "not a spreadsheet"},
		{"upload", "application/octet-stream", "", "cannot tell"},
		{"", "", "", "neither a name"},
	} {
		got, err := orgio.FormatFromName(tc.name, tc.ct)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("FormatFromName(%q, %q) = %q, %v; want %q", tc.name, tc.ct, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) || errs.CodeOf(err) != errs.Invalid {
			t.Errorf("FormatFromName(%q, %q) = %q, %v; want an invalid error about %q", tc.name, tc.ct, got, err, tc.err)
		}
	}
}

func TestImportRejectsBadFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.counts(t)
		header := "employee_no,name,unit\n"
		var tooMany strings.Builder
		tooMany.WriteString(header)
		for i := 0; i <= orgio.MaxRows; i++ {
			fmt.Fprintf(&tooMany, "E%d,某人,XL-IT\n", i)
		}
		for _, tc := range []struct {
			name   string
			data   []byte
			format orgio.Format
			want   string
		}{
			{"empty", nil, orgio.FormatCSV, "empty"},
			{"blank lines", []byte("\n\n , ,\n"), orgio.FormatCSV, "empty"},
			{"header only", []byte(header), orgio.FormatCSV, "no data rows"},
			{"header only xlsx", xlsxFile(t, [][]string{{"姓名", "部门"}}), orgio.FormatXLSX, "no data rows"},
			{"png as xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), orgio.FormatXLSX, "not an XLSX"},
			{"png as csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), orgio.FormatCSV, "not a spreadsheet"},
			{"legacy xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), orgio.FormatXLSX, "legacy"},
			{"broken zip", []byte("PK\x03\x04garbage"), orgio.FormatXLSX, "not a readable XLSX"},
			{"too many rows", []byte(tooMany.String()), orgio.FormatCSV, "more than 100000"},
		} {
			_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(tc.data), tc.format)
			fs := fields(t, err)
			if !hasField(fs, "file", tc.want) {
				t.Errorf("%s: fields %+v, want a file problem about %q", tc.name, fs, tc.want)
			}
		}
		if after := e.counts(t); after != before {
			t.Fatalf("counts %+v → %+v", before, after)
		}
	})
}

// An XLSX file uploaded under a .csv name is still read as a workbook, and
// blank rows keep the row numbers of the sheet.
func TestImportReadsContentAndKeepsRowNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		file := xlsxFile(t, [][]string{
			{"Employee No.", "NAME", " Unit ", "E-Mail", "Mobile Phone"},
			{"R1", "甲", "XL-IT", "a@xinglian.example", ""},
			{},
			{"", "", "", "", ""},
			{"R2", "乙", "XL-IT", "broken@", ""},
		})
		_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		fs := fields(t, err)
		if len(fs) != 1 || !hasField(fs, "row 5.email", "broken@") {
			t.Fatalf("fields %+v, want only row 5.email", fs)
		}
	})
}

func TestImportHeaderlessValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		file := csvFile(t, [][]string{{"name", "unit", ""}, {"甲", "XL-IT", "lost value"}})
		_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		if fs := fields(t, err); !hasField(fs, "row 2.column C", "no header") {
			t.Fatalf("fields %+v, want the value without a header reported", fs)
		}
	})
}

func TestImportListsAtMostMaxProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		rows := [][]string{{"name", "unit"}}
		for i := 0; i < 1500; i++ {
			rows = append(rows, []string{"某人", "NOWHERE"})
		}
		_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(csvFile(t, rows)), orgio.FormatCSV)
		fs := fields(t, err)
		if len(fs) != 1001 || fs[999].Field != "row 1001.unit" || !hasField(fs, "file", "500 more problems") {
			t.Fatalf("%d fields, last %+v; want 1000 listed and a count of the rest", len(fs), fs[len(fs)-1])
		}
	})
}
