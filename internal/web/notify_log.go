package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/notify"
)

const deliveryPageSize = 50

// deliveryRow is one delivery of the log.
type deliveryRow struct {
	D          notify.Delivery
	SourceHref string // the page of what the message is about, when known
	External   bool   // the recipient is outside the directory (a partner)
}

type deliveryLogPage struct {
	Page
	Rows      []deliveryRow
	Message   string
	States    []option
	Kinds     []option
	OlderURL  string
	NewestURL string
	Filtered  bool
	Paged     bool
}

// showDeliveryLog lists deliveries, newest first, filtered by message,
// state and channel, fifty at a time (?before= pages back by id).
func (h *handler) showDeliveryLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := deliveryLogPage{Page: h.base(w, r, "warnweb.delivery_log")}
	f := notify.DeliveryFilter{Limit: deliveryPageSize + 1}
	p.Message = strings.TrimSpace(q.Get("message"))
	if id, err := strconv.ParseInt(p.Message, 10, 64); err == nil && id > 0 {
		f.MessageID = id
	} else {
		p.Message = ""
	}
	state := notify.State(q.Get("state"))
	p.States = []option{{Value: "", Label: p.Tr.T("warnweb.all_states")}}
	for _, s := range notify.States {
		if s == state {
			f.State = s
		}
		p.States = append(p.States, option{Value: string(s), Label: p.Tr.T("warnweb.state." + string(s)), Selected: s == state})
	}
	kind := notify.Kind(q.Get("kind"))
	p.Kinds = []option{{Value: "", Label: p.Tr.T("warnweb.all_channels")}}
	for _, k := range notify.Kinds {
		if k == kind {
			f.Kind = k
		}
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.Tr.T("warnweb.kind." + string(k)), Selected: k == kind})
	}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.BeforeID = b
		p.Paged = true
	}
	p.Filtered = f.MessageID != 0 || f.State != "" || f.Kind != ""
	ds, err := h.d.Notify.Deliveries(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	more := len(ds) > deliveryPageSize
	if more {
		ds = ds[:deliveryPageSize]
	}
	for _, d := range ds {
		row := deliveryRow{D: d, External: d.External()}
		if id, ok := strings.CutPrefix(d.Source, "warning:"); ok {
			row.SourceHref = "/warnings/" + url.PathEscape(id)
		}
		p.Rows = append(p.Rows, row)
	}
	link := func(before int64) string {
		v := url.Values{}
		if f.MessageID != 0 {
			v.Set("message", strconv.FormatInt(f.MessageID, 10))
		}
		if f.State != "" {
			v.Set("state", string(f.State))
		}
		if f.Kind != "" {
			v.Set("kind", string(f.Kind))
		}
		if before > 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return "/notify/deliveries"
		}
		return "/notify/deliveries?" + v.Encode()
	}
	if more {
		p.OlderURL = link(ds[len(ds)-1].ID)
	}
	p.NewestURL = link(0)
	h.render(w, r, http.StatusOK, "warning_deliveries", p)
}

// DeliveryError says a delivery's last error in the reader's language
// when the engine wrote it; an error from a channel's server is shown as
// it came.
func (p Page) DeliveryError(s string) string {
	var arg string
	matches := func(format string) bool {
		arg = ""
		n, err := fmt.Sscanf(s, format, &arg)
		return n == 1 && err == nil && fmt.Sprintf(format, arg) == s
	}
	switch {
	case s == notify.ErrNoAddress.Error():
		return p.Tr.T("warnweb.err.no_address_here")
	case matches(notify.ErrNoChannel):
		return p.Tr.T("warnweb.err.no_channel", p.Tr.T("warnweb.kind."+arg))
	case matches(notify.ErrPersonNoAddress):
		return p.Tr.T("warnweb.err.person_no_address", p.Tr.T("warnweb.kind."+arg))
	case matches(notify.ErrChannelDisabled):
		return p.Tr.T("warnweb.err.channel_disabled", arg)
	}
	// "the channel %q is misconfigured: %s": the detail comes from the
	// channel's settings check and stays as it is.
	var name string
	if n, err := fmt.Sscanf(s, "the channel %q", &name); n == 1 && err == nil {
		if detail, ok := strings.CutPrefix(s, fmt.Sprintf(notify.ErrChannelMisconfigured, name, "")); ok {
			return p.Tr.T("warnweb.err.channel_misconfigured", name, detail)
		}
	}
	return s
}
