package main

import (
	"crypto/rand"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
)

func newIdentityCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "identity",
		Short: "Create or show the operator identity (secp256k1 key and libp2p peer ID)",
	}
	cmd.AddCommand(newIdentityCreateCmd(), newIdentityShowCmd())
	return cmd
}

func newIdentityCreateCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a new operator key in <data-dir>/operator.key (mode 0600); never overwrites",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := config.CheckDataDir(dataDir); err != nil {
				return fmt.Errorf("create identity: %w", err)
			}
			id, err := cluster.CreateIdentity(dataDir, rand.Reader)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created operator identity %s\n", cluster.IdentityPath(dataDir))
			printIdentity(cmd, id)
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", config.Default().DataDir, "data directory")
	return cmd
}

func newIdentityShowCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the operator's peer ID and public key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := cluster.LoadIdentity(dataDir)
			if err != nil {
				return err
			}
			printIdentity(cmd, id)
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", config.Default().DataDir, "data directory")
	return cmd
}

func printIdentity(cmd *cobra.Command, id *cluster.Identity) {
	fmt.Fprintf(cmd.OutOrStdout(), "peer_id: %s\npublic_key: %s\n", id.PeerID, id.PublicKeyHex())
}
