package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/planexport"
)

func exportCmd(o *options) *cobra.Command {
	c := &cobra.Command{Use: "export", Short: "Export documents for offline use"}
	c.AddCommand(exportCrisisPackCmd(o))
	return c
}

func exportCrisisPackCmd(o *options) *cobra.Command {
	var lang string
	c := &cobra.Command{
		Use:   "crisis-pack DIR",
		Short: "Write the offline crisis pack: published plans, teams, contact list and checklists as static files",
		Long: `Write a self-contained folder that opens in any browser with no server and no network:
index.html, every published plan as HTML and PDF (plans/), teams.html (teams, phone numbers,
deputies in order), contacts.html with contacts.csv and contacts.xlsx (the emergency contact
list) and checklists.html (the playbooks' tasks with tick boxes, for printing). Copy the
folder to a USB stick and open index.html.`,
		Example: "  continuo export crisis-pack /media/usb/crisis-pack --lang zh-CN",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, ok := i18n.Parse(lang)
			if !ok {
				return fmt.Errorf("--lang %q: must be zh-CN or en", lang)
			}
			ctx := cmd.Context()
			a, err := o.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			names, err := planexport.WriteCrisisPack(system(ctx), args[0], planexport.Deps{Plan: a.Plan, Org: a.Org, Risk: a.Risk,
				Fonts: a.Fonts, Clock: a.Clock}, l)
			if err != nil {
				return err
			}
			fmt.Fprintf(o.stdout, "Crisis pack written to %s (%d files); open %s/index.html in a browser.\n", args[0], len(names), args[0])
			return nil
		},
	}
	c.Flags().StringVar(&lang, "lang", "zh-CN", "language of the pack: zh-CN or en")
	return c
}
