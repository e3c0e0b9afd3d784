// Package people benchmarks the people directory API in process, for
// profiling: go test ./bench/people -bench . -cpuprofile cpu.out
package people

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
)

func BenchmarkPeopleList(b *testing.B) {
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	a, err := app.New(ctx, app.Config{DB: filepath.Join(b.TempDir(), "b.db")}, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Real{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	root, _ := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: "g"})
	now := time.Now()
	_ = a.DB.InTx(ctx, func(ctx context.Context) error {
		for j := range 20000 {
			p := org.Person{Name: fmt.Sprint("张", j), UnitID: root.ID, Active: true, CreatedAt: now, UpdatedAt: now,
				Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: fmt.Sprintf("+86 139 %08d", j)}, {Kind: org.ContactEmail, Value: fmt.Sprintf("p%d@x.example", j)}}}
			if err := a.DB.CreatePerson(ctx, &p); err != nil {
				return err
			}
		}
		return nil
	})
	u, _ := a.Identity.CreateUser(ctx, identity.NewUser{Username: "bench", Password: "bench-password-123", Grants: []authz.Grant{{Role: authz.Admin, UnitID: root.ID}}})
	_, secret, _ := a.Identity.CreateToken(ctx, u.ID, "b", 0)
	h, _, _ := a.Handler()
	// PROFILE=file writes a CPU profile of the measured part only.
	if path := os.Getenv("PROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/people?limit=50&offset=%d", (i*50)%10000), nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatal(rec.Code, rec.Body.String())
			}
		}
	})
}
