// Package config defines stinger's one typed configuration, its defaults, how
// it is loaded (YAML file, STINGER_* environment variables, command-line
// flags; precedence flags > env > file > defaults) and how it is validated.
//
// Every setting is a field of Config with a `yaml` key and a `doc` tag; the
// flag and environment variable of a setting are derived from its key
// (api.address → --api-address, STINGER_API_ADDRESS), so a new setting needs
// only a new field. Unknown keys in the file and unknown STINGER_* variables
// are errors. Validate reports every problem at once, each naming the field,
// the bad value and what is expected.
//
// The package is layer 1 (see docs/architecture.md): it imports no other
// stinger package.
package config
