package web

import (
	"errors"
	"fmt"
	"testing"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/notify"
)

// TestDeliveryErrorInChinese: the errors the engine writes are said in
// the page's language; an error from a channel's server stays as it is.
func TestDeliveryErrorInChinese(t *testing.T) {
	p := Page{Tr: i18n.For(i18n.ZH)}
	misconfigured := notify.Permanent(fmt.Errorf(notify.ErrChannelMisconfigured, "值班短信", "url: is required"))
	for in, want := range map[string]string{
		fmt.Sprintf(notify.ErrNoChannel, notify.SMS):         "没有启用的短信渠道。",
		fmt.Sprintf(notify.ErrPersonNoAddress, notify.Email): "此人没有电子邮件联系方式。",
		notify.ErrNoAddress.Error():                          "接收人没有该渠道的联系方式。",
		fmt.Sprintf(notify.ErrChannelDisabled, "企业微信群"):      "渠道“企业微信群”已停用。",
		misconfigured.Error():                                "渠道“值班短信”配置有误：url: is required",
		"smtp: 550 5.1.1 mailbox unavailable":                "smtp: 550 5.1.1 mailbox unavailable",
		"no enabled sms channel is configured (and more)":    "no enabled sms channel is configured (and more)",
		errors.New(`the channel "x" is on fire`).Error():     `the channel "x" is on fire`,
	} {
		if got := p.DeliveryError(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
