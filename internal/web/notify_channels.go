package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/server"
)

// channelSpec names the settings and secrets a channel kind uses (see
// docs/notifications.md); the form shows those inputs.
type channelSpec struct {
	Settings []string
	Secrets  []string
}

var channelSpecs = map[notify.Kind]channelSpec{
	notify.Email:    {Settings: []string{"host", "port", "tls", "username", "from", "helo", "connections"}, Secrets: []string{"password"}},
	notify.Webhook:  {Settings: []string{"url"}, Secrets: []string{"secret"}},
	notify.DingTalk: {Secrets: []string{"url", "secret"}},
	notify.WeCom:    {Secrets: []string{"url"}},
	notify.Feishu:   {Secrets: []string{"url", "secret"}},
	notify.Slack:    {Secrets: []string{"url"}},
	notify.SMS:      {Settings: []string{"url", "method", "content_type", "body_template", "auth_header"}, Secrets: []string{"auth_value"}},
}

// channelRow is one configured channel in the list.
type channelRow struct {
	C          notify.ChannelConfig
	SecretsSet []string
}

// settingInput is one setting of the channel form.
type settingInput struct {
	Key   string
	Value string
	Long  bool // body templates get a text area
}

// secretInput is one write-only secret of the channel form: never filled
// in, only marked as set.
type secretInput struct {
	Key    string
	Set    bool
	Remove bool
}

type channelsPage struct {
	Page
	formState
	Rows    []channelRow
	Kinds   []option
	Editing bool
	Form    channelForm
	// Test is the form to send a test message.
	Test     formState
	TestID   int64
	TestAddr string
}

// channelForm is the channel editor as typed. Secrets are never sent
// back to the browser.
type channelForm struct {
	ID       int64
	Kind     string
	Name     string
	Enabled  bool
	Rate     string
	Settings []settingInput
	Secrets  []secretInput
}

func (h *handler) channelsPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f channelForm) (channelsPage, error) {
	p := channelsPage{Page: h.base(w, r, "warnweb.channels"), Form: f, Editing: f.ID != 0}
	chans, err := h.d.Notify.Channels(ctx)
	if err != nil {
		return p, err
	}
	for _, c := range chans {
		p.Rows = append(p.Rows, channelRow{C: c, SecretsSet: c.SecretsSet()})
	}
	for _, k := range notify.Kinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.Tr.T("warnweb.kind." + string(k)), Selected: string(k) == f.Kind})
	}
	return p, nil
}

// channelFormFor lays out the inputs of a channel kind with the stored
// settings and the names of the secrets that are set.
func channelFormFor(c notify.ChannelConfig) channelForm {
	f := channelForm{ID: c.ID, Kind: string(c.Kind), Name: c.Name, Enabled: c.Enabled, Rate: strconv.FormatFloat(c.RatePerSecond, 'f', -1, 64)}
	spec := channelSpecs[c.Kind]
	for _, k := range spec.Settings {
		f.Settings = append(f.Settings, settingInput{Key: k, Value: c.Settings[k], Long: k == "body_template"})
	}
	for _, k := range spec.Secrets {
		f.Secrets = append(f.Secrets, secretInput{Key: k, Set: c.Secrets[k] != ""})
	}
	return f
}

// listChannels shows the configured channels and the form for a new one
// of the kind chosen (?kind=, email by default).
func (h *handler) listChannels(w http.ResponseWriter, r *http.Request) {
	kind := notify.Kind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = notify.Email
	}
	p, err := h.channelsPage(r.Context(), w, r, channelFormFor(notify.ChannelConfig{Kind: kind, Enabled: true}))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning_channels", p)
}

// editChannel shows the form of a configured channel.
func (h *handler) editChannel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	c, err := h.d.Notify.Channel(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.channelsPage(r.Context(), w, r, channelFormFor(c))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning_channels", p)
}

// createChannel stores a new channel.
func (h *handler) createChannel(w http.ResponseWriter, r *http.Request) { h.saveChannel(w, r, 0) }

// updateChannel stores changes to a channel; secrets left empty keep
// their value, and those ticked for removal are removed.
func (h *handler) updateChannel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveChannel(w, r, id)
}

func (h *handler) saveChannel(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	kind := notify.Kind(pf("kind"))
	if id != 0 {
		stored, err := h.d.Notify.Channel(ctx, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		kind = stored.Kind
	}
	c := notify.ChannelConfig{ID: id, Kind: kind, Name: pf("name"), Enabled: pf("enabled") == "1",
		Settings: map[string]string{}, Secrets: map[string]string{}}
	var v errs.Validation
	rate := strings.TrimSpace(pf("rate_per_second"))
	if rate != "" {
		x, err := strconv.ParseFloat(rate, 64)
		if err != nil {
			v.Add("rate_per_second", "is not a number")
		}
		c.RatePerSecond = x
	}
	spec := channelSpecs[kind]
	for _, k := range spec.Settings {
		if s := strings.TrimSpace(pf("settings." + k)); s != "" {
			c.Settings[k] = s
		}
	}
	remove := map[string]bool{}
	for _, k := range r.PostForm["remove_secret"] {
		remove[k] = true
	}
	for _, k := range spec.Secrets {
		switch s := pf("secrets." + k); {
		case s != "":
			c.Secrets[k] = s
		case remove[k] && id != 0:
			c.Secrets[k] = "" // the service removes a secret given as ""
		}
	}
	err := v.Err()
	if err == nil {
		c, err = h.d.Notify.SaveChannel(ctx, c)
	}
	if err != nil {
		// The form comes back without any secret typed: secrets never
		// travel back to the browser.
		shown := c
		shown.Secrets = map[string]string{}
		if id != 0 {
			if stored, serr := h.d.Notify.Channel(ctx, id); serr == nil {
				shown.Secrets = stored.Secrets
			}
		}
		f := channelFormFor(shown)
		f.Rate = rate
		p, perr := h.channelsPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !fileWarnErrors(p.Page, &p.formState, err, "name", "kind", "rate_per_second") {
			h.fail(w, r, err)
			return
		}
		if len(errs.FieldsOf(err)) == 0 {
			// The channel package refused the settings: say why.
			p.Other = []string{localizeMessage(p.Tr, err) + causeOf(err)}
		}
		h.render(w, r, http.StatusUnprocessableEntity, "warning_channels", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/notify/channels", http.StatusSeeOther)
}

// causeOf returns ": cause" for an error that wraps one, else "".
func causeOf(err error) string {
	var e *errs.Error
	if ok := errors.As(err, &e); ok && e.Err != nil {
		return ": " + e.Err.Error()
	}
	return ""
}

// deleteChannel removes a channel; its deliveries stay in the log.
func (h *handler) deleteChannel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.Notify.DeleteChannel(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/notify/channels", http.StatusSeeOther)
}

// testChannel sends a test message through a channel at once.
func (h *handler) testChannel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	addr := strings.TrimSpace(r.PostFormValue("address"))
	var person int64
	if u, ok := server.UserFrom(r.Context()); ok && u.PersonID != nil && addr == "" {
		person = *u.PersonID
	}
	_, err := h.d.Notify.TestChannel(ctx, id, person, addr)
	if err == nil {
		h.flash(w, "ok", "warnweb.test_sent")
		http.Redirect(w, r, "/notify/channels", http.StatusSeeOther)
		return
	}
	c, cerr := h.d.Notify.Channel(ctx, id)
	if cerr != nil {
		h.fail(w, r, cerr)
		return
	}
	p, perr := h.channelsPage(ctx, w, r, channelFormFor(notify.ChannelConfig{Kind: c.Kind, Enabled: true}))
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	p.TestID, p.TestAddr = id, addr
	if !fileWarnErrors(p.Page, &p.Test, err, "address") {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "warning_channels", p)
}
