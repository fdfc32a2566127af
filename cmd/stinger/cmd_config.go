package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stingerdvt/stinger/config"
)

func newConfigCmd(env []string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check a configuration file or print the defaults and reference",
	}
	cmd.AddCommand(newConfigCheckCmd(env), newConfigDefaultsCmd(), newConfigReferenceCmd())
	return cmd
}

func newConfigCheckCmd(env []string) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Validate FILE (with STINGER_* environment overrides); print every problem, exit 1 if any",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := config.Load(config.Sources{File: args[0], Env: env}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: OK\n", args[0])
			return nil
		},
	}
}

func newConfigDefaultsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "defaults",
		Short: "Print a complete commented config file with every default",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := config.DefaultsYAML(config.Default())
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
}

func newConfigReferenceCmd() *cobra.Command {
	var update string
	cmd := &cobra.Command{
		Use:   "reference",
		Short: "Print the Markdown configuration reference (or update it in a file with --update)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ref := config.Reference()
			if update == "" {
				_, err := fmt.Fprint(cmd.OutOrStdout(), ref)
				return err
			}
			return replaceReference(update, ref)
		},
	}
	cmd.Flags().StringVar(&update, "update", "", "Markdown file whose generated reference block to replace (e.g. README.md)")
	return cmd
}

// replaceReference swaps the block between the reference markers in path for ref.
func replaceReference(path, ref string) error {
	content, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("update reference: %w", err)
	}
	s := string(content)
	start := strings.Index(s, config.ReferenceStart)
	end := strings.Index(s, config.ReferenceEnd)
	if start < 0 || end < start {
		return fmt.Errorf("update reference: %s lacks the markers %q and %q", path, config.ReferenceStart, config.ReferenceEnd)
	}
	end += len(config.ReferenceEnd)
	if end < len(s) && s[end] == '\n' {
		end++
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("update reference: %w", err)
	}
	if err := os.WriteFile(path, []byte(s[:start]+ref+s[end:]), info.Mode().Perm()); err != nil {
		return fmt.Errorf("update reference: %w", err)
	}
	return nil
}
