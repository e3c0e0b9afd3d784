package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/continuo-bcm/continuo/internal/org"
)

// TestPeoplePageJSON checks that the hand-written encoding of the people
// page is exactly what encoding/json writes for the same struct.
func TestPeoplePageJSON(t *testing.T) {
	site, next := int64(7), int64(42)
	awkward := []string{"", "王伟", "a\"b\\c", "tab\there\nnew\rline", "\x00\x01\x1f\x7f", "\b\f", "<script>&amp;</script>",
		"bad \xff utf-8 \xe4\xb8", "line\u2028sep\u2029para", "emoji 🚨 ok", "é"}
	var page peoplePage
	for i, s := range awkward {
		row := personRow{ID: int64(i + 1), EmployeeNo: s, Name: s, NameEn: s, Title: s, TitleEn: s, UnitID: 3, Active: i%2 == 0,
			Contacts: []org.ContactMethod{{Kind: org.ContactEmail, Value: s}}, CreatedAt: "2026-11-30T14:00:00Z", UpdatedAt: s}
		if i%3 == 0 {
			row.SiteID = &site
		}
		if i == 4 {
			row.Contacts = nil
		}
		if i == 5 {
			row.Contacts = []org.ContactMethod{}
		}
		page.Items = append(page.Items, row)
	}
	for _, p := range []peoplePage{
		{Items: []personRow{}, Total: 0, Limit: 50},
		{Items: page.Items, Total: 1234, Limit: 50, Offset: 100, NextAfterID: &next},
	} {
		var got bytes.Buffer
		if err := jsonFormat.Marshal(&got, p); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p); err != nil { // encoding/json knows nothing of AppendJSON
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("hand-written JSON differs:\n got %s\nwant %s", got.Bytes(), want.Bytes())
		}
	}
}
