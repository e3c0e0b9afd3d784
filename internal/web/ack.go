package web

import (
	"net/http"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/notify"
)

// ackPage is the public page of an acknowledgement link, in both
// languages at once: the recipient may not be signed in, and the link may
// reach someone whose language the server does not know.
type ackPage struct {
	Page
	Zh, En   i18n.Translator
	Token    string
	State    string // confirm, done, already, expired, invalid
	Subject  string
	English  string
	Name     string
	AckedAt  string
	Severity notify.Severity
}

func (h *handler) ackBase(w http.ResponseWriter, r *http.Request) ackPage {
	return ackPage{Page: h.base(w, r, "notify.ack.title"), Zh: i18n.For(i18n.ZH), En: i18n.For(i18n.EN), Token: r.PathValue("token")}
}

func (p *ackPage) fill(d notify.Delivery, m notify.Message, loc *time.Location) {
	p.Subject, p.English = m.Text(notify.LangZh).Subject, m.Text(notify.LangEn).Subject
	p.Name, p.Severity = d.Name, m.Severity
	if d.AckedAt != nil {
		p.AckedAt = d.AckedAt.In(loc).Format("2006-01-02 15:04")
	}
}

// showAck shows what the link acknowledges and a button to confirm. GET
// never acknowledges: mail security scanners open links.
func (h *handler) showAck(w http.ResponseWriter, r *http.Request) {
	if h.d.Notify == nil {
		h.notFound(w, r)
		return
	}
	p := h.ackBase(w, r)
	prev, err := h.d.Notify.PreviewToken(r.Context(), p.Token)
	switch {
	case errs.Is(err, errs.NotFound):
		p.State = "invalid"
		h.render(w, r, http.StatusNotFound, "ack", p)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	case prev.Expired:
		p.State = "expired"
		h.render(w, r, http.StatusGone, "ack", p)
		return
	}
	p.fill(prev.Delivery, prev.Message, h.loc())
	p.State = "confirm"
	if prev.Delivery.AckedAt != nil {
		p.State = "already"
	}
	h.render(w, r, http.StatusOK, "ack", p)
}

// acknowledge records the acknowledgement the link carries.
func (h *handler) acknowledge(w http.ResponseWriter, r *http.Request) {
	if h.d.Notify == nil {
		h.notFound(w, r)
		return
	}
	p := h.ackBase(w, r)
	res, err := h.d.Notify.AcknowledgeToken(r.Context(), p.Token)
	switch {
	case errs.Is(err, errs.NotFound):
		p.State = "invalid"
		h.render(w, r, http.StatusNotFound, "ack", p)
		return
	case errs.Is(err, errs.Invalid):
		p.State = "expired"
		h.render(w, r, http.StatusGone, "ack", p)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	p.fill(res.Delivery, res.Message, h.loc())
	p.State = "done"
	if res.Already {
		p.State = "already"
	}
	h.render(w, r, http.StatusOK, "ack", p)
}
