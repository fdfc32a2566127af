package qbft_test

import "errors"

func errorIs(err, target error) bool { return err != nil && errors.Is(err, target) }
