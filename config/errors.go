package config

import (
	"fmt"
	"strings"
)

// FieldError is one problem with one setting.
type FieldError struct {
	// Field is the dotted key, e.g. "api.address".
	Field string
	// Value is the offending value as given.
	Value string
	// Expected says what a valid value looks like.
	Expected string
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: invalid value %q: expected %s", e.Field, e.Value, e.Expected)
}

// ValidationError lists every problem found in a configuration.
type ValidationError struct {
	// Problems holds one entry per invalid setting, in field order.
	Problems []*FieldError
}

// Error implements error, one problem per line.
func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("invalid configuration (%d problems):", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.Error())
	}
	return strings.Join(lines, "\n")
}

func (e *ValidationError) add(field, value, expected string) {
	e.Problems = append(e.Problems, &FieldError{Field: field, Value: value, Expected: expected})
}

func (e *ValidationError) addErr(err *FieldError) {
	e.Problems = append(e.Problems, err)
}

// errOrNil returns nil when there are no problems, so callers can compare to nil.
func (e *ValidationError) errOrNil() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}
