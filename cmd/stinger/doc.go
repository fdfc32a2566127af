// Command stinger is the distributed-validator operator daemon's CLI: it
// parses flags, loads the configuration (config.Load) and hands over to the
// composition root (app). Commands: run, identity create|show, config
// check|defaults|reference, health, version, completion.
package main
