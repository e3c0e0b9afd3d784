// Package cli defines the continuo command line. Every setting is a flag
// with an environment variable of the same name (CONTINUO_…) as fallback;
// nothing is read from global state outside the command being run.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
)

type options struct {
	cfg      app.Config
	logLevel string
	demo     bool
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
}

// Root returns the continuo command with all sub-commands.
func Root(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	o := &options{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "continuo",
		Short:         "Continuo: business continuity and crisis management",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&o.cfg.DB, "db", "continuo.db", "database: a SQLite file path, or a postgres:// URL (env CONTINUO_DB)")
	pf.StringVar(&o.cfg.TimeZone, "time-zone", "", "time zone for times shown to people, an IANA name such as Asia/Shanghai; default the system's (env CONTINUO_TIME_ZONE)")
	pf.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error (env CONTINUO_LOG_LEVEL)")
	pf.StringVar(&o.cfg.PDFFont, "pdf-font", "", "CJK TrueType font (.ttf or .ttc) for PDF exports; default: search the usual font directories (env CONTINUO_PDF_FONT)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		return applyEnv(cmd.Flags())
	}
	root.AddCommand(serveCmd(o), migrateCmd(o), demoCmd(o), versionCmd(o), userCmd(o), tokenCmd(o),
		backupCmd(o), restoreCmd(o), auditCmd(o), planCmd(o), exportCmd(o))
	return root
}

// applyEnv sets every flag not given on the command line from its
// environment variable: --oidc-client-id ← CONTINUO_OIDC_CLIENT_ID.
func applyEnv(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "CONTINUO_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("environment variable %s: %w", name, serr)
			}
		}
	})
	return err
}

func (o *options) logger() (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", o.logLevel)
	}
	return slog.New(slog.NewTextHandler(o.stderr, &slog.HandlerOptions{Level: lvl})), nil
}

func (o *options) open(ctx context.Context) (*app.App, error) {
	log, err := o.logger()
	if err != nil {
		return nil, err
	}
	return app.New(ctx, o.cfg, log, clock.Real{})
}

func system(ctx context.Context) context.Context {
	return authz.WithPrincipal(ctx, authz.SystemPrincipal)
}

func serveCmd(o *options) *cobra.Command {
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the web application and API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			start := time.Now()
			a, err := o.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			if o.demo {
				if err := loadDemo(ctx, a, o.stdout); err != nil {
					return err
				}
			} else if n, err := a.Identity.CountUsers(ctx); err == nil && n == 0 {
				fmt.Fprintf(o.stdout, "No accounts yet: open %s/setup to create the first administrator,\nor run: continuo user create --username admin --role admin\n", a.Config.BaseURL)
			}
			return a.Serve(ctx, func(addr string) {
				a.Log.Info("continuo ready", "addr", "http://"+addr, "engine", a.DB.Engine(), "version", app.Version, "startup", time.Since(start).Round(time.Millisecond))
			})
		},
	}
	f := c.Flags()
	f.StringVar(&o.cfg.Addr, "addr", "127.0.0.1:8080", "listen address (env CONTINUO_ADDR)")
	f.StringVar(&o.cfg.BaseURL, "base-url", "", "public URL of this server, for links and single sign-on (env CONTINUO_BASE_URL)")
	f.BoolVar(&o.cfg.SecureCookies, "secure-cookies", false, "mark cookies Secure; set when served over HTTPS (env CONTINUO_SECURE_COOKIES)")
	f.BoolVar(&o.cfg.PublicMetrics, "public-metrics", false, "serve /metrics without authentication (env CONTINUO_PUBLIC_METRICS)")
	f.StringVar(&o.cfg.NotifySecret, "notify-secret", "", "secret signing acknowledgement links in notifications; default: generated once and kept in the database (env CONTINUO_NOTIFY_SECRET)")
	f.StringVar(&o.cfg.OIDC.Issuer, "oidc-issuer", "", "OpenID Connect issuer URL for single sign-on (env CONTINUO_OIDC_ISSUER)")
	f.StringVar(&o.cfg.OIDC.ClientID, "oidc-client-id", "", "OpenID Connect client id (env CONTINUO_OIDC_CLIENT_ID)")
	f.StringVar(&o.cfg.OIDC.ClientSecret, "oidc-client-secret", "", "OpenID Connect client secret (env CONTINUO_OIDC_CLIENT_SECRET)")
	f.BoolVar(&o.demo, "demo", false, "load the demo organisation into an empty database (env CONTINUO_DEMO)")
	return c
}

func loadDemo(ctx context.Context, a *app.App, out io.Writer) error {
	login, loaded, err := demo.Load(system(ctx), a.Org, a.Identity, a.DB)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if loaded {
		fmt.Fprintln(out, "Demo organisation loaded.")
	} else {
		fmt.Fprintln(out, "The database already holds an organisation; demo data not loaded again.")
	}
	fmt.Fprintf(out, "Sign in at %s with username %q and password %q (demo only).\n", a.Config.BaseURL, login.Username, login.Password)
	return nil
}

func migrateCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations and exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := store.Open(ctx, o.cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.Migrate(ctx)
			if err != nil {
				return err
			}
			v, err := db.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(o.stdout, "applied %d migration(s); schema version %d (%s)\n", n, v, db.Engine())
			return nil
		},
	}
}

func demoCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Load the demo organisation into an empty database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := o.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			return loadDemo(cmd.Context(), a, o.stdout)
		},
	}
}

func versionCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(o.stdout, "continuo", app.Version)
			return nil
		},
	}
}

func userCmd(o *options) *cobra.Command {
	c := &cobra.Command{Use: "user", Short: "Manage accounts"}
	var in identity.NewUser
	var roles []string
	var orgName, orgNameEn string
	var passwordStdin bool
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an account",
		Long: "Create an account. Roles are given as ROLE or ROLE@UNIT, where UNIT is an org unit id or code;\n" +
			"without a unit the role applies to the whole organisation (the root unit). When the database has\n" +
			"no org unit yet, the root unit is created with --org-name.\n" +
			"The password is read from standard input with --password-stdin, asked for on a terminal,\n" +
			"or generated and printed once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := system(cmd.Context())
			a, err := o.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			generated := false
			switch {
			case passwordStdin:
				line, err := bufio.NewReader(o.stdin).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return err
				}
				in.Password = strings.TrimRight(line, "\r\n")
			case isTerminal(o.stdin):
				fmt.Fprint(o.stderr, "Password: ")
				pw, err := term.ReadPassword(int(o.stdin.(*os.File).Fd()))
				fmt.Fprintln(o.stderr)
				if err != nil {
					return err
				}
				in.Password = string(pw)
			default:
				in.Password = identity.NewSecret("")[:20]
				generated = true
			}
			var u identity.User
			err = a.DB.InTx(ctx, func(ctx context.Context) error {
				in.Grants = nil
				for _, r := range roles {
					g, err := resolveGrant(ctx, a.Org, r, orgName, orgNameEn)
					if err != nil {
						return err
					}
					in.Grants = append(in.Grants, g)
				}
				u, err = a.Identity.CreateUser(ctx, in)
				return err
			})
			if err != nil {
				return explain(err)
			}
			fmt.Fprintf(o.stdout, "created user %s (id %d)\n", u.Username, u.ID)
			if generated {
				fmt.Fprintf(o.stdout, "password: %s\n(shown once; change it after signing in)\n", in.Password)
			}
			return nil
		},
	}
	f := create.Flags()
	f.StringVar(&in.Username, "username", "", "username (required)")
	f.StringVar(&in.DisplayName, "display-name", "", "name shown in the application")
	f.StringVar(&in.Email, "email", "", "email address (used for single sign-on)")
	f.StringVar(&in.Lang, "lang", "", "language: zh-CN or en (default: from the browser)")
	f.StringSliceVar(&roles, "role", nil, "role grant ROLE or ROLE@UNIT; repeatable. Roles: admin, bcm_manager, committee, department_lead, responder, viewer, auditor")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	f.StringVar(&orgName, "org-name", "组织", "name of the root org unit, created when there is none")
	f.StringVar(&orgNameEn, "org-name-en", "Organisation", "English name of the root org unit, created when there is none")
	_ = create.MarkFlagRequired("username")
	c.AddCommand(create)
	return c
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// resolveGrant turns ROLE or ROLE@UNIT into a grant.
func resolveGrant(ctx context.Context, svc *org.Service, spec, orgName, orgNameEn string) (authz.Grant, error) {
	roleName, unitRef, hasUnit := strings.Cut(spec, "@")
	role := authz.Role(strings.TrimSpace(roleName))
	if !role.Valid() {
		return authz.Grant{}, fmt.Errorf("--role %q: unknown role; use one of admin, bcm_manager, committee, department_lead, responder, viewer, auditor", spec)
	}
	units, err := svc.Units(ctx)
	if err != nil {
		return authz.Grant{}, err
	}
	if !hasUnit {
		for _, u := range units {
			if u.ParentID == nil {
				return authz.Grant{Role: role, UnitID: u.ID}, nil
			}
		}
		root, err := svc.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: orgName, NameEn: orgNameEn})
		if err != nil {
			return authz.Grant{}, err
		}
		return authz.Grant{Role: role, UnitID: root.ID}, nil
	}
	for _, u := range units {
		if strconv.FormatInt(u.ID, 10) == unitRef || (u.Code != "" && strings.EqualFold(u.Code, unitRef)) {
			return authz.Grant{Role: role, UnitID: u.ID}, nil
		}
	}
	return authz.Grant{}, fmt.Errorf("--role %q: no org unit with id or code %q", spec, unitRef)
}

// explain prints field errors one per line so a CLI user sees every problem.
func explain(err error) error {
	fields := errs.FieldsOf(err)
	if len(fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	return errors.New(b.String())
}

func tokenCmd(o *options) *cobra.Command {
	c := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var username, name string
	var days int
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API bearer token carrying a user's rights",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := system(cmd.Context())
			a, err := o.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			if days < 0 {
				return errors.New("--expires-days must be 0 (never) or more")
			}
			u, err := a.DB.UserByUsername(ctx, username)
			if err != nil {
				return fmt.Errorf("--user %q: %w", username, err)
			}
			_, secret, err := a.Identity.CreateToken(ctx, u.ID, name, time.Duration(days)*24*time.Hour)
			if err != nil {
				return explain(err)
			}
			fmt.Fprintln(o.stdout, secret)
			return nil
		},
	}
	f := create.Flags()
	f.StringVar(&username, "user", "", "username whose rights the token carries (required)")
	f.StringVar(&name, "name", "cli", "a name to recognise the token by")
	f.IntVar(&days, "expires-days", 90, "days until the token expires; 0 for never")
	_ = create.MarkFlagRequired("user")
	c.AddCommand(create)
	return c
}

func backupCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write an online backup of the SQLite database to FILE",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := store.Open(ctx, o.cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Backup(ctx, args[0]); err != nil {
				return err
			}
			v, err := store.CheckBackup(ctx, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(o.stdout, "backup written to %s (schema version %d)\n", args[0], v)
			return nil
		},
	}
}

func restoreCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the SQLite database with a backup (stop the server first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.HasPrefix(o.cfg.DB, "postgres://") || strings.HasPrefix(o.cfg.DB, "postgresql://") {
				return errors.New("restore: this database runs on PostgreSQL; use pg_restore")
			}
			if err := store.Restore(cmd.Context(), args[0], o.cfg.DB); err != nil {
				return err
			}
			fmt.Fprintf(o.stdout, "restored %s from %s\n", o.cfg.DB, args[0])
			return nil
		},
	}
}

func auditCmd(o *options) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "Audit log"}
	c.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain of the audit log; exit status 1 when it is broken",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := system(cmd.Context())
			a, err := o.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			r, err := a.Audit.Verify(ctx)
			if err != nil {
				return err
			}
			if r.OK() {
				fmt.Fprintf(o.stdout, "audit log intact: %d entries checked\n", r.Checked)
				return nil
			}
			for _, p := range r.Problems {
				fmt.Fprintf(o.stdout, "entry %d: %s\n", p.EntryID, p.Reason)
			}
			return fmt.Errorf("audit log broken: %d problem(s) in %d entries", len(r.Problems), r.Checked)
		},
	})
	return c
}
