// Package logging builds the node's *zap.Logger from the configured level
// and format: a human-readable console encoding by default, JSON for log
// collectors. Components receive the logger by injection; nothing here is
// global.
//
// Levels (see docs/architecture.md and STYLE.md): error = a human must act;
// warn = rare and odd; info = outcomes an operator wants to read; debug =
// steps.
package logging
