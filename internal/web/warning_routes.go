package web

import (
	"context"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/server"
)

// boardPollEvery is how often open warning boards look for changes made
// by other server processes; changes made by this process are seen at
// once.
const boardPollEvery = 2 * time.Second

// registerWarningPages adds the warning pages to rt: the board with its
// live stream, history, issuing and changing warnings, acknowledgement,
// indicators, the warning inputs (polled CAP feeds), and the notification
// channels, escalation policies, delivery log and personal preferences.
func (h *handler) registerWarningPages(rt *server.Router) {
	if h.d.Warning == nil {
		return
	}
	read := authz.Needs(authz.WarningRead)
	write := authz.Needs(authz.WarningWrite)
	ack := authz.Needs(authz.WarningAck)
	hub := newBoardHub(func(ctx context.Context) (string, error) {
		return h.d.Warning.BoardRevision(authz.WithPrincipal(ctx, authz.SystemPrincipal))
	}, boardPollEvery, h.log)

	rt.HandleFunc("GET /warnings", read, h.showWarningBoard)
	rt.HandleFunc("GET /warnings/live", read, h.streamWarnings(hub))
	rt.HandleFunc("GET /warnings/history", read, h.showWarningHistory)
	rt.HandleFunc("GET /warnings/new", write, h.newWarning)
	rt.HandleFunc("POST /warnings", write, h.issueWarning(hub))
	rt.HandleFunc("GET /warnings/{id}", read, h.showWarning)
	rt.HandleFunc("POST /warnings/{id}/level", write, h.changeWarningLevel(hub))
	rt.HandleFunc("POST /warnings/{id}/lift", write, h.liftWarning(hub))
	rt.HandleFunc("POST /warnings/{id}/acks", ack, h.acknowledgeWarning(hub))

	rt.HandleFunc("GET /indicators", read, h.listIndicators)
	rt.HandleFunc("GET /indicators/new", write, h.newIndicator)
	rt.HandleFunc("POST /indicators", write, h.createIndicator)
	rt.HandleFunc("GET /indicators/{id}", read, h.showIndicator)
	rt.HandleFunc("GET /indicators/{id}/edit", write, h.editIndicator)
	rt.HandleFunc("POST /indicators/{id}", write, h.updateIndicator)

	rt.HandleFunc("GET /warning-feeds", read, h.listFeeds)
	rt.HandleFunc("GET /warning-feeds/new", write, h.newFeed)
	rt.HandleFunc("POST /warning-feeds", write, h.createFeed)
	rt.HandleFunc("GET /warning-feeds/{id}/edit", write, h.editFeed)
	rt.HandleFunc("POST /warning-feeds/{id}", write, h.updateFeed)
	rt.HandleFunc("POST /warning-feeds/{id}/delete", write, h.deleteFeed)

	if h.d.Notify == nil {
		return
	}
	manage := authz.Needs(authz.NotifyManage)
	self := authz.Needs(authz.SelfService)
	rt.HandleFunc("GET /notify/channels", manage, h.listChannels)
	rt.HandleFunc("POST /notify/channels", manage, h.createChannel)
	rt.HandleFunc("GET /notify/channels/{id}/edit", manage, h.editChannel)
	rt.HandleFunc("POST /notify/channels/{id}", manage, h.updateChannel)
	rt.HandleFunc("POST /notify/channels/{id}/delete", manage, h.deleteChannel)
	rt.HandleFunc("POST /notify/channels/{id}/test", manage, h.testChannel)
	rt.HandleFunc("GET /notify/deliveries", manage, h.showDeliveryLog)
	rt.HandleFunc("GET /notify/policies", manage, h.listPolicies)
	rt.HandleFunc("GET /notify/policies/new", manage, h.newPolicy)
	rt.HandleFunc("POST /notify/policies", manage, h.createPolicy)
	rt.HandleFunc("GET /notify/policies/{id}/edit", manage, h.editPolicy)
	rt.HandleFunc("POST /notify/policies/{id}", manage, h.updatePolicy)
	rt.HandleFunc("POST /notify/policies/{id}/delete", manage, h.deletePolicy)
	rt.HandleFunc("GET /profile/notifications", self, h.showPreferences)
	rt.HandleFunc("POST /profile/notifications", self, h.savePreferences)
}
