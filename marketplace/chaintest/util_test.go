package chaintest_test

import "github.com/stingerdvt/stinger/marketplace/bindings"

func tokenBin() string { return bindings.TestTokenMetaData.Bin }
