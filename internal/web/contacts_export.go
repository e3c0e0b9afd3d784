package web

import (
	"bytes"
	"net/http"

	"github.com/continuo-bcm/continuo/internal/orgio"
)

// exportContacts downloads the emergency contact list as XLSX (laid out
// for A4) or CSV, in the page language.
func (h *handler) exportContacts(w http.ResponseWriter, r *http.Request) {
	format := orgio.FormatXLSX
	if r.URL.Query().Get("format") == "csv" {
		format = orgio.FormatCSV
	}
	rows, err := h.d.Org.ContactList(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := orgio.WriteContactList(&buf, format, rows, h.langOf(r)); err != nil {
		h.serverError(w, r, err)
		return
	}
	name := "contact-list-" + h.d.Clock.Now().In(h.loc()).Format("20060102") + "." + string(format)
	sendFile(w, name, format, buf.Bytes())
}
