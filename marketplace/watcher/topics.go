package watcher

import (
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/marketplace/bindings"
)

func eventID(a abi.ABI, name string) common.Hash { return a.Events[name].ID }

// Topics returns the topic-0 values of every event the watcher follows (the eth_getLogs filter).
func Topics() []common.Hash {
	reg, fac, dam := bindings.NewNetworkRegistry().GetABI(), bindings.NewDAMFactory().GetABI(), bindings.NewDAM().GetABI()
	return []common.Hash{
		eventID(reg, "NetworkRegistered"), eventID(reg, "TaskSpecUpdated"),
		eventID(reg, "NetworkWhitelisted"), eventID(reg, "NetworkDelisted"),
		eventID(fac, "DAMCreated"),
		eventID(dam, "OperatorWhitelisted"), eventID(dam, "OperatorRemoved"),
		eventID(dam, "InstallationRequested"), eventID(dam, "NetworkInstalled"),
		eventID(dam, "NetworkUninstalled"), eventID(dam, "PenaltyRequested"),
	}
}
