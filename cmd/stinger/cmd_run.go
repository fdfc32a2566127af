package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/app"
	"github.com/stingerdvt/stinger/config"
	"github.com/stingerdvt/stinger/internal/logging"
)

func newRunCmd(env []string) *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the node until SIGINT or SIGTERM",
		Long: `Load the configuration (flags > STINGER_* environment > --config file > defaults), validate it,
start the node's components in order (logger, metrics, node API; later p2p, consensus, duties,
marketplace) and run until SIGINT or SIGTERM, then stop them in reverse order within 5 seconds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configFile == "" {
				configFile = lookupEnv(env, config.EnvConfigFile)
			}
			cfg, err := config.Load(config.Sources{File: configFile, Env: env, Flags: cmd.Flags()})
			if err != nil {
				return err
			}
			logger, err := logging.New(cfg.Log.Level, cfg.Log.Format, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			a, err := app.New(app.Options{Config: cfg, Build: app.BuildInfo{Version: version, Commit: commit}, Logger: logger})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				logger.Info("Shutting down", zap.Duration("budget", app.ShutdownTimeout))
			}()
			if err := a.Run(ctx); err != nil {
				return fmt.Errorf("run: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "YAML config file (env "+config.EnvConfigFile+")")
	config.BindFlags(cmd.Flags())
	return cmd
}

func lookupEnv(env []string, name string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}
