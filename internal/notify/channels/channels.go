// Package channels lists the channel implementations built into Continuo.
package channels

import (
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/dingtalk"
	"github.com/continuo-bcm/continuo/internal/notify/email"
	"github.com/continuo-bcm/continuo/internal/notify/feishu"
	"github.com/continuo-bcm/continuo/internal/notify/slack"
	"github.com/continuo-bcm/continuo/internal/notify/sms"
	"github.com/continuo-bcm/continuo/internal/notify/webhook"
	"github.com/continuo-bcm/continuo/internal/notify/wecom"
)

// Builtin returns the factory of every built-in channel kind.
func Builtin() map[notify.Kind]notify.Factory {
	return map[notify.Kind]notify.Factory{
		notify.Email:    email.New,
		notify.Webhook:  webhook.New,
		notify.DingTalk: dingtalk.New,
		notify.WeCom:    wecom.New,
		notify.Feishu:   feishu.New,
		notify.Slack:    slack.New,
		notify.SMS:      sms.New,
	}
}
