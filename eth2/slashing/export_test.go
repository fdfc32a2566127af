package slashing

// WithoutFsyncForTests skips fsync so that fuzzing can run thousands of
// imports a second. Only tests that do not depend on durability use it; it
// does not exist outside test binaries.
func WithoutFsyncForTests() Option { return func(o *options) { o.noSync = true } }
