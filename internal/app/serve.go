package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/obs"
)

func loadConfig(getenv func(string) string) (*config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func runServe(ctx context.Context, getenv func(string) string, stdout io.Writer, noMigrate bool) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := obs.NewLogger(stdout, cfg.LogLevel, cfg.LogFormat)
	log.Info("starting lyo", "version", versionString(), "env", cfg.Env)
	log.LogAttrs(ctx, slog.LevelInfo, "configuration", cfg.Attrs()...)
	s, err := newServer(ctx, cfg, log, cfg.AutoMigrate && !noMigrate, time.Now)
	if err != nil {
		return err
	}
	defer s.close()
	return s.serve(ctx, nil)
}

// serve listens until ctx ends, then shuts down in order: readiness turns false,
// the listeners keep serving for ShutdownDelay so load balancers notice, then stop
// accepting and in-flight requests get ShutdownGrace to finish. onListen, when set,
// learns the bound addresses (tests listen on port 0).
func (s *server) serve(ctx context.Context, onListen func(api, metrics string)) error {
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	if err := s.startFeed(bg); err != nil {
		return err
	}
	api := s.httpServer(s.cfg.HTTPAddr, s.handler)
	servers := []*http.Server{api}
	var metricsAddr string
	if s.cfg.MetricsAddr != "" {
		m := s.httpServer(s.cfg.MetricsAddr, s.metrics.Handler())
		servers = append(servers, m)
	}
	listeners := make([]net.Listener, len(servers))
	for i, srv := range servers {
		ln, err := net.Listen("tcp", srv.Addr)
		if err != nil {
			for _, l := range listeners[:i] {
				l.Close()
			}
			return fmt.Errorf("listen on %s: %w", srv.Addr, err)
		}
		listeners[i] = ln
	}
	// A slow client holds a connection, and a goroutine, per connection it
	// opens: cap them per address on the public listener.
	listeners[0] = httpx.LimitConns(listeners[0], s.cfg.MaxConnsPerClient, httpx.Trusted(s.cfg.TrustedProxies), s.metrics.ConnectionRefused)
	if len(listeners) > 1 {
		metricsAddr = listeners[1].Addr().String()
	}
	if err := s.jobs.Start(ctx); err != nil {
		for _, l := range listeners {
			l.Close()
		}
		return err
	}
	s.log.Info("listening", "addr", listeners[0].Addr().String(), "metrics_addr", metricsAddr, "database", s.db.Engine())
	if onListen != nil {
		onListen(listeners[0].Addr().String(), metricsAddr)
	}

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			if err := srv.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.health.Drain()
	s.log.Info("shutting down: readiness is false", "delay", s.cfg.ShutdownDelay, "grace", s.cfg.ShutdownGrace)
	if s.hooks.draining != nil {
		s.hooks.draining()
	}
	time.Sleep(s.cfg.ShutdownDelay)
	if s.hooks.stopping != nil {
		s.hooks.stopping()
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownGrace)
	defer cancel()
	jobsStopped := s.stopJobs(sctx)
	var cutOff error
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			cutOff = fmt.Errorf("shutdown: requests still running after %s were cut off: %w", s.cfg.ShutdownGrace, err)
			srv.Close()
		}
	}
	jobsStopped()
	if cutOff != nil {
		return cutOff
	}
	s.log.Info("stopped cleanly")
	return nil
}

func (s *server) httpServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// No WriteTimeout here: each route sets its own write deadline, so
		// streams and uploads can run longer than ordinary requests.
	}
}
