package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plangen"
)

func planCmd(o *options) *cobra.Command {
	c := &cobra.Command{Use: "plan", Short: "Plan library"}
	c.AddCommand(planGenerateCmd(o))
	return c
}

func planGenerateCmd(o *options) *cobra.Command {
	var (
		req   plangen.Request
		kbDir string
		unit  string
		asOf  string
	)
	c := &cobra.Command{
		Use:   "generate",
		Short: "Draft a complete plan from industry, company size and region into the plan library",
		Long: `Draft a business continuity and emergency plan from the knowledge base and store it
as a draft in the plan library, with its risks entered in the risk register and the
teams it needs created when the organisation lacks them. Everything is stored in one
transaction: on any error nothing is stored.`,
		Example: "  continuo plan generate --industry ecommerce --size small --region cn-east --lang zh",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			kb, err := loadKB(kbDir)
			if err != nil {
				return err
			}
			day := time.Now().UTC()
			if asOf != "" {
				if day, err = time.Parse(time.DateOnly, asOf); err != nil {
					return fmt.Errorf("--as-of %q: must be a date as YYYY-MM-DD", asOf)
				}
			}
			// Check the input before the database is touched.
			req.AsOf = day
			if _, _, _, err := plangen.GeneratePair(kb, req.Input); err != nil {
				return flagError(err)
			}
			a, err := o.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			sys := system(ctx)
			if req.UnitID, err = findUnit(sys, a.Org, unit); err != nil {
				return err
			}
			res, err := plangen.Apply(sys, plangen.Deps{Tx: a.DB, Org: a.Org, Risk: a.Risk, Plan: a.Plan, KB: kb}, req, day)
			if err != nil {
				return flagError(err)
			}
			printSummary(o.stdout, res, a.Config.BaseURL)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&req.Industry, "industry", "", "industry: ecommerce, logistics, manufacturing, banking, insurance, securities, healthcare, it_saas, energy_utilities, education, government, hospitality (or an alias, or a pack of --kb)")
	f.StringVar(&req.Size, "size", "", "company size: micro (1–9 people), small (10–99), medium (100–999), large (1,000+)")
	f.StringVar(&req.Region, "region", "", "region: cn-east, cn-south, cn-southwest, cn-north, cn-central, cn-northeast, cn-northwest, north-america, europe, southeast-asia, middle-east, latin-america, africa, oceania")
	f.StringVar(&req.Language, "lang", "zh-CN", "language of the texts kept in one language (the plan itself is written in both): zh-CN or en")
	f.StringVar(&kbDir, "kb", "", "directory of knowledge-base packs merged over the built-in ones")
	f.StringVar(&unit, "unit", "", "id or code of the org unit that owns the plan, risks and teams created; default the root unit")
	f.StringVar(&req.Code, "code", "", "the plan's reference, e.g. BCP-01 (unique)")
	f.StringVar(&asOf, "as-of", "", "first day of the drill calendar, YYYY-MM-DD; default today")
	f.StringSliceVar(&req.CriticalSystems, "critical-system", nil, "a named critical system, e.g. \"SAP ERP\" (repeat or separate with commas)")
	f.StringSliceVar(&req.PaymentProviders, "payment-provider", nil, "a payment provider you depend on (repeatable)")
	f.StringSliceVar(&req.LogisticsProviders, "logistics-provider", nil, "a logistics provider you depend on (repeatable)")
	f.IntVar(&req.Sites, "sites", 0, "number of sites")
	f.StringSliceVar(&req.Regulators, "regulator", nil, "a regulator you report to (repeatable)")
	for _, name := range []string{"industry", "size", "region"} {
		_ = c.MarkFlagRequired(name)
	}
	return c
}

func loadKB(dir string) (*plangen.KB, error) {
	if dir == "" {
		return plangen.Builtin()
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--kb: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--kb %s: not a directory", dir)
	}
	return plangen.LoadKB(os.DirFS(dir))
}

// flagError names the flags behind the generator's field errors.
func flagError(err error) error {
	err = explain(err)
	r := strings.NewReplacer("  industry:", "  --industry:", "  size:", "  --size:", "  region:", "  --region:",
		"  language:", "  --lang:", "  unit_id:", "  --unit:", "  code:", "  --code:", "  sites:", "  --sites:")
	if msg := err.Error(); strings.HasPrefix(msg, "invalid input:") {
		return fmt.Errorf("%s", r.Replace(msg))
	}
	return err
}

// findUnit resolves --unit (an id or a code); empty is the root unit.
func findUnit(ctx context.Context, svc *org.Service, ref string) (int64, error) {
	if ref == "" {
		return 0, nil
	}
	units, err := svc.Units(ctx)
	if err != nil {
		return 0, err
	}
	for _, u := range units {
		if strconv.FormatInt(u.ID, 10) == ref || (u.Code != "" && strings.EqualFold(u.Code, ref)) {
			return u.ID, nil
		}
	}
	return 0, fmt.Errorf("--unit %q: no org unit with this id or code", ref)
}

func printSummary(w io.Writer, res plangen.Result, baseURL string) {
	d := res.Draft
	fmt.Fprintf(w, "created plan %d (draft version %d): %s\n", res.PlanID, res.Version, res.Title)
	fmt.Fprintf(w, "  %s\n", res.TitleEn)
	fmt.Fprintf(w, "  industry %s, size %s, region %s, knowledge base %s\n", d.Input.Industry, d.Input.Size, d.Input.Region, res.KBVersion)
	fmt.Fprintf(w, "  risks:            %d (%d entered in the register, %d already there)\n", len(res.RiskIDs), res.RisksCreated, res.RisksLinked)
	fmt.Fprintf(w, "  teams:            %d (%d created, %d existing)\n", len(res.Teams), res.TeamsCreated(), len(res.Teams)-res.TeamsCreated())
	fmt.Fprintf(w, "  playbooks:        %d with %d tasks\n", res.Playbooks, res.Tasks)
	fmt.Fprintf(w, "  recovery targets: %d\n", res.Recovery)
	fmt.Fprintf(w, "  audiences:        %d\n", res.Audiences)
	fmt.Fprintf(w, "  resources:        %d\n", res.Resources)
	var months []string
	for _, dr := range d.Maintenance.Drills {
		months = append(months, dr.Month)
	}
	fmt.Fprintf(w, "  drills:           %d (%s); %d training courses\n", res.Drills, strings.Join(months, ", "), res.Courses)
	fmt.Fprintf(w, "  review:           every %d months, next %s\n", res.ReviewMonths, d.Maintenance.NextReview)
	fmt.Fprintf(w, "  API:              %s/api/v1/plans/%d\n", baseURL, res.PlanID)
}
